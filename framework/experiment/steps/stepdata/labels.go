package stepdata

import (
	"slices"

	"github.com/rgml/rgml/framework/grid"
)

// GroupLabel is the label a dataset's configurations are grouped by: its
// only label, or its one label that takes several values; "" when that
// is not one label.
func GroupLabel(labels map[string][]float64) string {
	if len(labels) == 1 {
		for name := range labels {
			return name
		}
	}
	if v := VaryingLabels(labels); len(v) == 1 {
		return v[0]
	}
	return ""
}

// VaryingLabels are the names of the labels that take several values,
// sorted.
func VaryingLabels(labels map[string][]float64) []string {
	var out []string
	for name, v := range labels {
		if len(grid.Distinct(v)) > 1 {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}
