package analyze

import (
	"fmt"
	"math"
	"strings"

	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/experiment/steps/stepdata"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// An analysis of analyses (AnalyzeSpec.Analyses) reads the results of
// earlier analyses, which may be of different lattices (a finite-size
// study reads one per lattice size and network). The analyzer declares
// what it reads under AnalysesPrefix:
//
//   - data/analyses/index [N]: the input (0 … k−1, in the order given)
//     each row comes from; required of such an analyzer;
//   - data/analyses/NAME [N]: the 1-D result NAME of each input, one row
//     per element, concatenated in input order; an input without NAME
//     gives NaN for its rows. An input's rows are the length its 1-D
//     results the analyzer reads share (they must agree, and it must have
//     one of them);
//   - data/analyses/lineage/PATH [k]: one number per input read from its
//     lineage. PATH is NAME, or ROLE/…/NAME following the inputs' roles
//     (flow/rbm/hidden: the parameter hidden of the training the input's
//     flow read as rbm); NAME is a parameter or hyper-parameter of that
//     entry (a switch as 1 or 0), or "seed" (its seed when it has no
//     such parameter); NaN when
//     the path or the number is not there.
//
// The request's lattice size is the largest L of the inputs (their
// lineage parameter L), its dimension that of the data they read.
const AnalysesPrefix = "data/analyses/"

const analysesLineage = "lineage/"

// addAnalyses gathers the earlier analyses as the analyzer reads them.
func (in *analyzeInputs) addAnalyses() error {
	refs := in.spec.Analyses
	if len(refs) == 0 {
		return nil
	}
	if in.spec.Model != "" || in.spec.Data != "" || in.spec.Flow != "" {
		return usagef("an analysis of analyses reads them alone: drop the model, data and flow")
	}
	if msg := in.rule.analyses(); msg != "" {
		return usagef("%s", msg)
	}
	series, paths := in.analysesReads()
	cols := map[string][]float64{}
	var index []float64
	lineage := map[string][]float64{}
	for k, ref := range refs {
		en, err := in.store.Resolve(registry.Analysis, ref)
		if err != nil {
			return steps.RefErr(err)
		}
		arrays, err := stepdata.ReadNPZ(in.store, en, AnalysisFile)
		if err != nil {
			return err
		}
		rows, err := analysisRows(arrays, series, en)
		if err != nil {
			return err
		}
		for _, name := range series {
			cols[name] = append(cols[name], analysisColumn(arrays, name, rows)...)
		}
		for range rows {
			index = append(index, float64(k))
		}
		for _, p := range paths {
			lineage[p] = append(lineage[p], lineageNumber(in.store, en, strings.Split(p, "/")))
		}
		if err := in.analysesLattice(en); err != nil {
			return err
		}
		in.inputs = append(in.inputs, registry.Input{Role: fmt.Sprintf("analysis:%d", k), Digest: en.Digest})
	}
	add := func(name string, v []float64) {
		in.req.Data = append(in.req.Data, sdk.Tensor{Name: strings.TrimPrefix(AnalysesPrefix, "data/") + name, Shape: []int{len(v)}, Data: v})
	}
	add("index", index)
	for _, name := range series {
		add(name, cols[name])
	}
	for _, p := range paths {
		add(analysesLineage+p, lineage[p])
	}
	return nil
}

// analysesReads splits what the analyzer reads of earlier analyses into
// result names and lineage paths.
func (in *analyzeInputs) analysesReads() (series, paths []string) {
	for _, x := range in.rule.desc.Inputs {
		name, ok := strings.CutPrefix(x.Name, AnalysesPrefix)
		switch {
		case !ok || name == "index":
		case strings.HasPrefix(name, analysesLineage):
			paths = append(paths, strings.TrimPrefix(name, analysesLineage))
		default:
			series = append(series, name)
		}
	}
	return series, paths
}

// analysisRows is the length the 1-D results named share in one input.
func analysisRows(arrays []npz.Array, names []string, en registry.Entry) (int, error) {
	rows, first := -1, ""
	for _, name := range names {
		a, ok := npz.Find(arrays, name)
		if !ok {
			continue
		}
		if len(a.Shape) != 1 {
			return 0, usagef("%s: result %s has shape %v, not a series: an analysis of analyses reads 1-D results", en, name, a.Shape)
		}
		if rows >= 0 && a.Shape[0] != rows {
			return 0, usagef("%s: result %s has %d rows, %s %d: the results read must be of one length", en, name, a.Shape[0], first, rows)
		}
		rows, first = a.Shape[0], name
	}
	if rows < 0 {
		return 0, usagef("%s has none of the results read (%s)", en, strings.Join(names, ", "))
	}
	return rows, nil
}

// analysisColumn is result name as float64 (whatever number type it is
// stored as), NaN when absent.
func analysisColumn(arrays []npz.Array, name string, rows int) []float64 {
	out := make([]float64, rows)
	a, _ := npz.Find(arrays, name)
	if v, ok := a.Floats(); ok {
		copy(out, v)
		return out
	}
	for i := range out {
		out[i] = math.NaN()
	}
	return out
}

// lineageNumber follows path's roles from en and reads its last element
// as a number of the entry reached (lineage parameter, hyper-parameter, or
// the seed); NaN when absent.
func lineageNumber(s *registry.Store, en registry.Entry, path []string) float64 {
	for _, role := range path[:len(path)-1] {
		next, ok := inputEntry(s, en, role)
		if !ok {
			return math.NaN()
		}
		en = next
	}
	m, err := s.Manifest(en)
	if err != nil {
		return math.NaN()
	}
	name := path[len(path)-1]
	for _, p := range []map[string]any{m.Lineage.Parameters, m.Lineage.HyperParameters} {
		switch v := p[name].(type) {
		case float64:
			return v
		case int:
			return float64(v)
		case bool: // a switch (LineageParams records it as true or false)
			if v {
				return 1
			}
			return 0
		}
	}
	if name == "seed" {
		return float64(m.Lineage.Seed)
	}
	return math.NaN()
}

// analysesLattice takes the largest L of the inputs (their parameter L)
// as the request's, and the dimension of the first dataset their lineage
// reaches.
func (in *analyzeInputs) analysesLattice(en registry.Entry) error {
	l := lineageNumber(in.store, en, []string{"L"})
	if !(l >= 1) {
		return usagef("%s records no lattice size L", en)
	}
	if int(l) > in.L {
		in.L = int(l)
	}
	if in.D == 0 {
		in.D = lineageDim(in.store, en, 4)
	}
	return nil
}

// lineageDim is the lattice dimension the first dataset on en's lineage
// records (0 when none does within depth steps).
func lineageDim(s *registry.Store, en registry.Entry, depth int) int {
	m, err := s.Manifest(en)
	if err != nil {
		return 0
	}
	if en.Kind == registry.Dataset {
		_, d := stepdata.RecordedLattice(m)
		return d
	}
	if depth == 0 {
		return 0
	}
	for _, x := range m.Lineage.Inputs {
		if next, err := s.Lookup(x.Digest); err == nil {
			if d := lineageDim(s, next, depth-1); d != 0 {
				return d
			}
		}
	}
	return 0
}
