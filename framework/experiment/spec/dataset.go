package spec

import (
	"sort"

	"github.com/rgml/rgml/framework/grid"
)

func (s *Spec) parseDataset(it node) error {
	m, it, err := stepHead(it, datasetFields, "dataset")
	if err != nil {
		return err
	}
	_, hasModel := m["model"]
	_, hasImport := m["import"]
	switch {
	case hasModel && hasImport:
		return m["import"].keyAt.errf("a dataset is sampled (model) or imported (import), not both")
	case !hasModel && !hasImport:
		return it.errf("the dataset has neither model (sample it) nor import (read it from an .npz file)")
	}
	if hasImport {
		for _, k := range []string{"params", "per-point", "algorithm", "sweeps", "thermalization", "seed"} {
			if e, ok := m[k]; ok {
				return e.keyAt.errf("an imported dataset takes only name, import and L")
			}
		}
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
			Seed: uint64(b["seed"].num), Import: b["import"].text, Resources: res, at: at,
		})
		return nil
	})
}
