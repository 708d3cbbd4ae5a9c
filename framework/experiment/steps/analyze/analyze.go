// Package analyze is the analysis step kind: an analyzer plugin run on
// registered entries (Analyze), its inputs bound by what the analyzer's
// description asks for (analyzer_inputs.go) and measured with the
// dataset's model (modelobs.go); planned, keyed and run as the kinds
// table asks.
package analyze

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/experiment/plan"
	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/experiment/steps/stepdata"
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

// Version versions how Analyze maps entries to the
// analyzer's inputs and writes its result: bump it when that changes
// what an analysis records (the kinds table,
// framework/experiment/kinds.go).
const Version = 2

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
	Analyses []string // earlier analyses read together (analyses.go)
	Where    []string // selection of Data's configurations
	Params   sdk.Params
	Seed     uint64
	Out      string // also write AnalysisFile and FiguresFile into this folder
	Key      string // the step key, recorded as Lineage.Key
	// Planned, if set, holds the plugin digests the step's key was made
	// with: a launched plugin of another digest fails the step
	// (*PluginChangedError) before it does any work.
	Planned plan.Planned
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
	L, D   int // the lattice: L^D sites
	// models sampled the data (addModelObservables asks them); measure
	// are the configurations they measure.
	models  []string
	measure []measured
}

// setL checks that an input is of the analysis's one lattice (L^d sites).
func (in *analyzeInputs) setL(l, d int, what string) error {
	if in.L != 0 && (l != in.L || sdk.Dim(d) != sdk.Dim(in.D)) {
		return usagef("%s is on %s, the other inputs on %s: analyse inputs of one lattice", what, stepdata.ALattice(l, d), stepdata.ALattice(in.L, in.D))
	}
	in.L, in.D = l, d
	return nil
}

// Analyze runs an analyzer plugin on registry entries and registers its
// results as an Analysis entry (inputs model, data, flow): AnalysisFile
// with every result tensor and FiguresFile with its suggested figures.
func Analyze(ctx context.Context, env *steps.Env, spec AnalyzeSpec) (AnalyzeResult, error) {
	var res AnalyzeResult
	if err := registry.ValidateName(spec.Name); err != nil {
		return res, usagef("name: %v", err)
	}
	if spec.Model == "" && spec.Data == "" && spec.Flow == "" && len(spec.Analyses) == 0 {
		return res, usagef("analysis %s: give a model, a dataset, a flow or analyses to analyse", spec.Name)
	}
	if spec.Data == "" && len(spec.Where) > 0 {
		return res, usagef("where: a selection needs a dataset")
	}
	where, err := stepdata.ParseWhere(spec.Where)
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
	if err := in.addAnalyses(); err != nil {
		return res, err
	}
	if in.L == 0 {
		return res, usagef("cannot tell the lattice size of %s", spec.Model)
	}
	in.req.Size, in.req.Dimension = in.L, sdk.Dim(in.D)
	if err := in.addModelObservables(ctx, h); err != nil {
		return res, err
	}
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
		return steps.RefErr(err)
	}
	if msg := in.rule.flow(); msg != "" {
		return usagef("%s", msg)
	}
	configs, group, thermo, fl, fd, err := FlowConfigs(in.store, fen)
	if err != nil {
		return err
	}
	if err := in.setL(fl, fd, fen.String()); err != nil {
		return err
	}
	n := len(group)
	in.req.Data = append(in.req.Data,
		sdk.Tensor{Name: "configs", Shape: []int{n, sdk.LatticeSites(fl, fd)}, Data: configs},
		sdk.Tensor{Name: "group", Shape: []int{n}, Data: group})
	if in.rule.reads("data/thermometer") {
		in.req.Data = append(in.req.Data, sdk.Tensor{Name: "thermometer", Shape: []int{n}, Data: thermo})
	}
	if in.rule.byIteration(in.spec.Params) {
		in.req.Params[ParamByIteration] = 1
	}
	in.inputs = append(in.inputs, registry.Input{Role: "flow", Digest: fen.Digest})
	set := measured{configs: configs}
	if den, ok := inputEntry(in.store, fen, "from"); ok {
		if name := stepdata.SampledBy(in.store, den); name != "" {
			fixed, err := flowStart(in.store, fen, den)
			if err != nil {
				return err
			}
			in.models = append(in.models, name)
			set.fixed = fixed
		}
	}
	in.measure = append(in.measure, set)
	return nil
}

