// Package compare tabulates registry entries of one kind side by side: each
// entry's parameters, hyper-parameters, inputs, plugin and code, and results
// (final losses, a run's status and time) as one row, the columns whose
// values differ first. It selects entries by reference or by filters over
// those columns (Where), sorts by any column, and for two runs tells which
// steps produced different entries and why (StepDiffs).
package compare
