// Package presets holds the studies built into rgml, as YAML specs of
// package experiment embedded in the binary: quick (the paper's headline
// result in about a minute on two cores) and paper (the paper's full
// protocol).
package presets