// inputEntry is the entry that en's lineage records as read as role.
func inputEntry(s *registry.Store, en registry.Entry, role string) (registry.Entry, bool) {
	m, err := s.Manifest(en)
	if err != nil {
		return registry.Entry{}, false
	}
	for _, in := range m.Lineage.Inputs {
		if in.Role == role {
			if e, err := s.Lookup(in.Digest); err == nil {
				return e, true
			}
		}
	}
	return registry.Entry{}, false
}

// addData sends a dataset: beside a flow as the equilibrium reference
// (data/reference/configs and the labels the analyzer reads of it), else its configurations
// as data/configs and its labels as the analyzer reads them
// (analyzerInputs.label).
func (in *analyzeInputs) addData(where []grid.Axis) error {
	if in.spec.Data == "" {
		return nil
	}
	data, den, err := stepdata.LoadDataset(in.store, in.spec.Data)
	if err != nil {
		return err
	}
	if data, err = stepdata.FilterDataset(data, where); err != nil {
		return err
	}
	if err := in.setL(data.Size, data.Dimension, den.String()); err != nil {
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
		// The analyzer builds its reference curves over the labels it
		// reads; one that varies in another label as well would be
		// averaged over it.
		fixed := fixedLabels(data)
		for _, name := range sortedKeys(data.Labels) {
			if _, ok := fixed[name]; !ok && !slices.Contains(labels, name) {
				return usagef("reference %s varies in %s as well as in %s: select one %s (where: %s=…)", den, name, strings.Join(labels, ", "), name, name)
			}
		}
		in.req.Data = append(in.req.Data, sdk.Tensor{Name: "reference/configs", Shape: []int{n, sites}, Data: data.Configs})
		for _, name := range labels {
			in.req.Data = append(in.req.Data, sdk.Tensor{Name: "reference/" + name, Shape: []int{n}, Data: data.Labels[name]})
		}
		in.inputs = append(in.inputs, registry.Input{Role: "reference", Digest: den.Digest})
		in.noteModel(den, measured{prefix: "reference/", configs: data.Configs, labels: data.Labels})
		return nil
	}
	in.req.Data = append(in.req.Data, sdk.Tensor{Name: "configs", Shape: []int{n, sites}, Data: data.Configs})
	group := stepdata.GroupLabel(data.Labels)
	for _, name := range sortedKeys(data.Labels) {
		if as := in.rule.label(name, group); as != "" {
			in.req.Data = append(in.req.Data, sdk.Tensor{Name: as, Shape: []int{n}, Data: data.Labels[name]})
		}
	}
	in.inputs = append(in.inputs, registry.Input{Role: "data", Digest: den.Digest})
	in.noteModel(den, measured{configs: data.Configs, labels: data.Labels})
	return nil
}

// noteModel records the model that sampled den (if any) and the
// configurations it is to measure.
func (in *analyzeInputs) noteModel(den registry.Entry, set measured) {
	if name := stepdata.SampledBy(in.store, den); name != "" {
		in.models = append(in.models, name)
	}
	in.measure = append(in.measure, set)
}

