package experiment

import "github.com/rgml/rgml/framework/experiment/spec"

// ParseIterations parses the iteration counts of a flow written as
// "0,1,10,100" (a flow's --iterations): the spec's own rule.
func ParseIterations(s string) ([]int64, error) { return spec.ParseIterations(s) }

// RefError marks a reference the user got wrong (no such entry, an
// ambiguous prefix, a bad name, an entry others still need) as a usage
// error, for callers outside the package that resolve references
// themselves.
func RefError(err error) error { return refErr(err) }
