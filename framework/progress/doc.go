// Package progress reports the progress of a long step: a live bar with an
// ETA on a terminal, plain periodic lines otherwise (CI, Slurm logs), so that
// log files never fill with control characters.
package progress
