package experiment

import "github.com/rgml/rgml/framework/experiment/spec"

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

// ParseIterations parses the iteration counts of a flow written as
// "0,1,10,100" (a flow's --iterations): the spec's own rule.
func ParseIterations(s string) ([]int64, error) { return spec.ParseIterations(s) }
