package analyze

import (
	"maps"
	"slices"

	"github.com/rgml/rgml/framework/experiment/spec"
)

// usagef is spec.Usagef, for the functions that name their AnalyzeSpec
// spec.
func usagef(format string, args ...any) error { return spec.Usagef(format, args...) }

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
