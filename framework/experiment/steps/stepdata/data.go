// Package stepdata reads what the step kinds take as input: registered
// datasets (with the selection a spec's where makes), flows and entry files.
package stepdata

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/experiment/plan"
	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// LoadDataset reads a registered dataset (ref as Store.Resolve takes it)
// as an sdk.Dataset, with its entry. The lattice is the L and dimension
// its lineage records (every dataset sampled or imported by this version
// does); older datasets fall back to an L×L lattice of √sites.
func LoadDataset(s *registry.Store, ref string) (sdk.Dataset, registry.Entry, error) {
	en, err := s.Resolve(registry.Dataset, ref)
	if err != nil {
		return sdk.Dataset{}, en, steps.RefErr(err)
	}
	arrays, err := ReadNPZ(s, en, "data.npz")
	if err != nil {
		return sdk.Dataset{}, en, err
	}
	c, ok := npz.Find(arrays, "configs")
	configs, isInt8 := c.Data.([]int8)
	if !ok || !isInt8 || len(c.Shape) != 2 {
		return sdk.Dataset{}, en, fmt.Errorf("%s: data.npz has no int8 configs array of shape N×sites", en)
	}
	L, dim := 0, 0
	if m, err := s.Manifest(en); err == nil {
		L, dim = RecordedLattice(m)
	}
	if L == 0 {
		L, dim = int(math.Round(math.Sqrt(float64(c.Shape[1])))), 2
	}
	if sdk.LatticeSites(L, dim) != c.Shape[1] {
		return sdk.Dataset{}, en, fmt.Errorf("%s: %d sites is not %s", en, c.Shape[1], ALattice(L, dim))
	}
	d := sdk.Dataset{Size: L, Dimension: sdk.Dim(dim), Configs: configs, Labels: map[string][]float64{}}
	if d.StateSpace, err = datasetStates(s, en); err != nil {
		return sdk.Dataset{}, en, err
	}
	for _, a := range arrays {
		if v, ok := a.Data.([]float64); ok && len(a.Shape) == 1 && a.Shape[0] == c.Shape[0] {
			d.Labels[a.Name] = v
		}
	}
	return d, en, nil
}

// ReadNPZ reads and decodes one .npz file of an entry (verified by the
// registry against its digest).
func ReadNPZ(s *registry.Store, en registry.Entry, file string) ([]npz.Array, error) {
	b, err := s.ReadFile(en, file)
	if err != nil {
		return nil, err
	}
	arrays, err := npz.Decode(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", en, file, err)
	}
	return arrays, nil
}

// ReadFlow reads a Flow entry's file.
func ReadFlow(s *registry.Store, en registry.Entry) (formats.Flow, error) {
	arrays, err := ReadNPZ(s, en, formats.FlowFile)
	if err != nil {
		return formats.Flow{}, err
	}
	f, err := formats.DecodeFlow(arrays)
	if err != nil {
		return formats.Flow{}, fmt.Errorf("%s: %w", en, err)
	}
	return f, nil
}

// ParseWhere parses selections NAME=SPEC (values as grid.Parse reads
// them); a malformed one, or a label selected twice (which would keep
// only the configurations both select), is a usage error.
func ParseWhere(where []string) ([]grid.Axis, error) {
	var axes []grid.Axis
	for _, w := range where {
		a, err := grid.Parse(w)
		if err != nil {
			return nil, spec.Usagef("where %s: %v", w, err)
		}
		for _, b := range axes {
			if b.Name == a.Name {
				return nil, spec.Usagef("where %s given twice: put all its values in one --where (e.g. %s=1,2,3)", a.Name, a.Name)
			}
		}
		axes = append(axes, a)
	}
	return axes, nil
}

// FormatWhere writes selections back as NAME=V1,V2,… or, for a range,
// NAME=START:STOP:STEP (the form ParseWhere reads and lineage records):
// written as a list, a range would ask for each of its points.
func FormatWhere(axes []grid.Axis) []string {
	out := make([]string, len(axes))
	for i, a := range axes {
		if a.Range != "" {
			out[i] = a.Name + "=" + a.Range
			continue
		}
		vs := make([]string, len(a.Values))
		for j, v := range a.Values {
			vs[j] = spec.FormatNumber(v)
		}
		out[i] = a.Name + "=" + strings.Join(vs, ",")
	}
	return out
}

// whereMiss says why a selection keeps nothing of d: the values of a label
// that no selected value matches, or, when each matches some, that none
// match together.
func whereMiss(d sdk.Dataset, where []grid.Axis) string {
	var all []string
	for _, a := range where {
		vs := grid.Distinct(d.Labels[a.Name])
		hit := false
		for _, v := range a.Values {
			hit = hit || grid.Contains(vs, v)
		}
		if !hit {
			return plan.LabelValues(a.Name, vs, a.Values)
		}
		all = append(all, plan.LabelValues(a.Name, vs, a.Values))
	}
	return "no configuration has these values together; " + strings.Join(all, "; ")
}