// addModel sends every tensor of a model's weights.npz the analyzer
// reads as weights/NAME.
func (in *analyzeInputs) addModel() error {
	if in.spec.Model == "" {
		return nil
	}
	w, men, learner, err := stepdata.LoadModel(in.store, in.spec.Model)
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
		in.L, in.D = modelL(in.store, men, nv)
	} else if l, d := stepdata.InputLattice(in.store, men, "data"); l != 0 && (l != in.L || d != sdk.Dim(in.D)) {
		// The same number of sites on another lattice (8×8 and 4×4×4)
		// would fit the weights and be measured with the wrong bonds.
		return usagef("%s was trained on %s, the other inputs are on %s: analyse inputs of one lattice",
			men, stepdata.ALattice(l, d), stepdata.ALattice(in.L, in.D))
	}
	if sites := sdk.LatticeSites(in.L, in.D); nv != 0 && nv != sites {
		return usagef("%s has %d visible units, not %s = %d: its weights do not fit the %s",
			men, nv, sdk.Shape(in.L, in.D), sites, sdk.Lattice(in.L, in.D))
	}
	in.inputs = append(in.inputs, registry.Input{Role: "model", Digest: men.Digest})
	return nil
}

// analyzeAndRegister runs the analyzer on what in gathered and registers
// its results.
func analyzeAndRegister(ctx context.Context, env *steps.Env, an *host.Analyzer, in *analyzeInputs) (AnalyzeResult, error) {
	var res AnalyzeResult
	desc, spec := an.Desc, in.spec
	req, err := desc.ValidateAnalyze(in.req)
	if err != nil {
		return res, steps.Usage(fmt.Errorf("analyzer %s: %w", desc.Name, err))
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
		a, err := TensorArray(t)
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
	params := stepdata.LineageParams(desc.Parameters, req.Params)
	params["L"] = in.L
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
			return res, steps.RegisteredBut(entry, "writing "+spec.Out, err)
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

// TensorArray turns a result tensor into an .npz array.
func TensorArray(t sdk.Tensor) (npz.Array, error) {
	switch t.Data.(type) {
	case []float64, []float32, []int64, []int32, []int8:
		return npz.Array{Name: t.Name, Shape: append([]int(nil), t.Shape...), Data: t.Data}, nil
	}
	return npz.Array{}, fmt.Errorf("result %s: unsupported type %T", t.Name, t.Data)
}

// FlowConfigs reads a flow's saved configurations, flattened over its
// iteration counts: each configuration's iteration (group) and the
// thermometer's mean reading of that iteration, and the lattice size.
func FlowConfigs(s *registry.Store, en registry.Entry) (configs []int8, group, thermo []float64, L, d int, err error) {
	f, err := stepdata.ReadFlow(s, en)
	if err != nil {
		return nil, nil, nil, 0, 0, err
	}
	if f.Configs == nil {
		return nil, nil, nil, 0, 0, usagef("%s has no saved configurations: run the flow again with --save-configs (save-configs: true in a spec)", en)
	}
	configs, its, mean := f.Configs, f.Iterations, f.TMean
	n, sites := f.N, f.Sites
	L, d = int(math.Round(math.Sqrt(float64(sites)))), 2
	if len(f.Shape) > 0 {
		L, d = f.Shape[0], len(f.Shape)
	}
	if l, ld := stepdata.InputLattice(s, en, "from"); l != 0 {
		L = l
		if len(f.Shape) == 0 {
			d = ld
		}
	}
	if sdk.LatticeSites(L, d) != sites {
		return nil, nil, nil, 0, 0, fmt.Errorf("%s: %d sites is not %s", en, sites, stepdata.ALattice(L, d))
	}
	group = make([]float64, len(its)*n)
	thermo = make([]float64, len(its)*n)
	for k := range its {
		for i := 0; i < n; i++ {
			group[k*n+i] = float64(its[k])
			thermo[k*n+i] = mean[k]
		}
	}
	return configs, group, thermo, L, d, nil
}

// modelL is the lattice a model was trained on (L^d sites): its training
// data's, or an L×L one of √nv sites when that is not on record.
func modelL(s *registry.Store, en registry.Entry, nv int) (L, d int) {
	if l, d := stepdata.InputLattice(s, en, "data"); l != 0 {
		return l, d
	}
	if l := int(math.Round(math.Sqrt(float64(nv)))); l*l == nv && l > 0 {
		return l, 2
	}
	return 0, 0
}
