package experiment

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// Files of an Analysis entry (formats.Analysis).
const (
	AnalysisFile = formats.AnalysisFile
	FiguresFile  = formats.FiguresFile
)

// analysisCodeVersion versions how Analyze maps entries to the
// analyzer's inputs and writes its result: bump it when that changes
// what an analysis records (the kinds table, kinds.go).
const analysisCodeVersion = 1

// ParamByIteration is the analyzer parameter that says data/group holds
// flow iterations: Analyze sets it to 1 for a flow's configurations when
// the analyzer has it and it is not given.
const ParamByIteration = "by_iteration"

// AnalyzeSpec is one analysis (the flags of rgml analyze): an analyzer
// run on a model's weights and/or configurations. Model, Data and Flow are
// registry references ("" for none).
//
// How they become the analyzer's inputs (it must read each one given):
//   - Model: every tensor of its weights.npz the analyzer reads as
//     weights/NAME;
//   - Flow: its saved configurations (all iterations) as data/configs,
//     each one's iteration as data/group, the thermometer's mean reading
//     of its iteration as data/thermometer (when read);
//   - Data without Flow: its configurations as data/configs and each label
//     NAME as data/NAME (T as data/group when the analyzer reads a group
//     and no data/T);
//   - Data with Flow: the equilibrium reference, data/reference/configs
//     and data/reference/T.
type AnalyzeSpec struct {
	Name     string
	Analyzer string
	Model    string
	Data     string
	Flow     string
	Where    []string // selection of Data's configurations
	Params   sdk.Params
	Seed     uint64
	Out      string // also write AnalysisFile and FiguresFile into this folder
	Key      string // the step key, recorded as Lineage.Key
	// Planned, if set, holds the plugin digests the step's key was made
	// with: a launched plugin of another digest fails the step
	// (*PluginChangedError) before it does any work.
	Planned Planned
}

// AnalyzeResult is a registered analysis.
type AnalyzeResult struct {
	Entry   registry.Entry
	Results []npz.Array
	Figures []sdk.Figure
}

// analyzeInputs is what Analyze sends, gathered from the registry.
type analyzeInputs struct {
	store  *registry.Store
	rule   analyzerInputs
	spec   AnalyzeSpec
	req    sdk.AnalyzeRequest
	inputs []registry.Input
	L      int
}

// setL checks that an input is of the analysis's one lattice size.
func (in *analyzeInputs) setL(l int, what string) error {
	if in.L != 0 && l != in.L {
		return usagef("%s is a %d×%d lattice, the other inputs %d×%d: analyse inputs of one lattice size", what, l, l, in.L, in.L)
	}
	in.L = l
	return nil
}

// Analyze runs an analyzer plugin on registry entries and registers its
// results as an Analysis entry (inputs model, data, flow): AnalysisFile
// with every result tensor and FiguresFile with its suggested figures.
func Analyze(ctx context.Context, env *Env, spec AnalyzeSpec) (AnalyzeResult, error) {
	var res AnalyzeResult
	if err := registry.ValidateName(spec.Name); err != nil {
		return res, usagef("name: %v", err)
	}
	if spec.Model == "" && spec.Data == "" && spec.Flow == "" {
		return res, usagef("analysis %s: give a model, a dataset or a flow to analyse", spec.Name)
	}
	if spec.Data == "" && len(spec.Where) > 0 {
		return res, usagef("where: a selection needs a dataset")
	}
	where, err := ParseWhere(spec.Where)
	if err != nil {
		return res, err
	}
	store, err := env.Registry()
	if err != nil {
		return res, err
	}
	h, release := env.PluginHost()
	defer release()
	an, err := h.Analyzer(ctx, spec.Analyzer)
	if err != nil {
		return res, err
	}
	defer an.Kill()
	if err := spec.Planned.Check(spec.Analyzer, an.SHA256); err != nil {
		return res, err
	}
	in := &analyzeInputs{store: store, rule: analyzerInputs{an.Desc.Name, an.Desc}, spec: spec,
		req: sdk.AnalyzeRequest{Params: sdk.Params{}, Seed: spec.Seed}}
	for k, v := range spec.Params {
		in.req.Params[k] = v
	}
	if err := in.addFlow(); err != nil {
		return res, err
	}
	if err := in.addData(where); err != nil {
		return res, err
	}
	if err := in.addModel(); err != nil {
		return res, err
	}
	if in.L == 0 {
		return res, usagef("cannot tell the lattice size of %s", spec.Model)
	}
	in.req.Size = in.L
	return analyzeAndRegister(ctx, env, an, in)
}

