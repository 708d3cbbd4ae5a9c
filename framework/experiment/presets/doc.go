// Package presets holds the studies built into rgml, as YAML specs of
// package experiment embedded in the binary: quick (the paper's headline
// result in about a minute on two cores), paper (the paper's full
// protocol), blume-capel and potts (other models' flows), each with a
// small version for CI; `rgml presets list` names them all.
package presets
