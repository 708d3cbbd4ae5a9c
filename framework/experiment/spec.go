package experiment

import (
	"maps"
	"slices"

	"github.com/rgml/rgml/framework/experiment/spec"
)

// The spec package's names that callers of the engine use (cmd/rgml, the
// tests): a study is parsed here and planned with NewPlan.
type (
	Spec      = spec.Spec
	Resources = spec.Resources
)

// Bounds and defaults of a spec (see package spec).
const (
	MaxSpecBytes      = spec.MaxSpecBytes
	MaxSteps          = spec.MaxSteps
	DefaultIterations = spec.DefaultIterations
	DefaultReportOut  = spec.DefaultReportOut
	DefaultCPUs       = spec.DefaultCPUs
	DefaultMemory     = spec.DefaultMemory
)

// Parse reads and expands a spec (spec.Parse).
func Parse(file string, data []byte) (*Spec, error) { return spec.Parse(file, data) }

// ValidTime reports whether s is a time limit in one of Slurm's forms.
func ValidTime(s string) bool { return spec.ValidTime(s) }

// sortedKeys lists m's keys in order, for messages that list what exists.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// formatNumber writes numbers as spec.FormatNumber does, so that a
// message shows a value as the spec and the step names write it.
func formatNumber(v float64) string { return spec.FormatNumber(v) }