// addFlow sends a flow's saved configurations (all iterations) as
// data/configs, each one's iteration as data/group and the thermometer's
// mean reading of its iteration as data/thermometer (when read).
func (in *analyzeInputs) addFlow() error {
	if in.spec.Flow == "" {
		return nil
	}
	fen, err := in.store.Resolve(registry.Flow, in.spec.Flow)
	if err != nil {
		return refErr(err)
	}
	if msg := in.rule.flow(); msg != "" {
		return usagef("%s", msg)
	}
	configs, group, thermo, fl, err := flowConfigs(in.store, fen)
	if err != nil {
		return err
	}
	if err := in.setL(fl, fen.String()); err != nil {
		return err
	}
	n := len(group)
	in.req.Data = append(in.req.Data,
		sdk.Tensor{Name: "configs", Shape: []int{n, fl * fl}, Data: configs},
		sdk.Tensor{Name: "group", Shape: []int{n}, Data: group})
	if in.rule.reads("data/thermometer") {
		in.req.Data = append(in.req.Data, sdk.Tensor{Name: "thermometer", Shape: []int{n}, Data: thermo})
	}
	if in.rule.byIteration(in.spec.Params) {
		in.req.Params[ParamByIteration] = 1
	}
	in.inputs = append(in.inputs, registry.Input{Role: "flow", Digest: fen.Digest})
	return nil
}

// addData sends a dataset: beside a flow as the equilibrium reference
// (data/reference/configs and the labels the analyzer reads of it), else its configurations
// as data/configs and its labels as the analyzer reads them
// (analyzerInputs.label).
func (in *analyzeInputs) addData(where []grid.Axis) error {
	if in.spec.Data == "" {
		return nil
	}
	data, den, err := LoadDataset(in.store, in.spec.Data)
	if err != nil {
		return err
	}
	if data, err = FilterDataset(data, where); err != nil {
		return err
	}
	if err := in.setL(data.Size, den.String()); err != nil {
		return err
	}
	n, sites := data.Len(), data.Sites()
	withFlow := in.spec.Flow != ""
	if msg := in.rule.data(withFlow); msg != "" {
		return usagef("%s", msg)
	}
	if withFlow {
		labels, msg := in.rule.reference(sortedKeys(data.Labels), den.String())
		if msg != "" {
			return usagef("%s", msg)
		}
		in.req.Data = append(in.req.Data, sdk.Tensor{Name: "reference/configs", Shape: []int{n, sites}, Data: data.Configs})
		for _, name := range labels {
			in.req.Data = append(in.req.Data, sdk.Tensor{Name: "reference/" + name, Shape: []int{n}, Data: data.Labels[name]})
		}
		in.inputs = append(in.inputs, registry.Input{Role: "reference", Digest: den.Digest})
		return nil
	}
	in.req.Data = append(in.req.Data, sdk.Tensor{Name: "configs", Shape: []int{n, sites}, Data: data.Configs})
	group := groupLabel(data.Labels)
	for _, name := range sortedKeys(data.Labels) {
		if as := in.rule.label(name, group); as != "" {
			in.req.Data = append(in.req.Data, sdk.Tensor{Name: as, Shape: []int{n}, Data: data.Labels[name]})
		}
	}
	in.inputs = append(in.inputs, registry.Input{Role: "data", Digest: den.Digest})
	return nil
}

// addModel sends every tensor of a model's weights.npz the analyzer
// reads as weights/NAME.
func (in *analyzeInputs) addModel() error {
	if in.spec.Model == "" {
		return nil
	}
	w, men, learner, err := loadModel(in.store, in.spec.Model)
	if err != nil {
		return err
	}
	if msg := in.rule.learner(learner, fmt.Sprintf("%s was trained by %s", men, learner)); msg != "" {
		return usagef("%s", msg)
	}
	for _, t := range w {
		if in.rule.reads("weights/" + t.Name) {
			in.req.Weights = append(in.req.Weights, t)
		}
	}
	if len(in.req.Weights) == 0 {
		return usagef("analyzer %s reads none of %s's weights (it reads: %s)", in.rule.desc.Name, men, inputList(in.rule.desc))
	}
	nv := 0
	if t, ok := sdk.FindTensor(in.req.Weights, "W"); ok && len(t.Shape) == 2 {
		nv = t.Shape[0]
	}
	if in.L == 0 {
		in.L = modelL(in.store, men, nv)
	}
	if nv != 0 && nv != in.L*in.L {
		return usagef("%s has %d visible units, not %d×%d = %d: its weights do not fit the %d×%d lattice", men, nv, in.L, in.L, in.L*in.L, in.L, in.L)
	}
	in.inputs = append(in.inputs, registry.Input{Role: "model", Digest: men.Digest})
	return nil
}

