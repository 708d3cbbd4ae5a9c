package main

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// loadDataset reads a registered dataset as an sdk.Dataset, with its entry.
func loadDataset(s *registry.Store, ref string) (sdk.Dataset, registry.Entry, error) {
	en, err := s.Resolve(registry.Dataset, ref)
	if err != nil {
		return sdk.Dataset{}, en, refError(err)
	}
	arrays, err := readNPZ(s, en, "data.npz")
	if err != nil {
		return sdk.Dataset{}, en, err
	}
	c, ok := npz.Find(arrays, "configs")
	configs, isInt8 := c.Data.([]int8)
	if !ok || !isInt8 || len(c.Shape) != 2 {
		return sdk.Dataset{}, en, fmt.Errorf("%s: data.npz has no int8 configs array of shape N×sites", en)
	}
	L := int(math.Round(math.Sqrt(float64(c.Shape[1]))))
	if L*L != c.Shape[1] {
		return sdk.Dataset{}, en, fmt.Errorf("%s: %d sites is not a square lattice", en, c.Shape[1])
	}
	d := sdk.Dataset{Size: L, Configs: configs, Labels: map[string][]float64{}}
	for _, a := range arrays {
		if v, ok := a.Data.([]float64); ok && len(a.Shape) == 1 && a.Shape[0] == c.Shape[0] {
			d.Labels[a.Name] = v
		}
	}
	return d, en, nil
}

// readNPZ reads and decodes one .npz file of an entry (verified by the
// registry against its digest).
func readNPZ(s *registry.Store, en registry.Entry, file string) ([]npz.Array, error) {
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

// filterDataset keeps the configurations whose labels match every --where
// NAME=SPEC (values as in --param; compared to 1e-9).
func filterDataset(d sdk.Dataset, where []string) (sdk.Dataset, error) {
	if len(where) == 0 {
		return d, nil
	}
	keep := make([]bool, d.Len())
	for i := range keep {
		keep[i] = true
	}
	for _, w := range where {
		a, err := grid.Parse(w)
		if err != nil {
			return d, usageError{fmt.Errorf("--where: %w", err)}
		}
		labels, ok := d.Labels[a.Name]
		if !ok {
			return d, usagef("--where %s: the dataset has no label %q (it has: %s)", w, a.Name, strings.Join(labelNames(d), ", "))
		}
		for i, v := range labels {
			if keep[i] && !containsClose(a.Values, v) {
				keep[i] = false
			}
		}
	}
	out := sdk.Dataset{Size: d.Size, Labels: map[string][]float64{}}
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
		return out, usagef("--where %s selects no configuration", strings.Join(where, " "))
	}
	return out, nil
}

func containsClose(vs []float64, x float64) bool {
	for _, v := range vs {
		if math.Abs(v-x) <= 1e-9*math.Max(1, math.Abs(v)) {
			return true
		}
	}
	return false
}

func labelNames(d sdk.Dataset) []string {
	var names []string
	for n := range d.Labels {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// parseSettings parses --set NAME=VALUE flags into numbers.
func parseSettings(sets []string) (sdk.Params, error) {
	p := sdk.Params{}
	for _, s := range sets {
		name, val, ok := strings.Cut(s, "=")
		if !ok || name == "" {
			return nil, usagef("--set %q: want NAME=VALUE, e.g. --set hidden=64", s)
		}
		a, err := grid.Parse(s)
		if err != nil || len(a.Values) != 1 {
			return nil, usagef("--set %s: %q is not a single number", name, val)
		}
		if _, dup := p[name]; dup {
			return nil, usagef("--set %s given twice", name)
		}
		p[name] = a.Values[0]
	}
	return p, nil
}
