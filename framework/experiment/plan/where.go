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
// every label exists and each selection keeps at least one value.
func CheckWhere(where []grid.Axis, ds *Node, at func(string) Pos, ref string) error {
	if ds.Labels == nil {
		return nil
	}
	for _, a := range where {
		vs, ok := ds.Labels[a.Name]
		if !ok {
			return spec.At(at("where"), "where."+a.Name, "dataset %s has no label %q (it has: %s)", ref, a.Name, strings.Join(slices.Sorted(maps.Keys(ds.Labels)), ", "))
		}
		hit := false
		for _, v := range a.Values {
			if grid.Contains(vs, v) {
				hit = true
				break
			}
		}
		if !hit {
			return spec.At(at("where"), "where."+a.Name, "selects no configuration of %s (%s)", ref, LabelValues(a.Name, vs, a.Values))
		}
	}
	return nil
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