// analyzeAndRegister runs the analyzer on what in gathered and registers
// its results.
func analyzeAndRegister(ctx context.Context, env *Env, an *host.Analyzer, in *analyzeInputs) (AnalyzeResult, error) {
	var res AnalyzeResult
	desc, spec := an.Desc, in.spec
	req, err := desc.ValidateAnalyze(in.req)
	if err != nil {
		return res, Usage(fmt.Errorf("analyzer %s: %w", desc.Name, err))
	}
	bar := env.Tracker().Start("analysis "+spec.Name, "analysis", 1)
	out, err := an.Analyze(ctx, req)
	if err != nil {
		bar.Abort()
		return res, err
	}
	if err := out.Check(); err != nil {
		bar.Abort()
		return res, fmt.Errorf("plugin %q: %w", desc.Name, err)
	}
	bar.Add(1)
	bar.Done()
	for _, t := range out.Results {
		a, err := tensorArray(t)
		if err != nil {
			return res, fmt.Errorf("plugin %q: %w", desc.Name, err)
		}
		res.Results = append(res.Results, a)
	}
	res.Figures = out.Figures
	results, figs, err := formats.EncodeAnalysis(formats.Analysis{Results: res.Results, Figures: res.Figures})
	if err != nil {
		return res, err
	}
	params := map[string]any{"L": in.L}
	for k, v := range req.Params {
		params[k] = v
	}
	lineage := registry.Lineage{
		Plugin:     &registry.PluginRef{Name: desc.Name, Version: desc.Version, SHA256: an.SHA256},
		Host:       env.HostRef(),
		Seed:       spec.Seed,
		Parameters: params,
		Inputs:     in.inputs,
		Key:        spec.Key,
	}
	if len(spec.Where) > 0 {
		lineage.Extra = map[string]any{"where": spec.Where}
	}
	files := []registry.File{{Name: AnalysisFile, Data: results}, {Name: FiguresFile, Data: figs}}
	entry, err := in.store.Put(ctx, registry.Analysis, spec.Name, files, lineage)
	if err != nil {
		return res, fmt.Errorf("registering the analysis: %w", err)
	}
	res.Entry = entry
	if spec.Out != "" {
		if err := writeFiles(spec.Out, files); err != nil {
			return res, RegisteredBut(entry, "writing "+spec.Out, err)
		}
	}
	return res, nil
}

func writeFiles(dir string, files []registry.File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// tensorArray turns a result tensor into an .npz array.
func tensorArray(t sdk.Tensor) (npz.Array, error) {
	switch t.Data.(type) {
	case []float64, []float32, []int64, []int32, []int8:
		return npz.Array{Name: t.Name, Shape: append([]int(nil), t.Shape...), Data: t.Data}, nil
	}
	return npz.Array{}, fmt.Errorf("result %s: unsupported type %T", t.Name, t.Data)
}

// flowConfigs reads a flow's saved configurations, flattened over its
// iteration counts: each configuration's iteration (group) and the
// thermometer's mean reading of that iteration, and the lattice size.
func flowConfigs(s *registry.Store, en registry.Entry) (configs []int8, group, thermo []float64, L int, err error) {
	f, err := ReadFlow(s, en)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	if f.Configs == nil {
		return nil, nil, nil, 0, usagef("%s has no saved configurations: run the flow again with --save-configs (save-configs: true in a spec)", en)
	}
	configs, its, mean := f.Configs, f.Iterations, f.TMean
	n, sites := f.N, f.Sites
	L = int(math.Round(math.Sqrt(float64(sites))))
	if l := inputL(s, en, "from"); l != 0 {
		L = l
	}
	if L*L != sites {
		return nil, nil, nil, 0, fmt.Errorf("%s: %d sites is not %s %d×%d lattice", en, sites, aNum(L), L, L)
	}
	group = make([]float64, len(its)*n)
	thermo = make([]float64, len(its)*n)
	for k := range its {
		for i := 0; i < n; i++ {
			group[k*n+i] = float64(its[k])
			thermo[k*n+i] = mean[k]
		}
	}
	return configs, group, thermo, L, nil
}

// modelL is the lattice size a model was trained on: its training data's
// L, or √nv when that is not on record.
func modelL(s *registry.Store, en registry.Entry, nv int) int {
	if l := inputL(s, en, "data"); l != 0 {
		return l
	}
	if l := int(math.Round(math.Sqrt(float64(nv)))); l*l == nv && l > 0 {
		return l
	}
	return 0
}

// inputL is the lattice size its lineage records for the dataset that en
// read as role, or 0.
func inputL(s *registry.Store, en registry.Entry, role string) int {
	m, err := s.Manifest(en)
	if err != nil {
		return 0
	}
	for _, in := range m.Lineage.Inputs {
		if in.Role != role {
			continue
		}
		if den, err := s.Lookup(in.Digest); err == nil {
			if dm, err := s.Manifest(den); err == nil {
				if v, ok := dm.Lineage.Parameters["L"].(float64); ok && v >= 2 && v == math.Trunc(v) {
					return int(v)
				}
			}
		}
	}
	return 0
}
