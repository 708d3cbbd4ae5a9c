// Package metrics holds the host's Prometheus metrics and serves them.
//
// The host owns one non-global registry (New) and turns what plugins report
// in their event streams — Monte Carlo chunks, training progress — into
// metrics. Names follow Prometheus practice: prefix rgml_, base units,
// _total on counters, _ratio for fractions, rgml_run_info{…} 1 for the
// run's metadata. Labels are the run id, plugin names and, for one step of a
// study run as a batch job, the step (a study's steps are few and fixed by
// its plan); never hyper-parameters, whose values would multiply series. Full histories live
// in the registry; these are operational telemetry for dashboards and
// alerts (docs/monitoring.md).
package metrics