// FilterDataset keeps the configurations whose labels match every
// selection (grid.Same: within 1e-9, ∞ only ∞); a selection of a missing
// label, a listed value that matches nothing, or a selection that keeps
// nothing, is a usage error.
func FilterDataset(d sdk.Dataset, where []grid.Axis) (sdk.Dataset, error) {
	for _, a := range where {
		labels, ok := d.Labels[a.Name]
		if !ok {
			continue // filter says so
		}
		vs := grid.Distinct(labels)
		if miss := plan.Unmatched(a, vs); len(miss) > 0 && len(miss) < len(a.Values) {
			return d, spec.Usagef("where %s: %s selects no configuration (%s)", FormatWhere([]grid.Axis{a})[0], plan.MissedValues(a.Name, miss), plan.LabelValues(a.Name, vs, miss))
		}
	}
	return filter(d, where)
}

// FilterRecorded keeps the configurations a selection that an entry's
// lineage records kept: as FilterDataset, but a value that matches
// nothing is let be, as it was when the entry was made (entries planned
// from a spec recorded their ranges as lists of points).
func FilterRecorded(d sdk.Dataset, where []grid.Axis) (sdk.Dataset, error) {
	return filter(d, where)
}

func filter(d sdk.Dataset, where []grid.Axis) (sdk.Dataset, error) {
	if len(where) == 0 {
		return d, nil
	}
	keep := make([]bool, d.Len())
	for i := range keep {
		keep[i] = true
	}
	for _, a := range where {
		labels, ok := d.Labels[a.Name]
		if !ok {
			return d, spec.Usagef("where %s: the dataset has no label %q (it has: %s)", a.Name, a.Name, strings.Join(sortedKeys(d.Labels), ", "))
		}
		vs := grid.Distinct(a.Values)
		for i, v := range labels {
			if keep[i] && !grid.Contains(vs, v) {
				keep[i] = false
			}
		}
	}
	out := sdk.Dataset{Size: d.Size, Dimension: d.Dimension, Labels: map[string][]float64{}, StateSpace: d.StateSpace}
	sites := d.Sites()
	for i, k := range keep {
		if !k {
			continue
		}
		out.Configs = append(out.Configs, d.Configs[i*sites:(i+1)*sites]...)
		for name, l := range d.Labels {
			out.Labels[name] = append(out.Labels[name], l[i])
		}
	}
	if out.Len() == 0 {
		return out, spec.Usagef("where %s selects no configuration (%s)", strings.Join(FormatWhere(where), " "), whereMiss(d, where))
	}
	return out, nil
}

// The state space of the model that sampled a dataset is recorded in its
// lineage under this key of Lineage.Extra, and sent with the dataset to
// the learners, which choose their input units from it.

// datasetStates reads the state space a dataset's lineage records: nil
// when it records none (imported data, or sampled before it was recorded).
func datasetStates(s *registry.Store, en registry.Entry) ([]int8, error) {
	m, err := s.Manifest(en)
	if err != nil {
		return nil, nil // as for L above: the data alone still serve
	}
	raw, ok := m.Lineage.Extra[steps.StateSpaceKey].([]any)
	if !ok {
		return nil, nil
	}
	out := make([]int8, len(raw))
	for i, v := range raw {
		f, ok := v.(float64)
		if !ok || f != math.Trunc(f) || f < math.MinInt8 || f > math.MaxInt8 {
			return nil, fmt.Errorf("%s: lineage.extra.%s[%d] = %v is not a site value", en, steps.StateSpaceKey, i, v)
		}
		out[i] = int8(f)
	}
	return out, nil
}

// InputStates is the state space the lineage of en records for the
// dataset it read as role, or nil when none is on record.
func InputStates(s *registry.Store, en registry.Entry, role string) ([]int8, error) {
	if den, ok := inputDataset(s, en, role); ok {
		return datasetStates(s, den)
	}
	return nil, nil
}

// inputDataset is the dataset the lineage of en records it read as role,
// if the registry has it.
func inputDataset(s *registry.Store, en registry.Entry, role string) (registry.Entry, bool) {
	m, err := s.Manifest(en)
	if err != nil {
		return registry.Entry{}, false
	}
	for _, in := range m.Lineage.Inputs {
		if in.Role == role {
			den, err := s.Lookup(in.Digest)
			return den, err == nil
		}
	}
	return registry.Entry{}, false
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// LoadModel reads a registered model's weights and the learner plugin its
// lineage names.
func LoadModel(s *registry.Store, ref string) ([]sdk.Tensor, registry.Entry, string, error) {
	en, err := s.Resolve(registry.Model, ref)
	if err != nil {
		return nil, en, "", steps.RefErr(err)
	}
	m, err := s.Manifest(en)
	if err != nil {
		return nil, en, "", err
	}
	if m.Lineage.Plugin == nil {
		return nil, en, "", fmt.Errorf("%s records no learner plugin", en)
	}
	ts, err := ReadNPZ(s, en, "weights.npz")
	return ts, en, m.Lineage.Plugin.Name, err
}

// NonFinite returns the index of v's first NaN or infinity.
func NonFinite(v []float64) (int, bool) {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i, true
		}
	}
	return 0, false
}
