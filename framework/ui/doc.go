// Package ui is `rgml ui`: a read-only web interface over a registry,
// served by net/http from templates and assets embedded in the binary
// (no network, no script from elsewhere). Its pages are the runs with
// their steps and states (local and Slurm runs, as `rgml runs show` has
// them), each entry with its lineage drawn as a graph, every figure (an
// entry's as the report draws them, a run's report with its verdict
// table; drawn once into a cache folder, entries never change), the
// compare view of framework/compare, and live curves of running
// trainings and flows, sent as server-sent events from the progress
// files they append to (experiment.LiveTrainings, experiment.LiveFlows).
//
// The server only reads: it opens no entry for writing and runs no
// plugin. Listen refuses nothing itself; the caller decides which
// addresses to allow (IsLoopback).
package ui
