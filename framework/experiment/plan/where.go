package plan

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/grid"
)

// CheckWhere checks a selection against a dataset's labels (when known):
// every label exists and each selection keeps at least one value, each
// listed value included.
func CheckWhere(where []grid.Axis, ds *Node, at func(string) Pos, ref string) error {
	if ds.Labels == nil {
		return nil
	}
	for _, a := range where {
		vs, ok := ds.Labels[a.Name]
		if !ok {
			return spec.At(at("where"), "where."+a.Name, "dataset %s has no label %q (it has: %s)", ref, a.Name, strings.Join(slices.Sorted(maps.Keys(ds.Labels)), ", "))
		}
		switch miss := Unmatched(a, vs); {
		case len(miss) == len(a.Values):
			return spec.At(at("where"), "where."+a.Name, "selects no configuration of %s (%s)", ref, LabelValues(a.Name, vs, a.Values))
		case len(miss) > 0:
			return spec.At(at("where"), "where."+a.Name, "%s selects no configuration of %s (%s)", MissedValues(a.Name, miss), ref, LabelValues(a.Name, vs, miss))
		}
	}
	return nil
}

// Unmatched returns the values of a that none of vs, a label's values,
// matches: all of a's values when none matches, and none when a is a
// range of which some match (it asks for a span, not for each point).
// Without it, a typo in a list (T=0.75,2.3 on a 0.25 grid) would be
// dropped without a word while the other values select the data.
func Unmatched(a grid.Axis, vs []float64) []float64 {
	var miss []float64
	for _, v := range a.Values {
		if !grid.Contains(vs, v) {
			miss = append(miss, v)
		}
	}
	if a.Range != "" && len(miss) < len(a.Values) {
		return nil
	}
	return miss
}

// MissedValues names the values of label name that select nothing, as
// "T = 2.3" or "T = 2.3, 4.1".
func MissedValues(name string, miss []float64) string {
	return name + " = " + joinNumbers(miss)
}

// maxListed is how many of a label's values an error lists.
const maxListed = 10

// LabelValues says which values of label name the data has, for an error
// about a selection of want: all of sorted, distinct vs when they are few,
// else the maxListed nearest to any of want (in order, "…" where values
// are left out).
func LabelValues(name string, vs, want []float64) string {
	if len(vs) <= maxListed {
		return fmt.Sprintf("its %s values: %s", name, joinNumbers(vs))
	}
	ws := grid.Distinct(want)
	dist := func(x float64) float64 {
		i := sort.SearchFloat64s(ws, x)
		d := math.Inf(1)
		for _, j := range []int{i - 1, i} {
			if j >= 0 && j < len(ws) {
				d = math.Min(d, math.Abs(ws[j]-x))
			}
		}
		return d
	}
	idx := make([]int, len(vs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return dist(vs[idx[a]]) < dist(vs[idx[b]]) })
	idx = idx[:maxListed]
	sort.Ints(idx)
	var parts []string
	next := 0
	for _, i := range idx {
		if i > next {
			parts = append(parts, "…")
		}
		parts = append(parts, spec.FormatNumber(vs[i]))
		next = i + 1
	}
	if next < len(vs) {
		parts = append(parts, "…")
	}
	return fmt.Sprintf("the nearest of its %d %s values: %s", len(vs), name, strings.Join(parts, ", "))
}

func joinNumbers(vs []float64) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = spec.FormatNumber(v)
	}
	return strings.Join(parts, ", ")
}

// WhereKey is a selection in canonical form: by label name, values sorted.
func WhereKey(where []grid.Axis) map[string][]float64 {
	out := map[string][]float64{}
	for _, a := range where {
		out[a.Name] = grid.Distinct(a.Values)
	}
	return out
}
