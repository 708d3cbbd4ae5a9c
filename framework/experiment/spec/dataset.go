package spec

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/sdk"
)

func (s *Spec) parseDataset(it node) error {
	m, it, err := stepHead(it, datasetFields, "dataset")
	if err != nil {
		return err
	}
	_, hasImport := m["import"]
	states, err := importFields(m, it)
	if err != nil {
		return err
	}
	var params []grid.Axis
	if e, ok := m["params"]; ok {
		if params, err = e.val.axes(); err != nil {
			return err
		}
		if _, err := grid.Product(params); err != nil {
			return e.val.errf("%v", err)
		}
		// YAML mappings are unordered: the grid is laid out by parameter
		// name, so that reordering the keys changes neither data nor key.
		sort.Slice(params, func(i, j int) bool { return params[i].Name < params[j].Name })
	}
	x := &expander{}
	ints := []struct {
		field string
		def   float64
		min   float64
	}{{"L", DefaultL, 2}, {"per-point", DefaultPerPoint, 1}, {"sweeps", 0, 0}, {"thermalization", 0, 0}, {"seed", DefaultSeed, 0}}
	for _, f := range ints {
		def := f.def
		if hasImport && f.field == "L" {
			def = 0
		}
		alts := []choice{{text: FormatNumber(def), num: def}}
		if e, ok := m[f.field]; ok {
			if alts, err = numChoices(e.val, true, f.min); err != nil {
				return err
			}
		}
		x.add(f.field, alts)
	}
	for _, f := range []string{"model", "algorithm", "import"} {
		alts := []choice{{}}
		if e, ok := m[f]; ok {
			if alts, err = strChoices(e.val); err != nil {
				return err
			}
		}
		x.add(f, alts)
	}
	res, err := parseResources(m)
	if err != nil {
		return err
	}
	at := positions(m, it)
	for _, a := range params {
		at["params."+a.Name] = at["params"]
	}
	return expand(x, m["name"], func(name string, b map[string]choice) error {
		s.Datasets = append(s.Datasets, Dataset{
			Name: name, Model: b["model"].text, Params: params,
			L: int(b["L"].num), PerPoint: int(b["per-point"].num), Algorithm: b["algorithm"].text,
			Sweeps: int(b["sweeps"].num), Thermalization: int(b["thermalization"].num),
			Seed: uint64(b["seed"].num), Import: b["import"].text, States: states, Resources: res, at: at,
		})
		return nil
	})
}

// importFields checks that a dataset is sampled or imported, and that an
// imported one has only the fields it takes; it returns its states.
func importFields(m map[string]entry, it node) ([]int8, error) {
	_, hasModel := m["model"]
	_, hasImport := m["import"]
	switch {
	case hasModel && hasImport:
		return nil, m["import"].keyAt.errf("a dataset is sampled (model) or imported (import), not both")
	case !hasModel && !hasImport:
		return nil, it.errf("the dataset has neither model (sample it) nor import (read it from an .npz file)")
	}
	if hasImport {
		for _, k := range []string{"params", "per-point", "algorithm", "sweeps", "thermalization", "seed"} {
			if e, ok := m[k]; ok {
				return nil, e.keyAt.errf("an imported dataset takes only name, import, L and states")
			}
		}
	}
	e, ok := m["states"]
	if !ok {
		return nil, nil
	}
	if !hasImport {
		return nil, e.keyAt.errf("states is for an imported dataset: a sampled one has its model's")
	}
	return statesOf(e.val)
}

// statesOf reads an imported dataset's state space: a list of distinct
// whole numbers in −128 … 127, [-1, 1], or the CLI's "-1,1".
func statesOf(n node) ([]int8, error) {
	items, isSeq, err := n.sequence()
	if err != nil {
		return nil, err
	}
	var vals []float64
	var at []node
	if isSeq {
		for _, it := range items {
			v, err := it.number()
			if err != nil {
				return nil, err
			}
			vals, at = append(vals, v), append(at, it)
		}
	} else {
		s, err := n.str()
		if err != nil {
			return nil, n.errf("want the values a site may take, e.g. [-1, 1] or \"0,1,2\"")
		}
		for f := range strings.SplitSeq(s, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return nil, n.errf("%q is not a whole number in -128 … 127: list the values a site may take, e.g. [-1, 1]", strings.TrimSpace(f))
			}
			vals, at = append(vals, v), append(at, n)
		}
	}
	if len(vals) == 0 {
		return nil, n.errf("empty list: give the values a site may take, e.g. [-1, 1]")
	}
	if len(vals) > sdk.MaxStates {
		return nil, n.errf("%d values; a state space has at most %d", len(vals), sdk.MaxStates)
	}
	out := make([]int8, 0, len(vals))
	for i, v := range vals {
		if v != math.Trunc(v) || v < -128 || v > 127 {
			return nil, at[i].errf("%v is not a whole number in -128 … 127", v)
		}
		for _, w := range out {
			if w == int8(v) {
				return nil, at[i].errf("the value %v is listed twice", v)
			}
		}
		out = append(out, int8(v))
	}
	return out, nil
}
