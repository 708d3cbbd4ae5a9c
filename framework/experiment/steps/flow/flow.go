// Package flow is the flow step kind: an RBM's flow of configurations
// read out by a thermometer after each iteration count (Flow, and the
// read-out of a thermometer of two labels, twoparam.go); planned, keyed
// and run as the kinds table asks.
package flow

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/experiment/plan"
	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/experiment/steps/stepdata"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/progress"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// FlowFile is the file of a Flow entry (formats.Flow).
const FlowFile = formats.FlowFile

// Version versions the flow read-out this file and twoparam.go do
// on the plugins' outputs (means, modes, the joint (T, Δ) observables,
// the arrays of FlowFile): bump it when they change what a flow records
// (its entry in framework/experiment/kinds.go).
const Version = 3

// FlowSpec is one RBM flow measured by a thermometer (the flags of rgml
// flow); RBM, Thermometer and From are registry references.
type FlowSpec struct {
	Name        string // registered under this name
	RBM         string
	Thermometer string
	From        string
	Where       []string // selections NAME=SPEC of From
	Iterations  []int64  // increasing, ≥ 0
	Seed        uint64
	SaveConfigs bool   // keep the flowed configurations (iterations × N × sites int8)
	Out         string // also write FlowFile's arrays to this plain .npz
	Key         string // the step key, recorded as Lineage.Key
	// Planned, if set, holds the plugin digests the step's key was made
	// with: a launched learner of another digest fails the step
	// (*PluginChangedError) before it does any work.
	Planned plan.Planned
}

// FlowResult is a registered flow.
type FlowResult struct {
	Entry        registry.Entry
	Iterations   []int64
	TMean, TMode []float64 // per iteration count
	Classes      []float64
	Distribution []float64 // iterations × classes
	PluginSeed   uint64
	// Labels are what the thermometer learned (its training's label, e.g.
	// "T", or "T" and "Delta" for a joint one); TMean and TMode are the
	// first's.
	Labels []string
	// Joint is set for a thermometer of two labels: then Classes is K×2.
	Joint *TwoParamReadout
}

// FlowSeed is the seed a flow passes to the RBM: the user's seed mixed
// with the digest of the initial configurations (the dataset's data.npz:
// its content, not its entry, so the same data gives the same stream in
// any registry) and the selection, so that flows of one RBM from
// different starting points draw independent streams.
func FlowSeed(seed uint64, dataDigest string, where []grid.Axis) uint64 {
	w, _ := json.Marshal(plan.WhereKey(where)) // sorted keys, sorted values
	h := sha256.New()
	fmt.Fprintf(h, "rgml-flow-seed/1\n%d\n%s\n%s\n", seed, dataDigest, w)
	return binary.LittleEndian.Uint64(h.Sum(nil))
}

// Flow runs the RBM flow v → h → v from a set of configurations, measures
// the thermometer's reading after each iteration count and registers the
// loadStart loads a flow's starting dataset: all of it, and the part the
// flow's selection picks.
func loadStart(store *registry.Store, ref string, where []grid.Axis) (all, data sdk.Dataset, en registry.Entry, err error) {
	if all, en, err = stepdata.LoadDataset(store, ref); err != nil {
		return all, data, en, err
	}
	data, err = stepdata.FilterDataset(all, where)
	return all, data, en, err
}

// result as a Flow entry (inputs rbm, thermometer, from).
func Flow(ctx context.Context, env *steps.Env, spec FlowSpec) (FlowResult, error) {
	var res FlowResult
	if err := spec.check(); err != nil {
		return res, err
	}
	where, err := stepdata.ParseWhere(spec.Where)
	if err != nil {
		return res, err
	}
	store, err := env.Registry()
	if err != nil {
		return res, err
	}
	rbmW, rbmEntry, rbmName, err := stepdata.LoadModel(store, spec.RBM)
	if err != nil {
		return res, err
	}
	thW, thEntry, thName, labels, err := loadThermometer(store, spec.Thermometer)
	if err != nil {
		return res, err
	}
	all, data, fromEntry, err := loadStart(store, spec.From, where)
	if err != nil {
		return res, err
	}
	if err := fitLearners(store, fromEntry, data, rbmEntry, thEntry); err != nil {
		return res, err
	}

	h, release := env.PluginHost()
	defer release()
	obs, err := startObserver(ctx, h, store, spec, labels, fromEntry, data)
	if err != nil {
		return res, err
	}
	defer obs.kill()
	rbm, th, err := startLearners(ctx, h, rbmName, thName, spec.Planned)
	if err != nil {
		return res, err
	}
	defer rbm.Kill()
	defer th.Kill()
	its := spec.Iterations
	n, sites := data.Len(), data.Sites()
	dataFile, _ := fromEntry.File("data.npz")
	res.PluginSeed = FlowSeed(spec.Seed, dataFile.Digest, where)
	flowReq := sdk.ApplyRequest{Operation: "flow", Seed: res.PluginSeed, Size: data.Size, Dimension: data.Dimension, Weights: rbmW,
		Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{n, sites}, Data: data.Configs}, {Name: "iterations", Shape: []int{len(its)}, Data: its}}}
	if flowReq, err = rbm.Desc.ValidateApply(flowReq); err != nil {
		return res, steps.Usage(fmt.Errorf("%s: %w", rbmEntry, err))
	}
	// The meter counts the iteration counts asked for, each once the
	// thermometer has read it; the flow pass before the first reading
	// shows as 0 of them.
	bar := env.Tracker().Start("flow "+spec.Name, "iteration counts", int64(len(its)))
	bar, endLive := liveFlow(store, spec.Name, env.HolderID(), bar, &res)
	defer endLive()
	fail := func(err error) (FlowResult, error) { bar.Abort(); return res, err }
	flowed, err := rbm.Apply(ctx, flowReq)
	if err != nil {
		return fail(err)
	}
	fconfigs, err := flowedConfigs(flowed, rbmName, len(its), n, sites)
	if err != nil {
		return fail(err)
	}
	res.Iterations, res.Labels = its, labels
	if err := res.measure(ctx, th, thW, thEntry, fconfigs, data, bar); err != nil {
		return fail(err)
	}
	if err := res.observe(ctx, obs, fconfigs, data, all); err != nil {
		return fail(err)
	}
	arrays, file, err := res.encode(fconfigs, n, sites, spec.SaveConfigs, data)
	if err != nil {
		return fail(err)
	}
	bar.Done()
	return registerFlow(ctx, env, store, spec, res, flowRun{rbm: rbm, th: th, rbmEntry: rbmEntry, thEntry: thEntry, fromEntry: fromEntry, n: n}, file, arrays)
}

// encode is FlowFile's arrays (File) and bytes.
func (res *FlowResult) encode(fconfigs []int8, n, sites int, save bool, data sdk.Dataset) ([]npz.Array, []byte, error) {
	arrays, err := res.File(fconfigs, n, sites, save, data).Arrays()
	if err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	err = npz.Encode(&buf, arrays...)
	return arrays, buf.Bytes(), err
}

// flowRun is what registerFlow records of the learners and entries a
// flow ran with.
type flowRun struct {
	rbm, th                      *host.Learner
	rbmEntry, thEntry, fromEntry registry.Entry
	n                            int
}

// registerFlow registers the flow's file (and writes spec.Out).
func registerFlow(ctx context.Context, env *steps.Env, store *registry.Store, spec FlowSpec, res FlowResult, r flowRun, file []byte, arrays []npz.Array) (FlowResult, error) {
	rbm, th, its := r.rbm, r.th, res.Iterations
	lineage := registry.Lineage{
		Plugin: &registry.PluginRef{Name: rbm.Desc.Name, Version: rbm.Desc.Version, SHA256: rbm.SHA256},
		Host:   env.HostRef(),
		Seed:   spec.Seed,
		Inputs: []registry.Input{
			{Role: "rbm", Digest: r.rbmEntry.Digest},
			{Role: "thermometer", Digest: r.thEntry.Digest},
			{Role: "from", Digest: r.fromEntry.Digest},
		},
		Samples: int64(r.n),
		Key:     spec.Key,
		Extra: map[string]any{
			"iterations": its, "plugin_seed": res.PluginSeed, "save_configs": spec.SaveConfigs,
			"thermometer_plugin": map[string]string{"name": th.Desc.Name, "version": th.Desc.Version, "sha256": th.SHA256},
		},
	}
	if len(spec.Where) > 0 {
		lineage.Extra["where"] = spec.Where
	}
	entry, err := store.Put(ctx, registry.Flow, spec.Name, []registry.File{{Name: FlowFile, Data: file}}, lineage)
	if err != nil {
		return res, fmt.Errorf("registering the flow: %w", err)
	}
	res.Entry = entry
	if spec.Out != "" {
		if err := npz.WriteFile(spec.Out, arrays...); err != nil {
			return res, steps.RegisteredBut(entry, "writing "+spec.Out, err)
		}
	}
	return res, nil
}

// flowedConfigs are the configurations the RBM's flow returned:
// iterations × n × sites int8.
func flowedConfigs(flowed []sdk.Tensor, plugin string, its, n, sites int) ([]int8, error) {
	fc, ok := sdk.FindTensor(flowed, "configs")
	fconfigs, isInt8 := fc.Data.([]int8)
	if !ok || !isInt8 || len(fconfigs) != its*n*sites {
		return nil, fmt.Errorf("plugin %q: flow returned no int8 configs of shape %d×%d×%d", plugin, its, n, sites)
	}
	return fconfigs, nil
}

// check checks the request's name and iteration counts.
func (spec FlowSpec) check() error {
	if err := registry.ValidateName(spec.Name); err != nil {
		return usagef("name: %v", err)
	}
	if len(spec.Iterations) == 0 {
		return usagef("iterations: give at least one iteration count")
	}
	for i, it := range spec.Iterations {
		if it < 0 || (i > 0 && it <= spec.Iterations[i-1]) {
			return usagef("iterations: counts must be non-negative and increase")
		}
	}
	return nil
}

// startLearner launches the learner plugin name, refused (and stopped)
// when its binary is not the one planned.
func startLearner(ctx context.Context, h *host.Host, name string, planned plan.Planned) (*host.Learner, error) {
	l, err := h.Learner(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := planned.Check(name, l.SHA256); err != nil {
		l.Kill()
		return nil, err
	}
	return l, nil
}

// startLearners launches the RBM's and the thermometer's learner
// plugins (startLearner), both or neither.
func startLearners(ctx context.Context, h *host.Host, rbmName, thName string, planned plan.Planned) (rbm, th *host.Learner, err error) {
	if rbm, err = startLearner(ctx, h, rbmName, planned); err != nil {
		return nil, nil, err
	}
	if th, err = startLearner(ctx, h, thName, planned); err != nil {
		rbm.Kill()
		return nil, nil, err
	}
	return rbm, th, nil
}

// loadThermometer reads a thermometer's weights, the learner plugin its
// lineage names and the labels it learned.
func loadThermometer(s *registry.Store, ref string) ([]sdk.Tensor, registry.Entry, string, []string, error) {
	w, en, plugin, err := stepdata.LoadModel(s, ref)
	if err != nil {
		return nil, en, "", nil, err
	}
	labels, err := learnedLabels(s, en)
	return w, en, plugin, labels, err
}

// fitLearners refuses learners that do not fit the flow's starting
// configurations: trained on another lattice, or a thermometer that never
// saw some of the values it would read.
func fitLearners(s *registry.Store, from registry.Entry, data sdk.Dataset, rbm, th registry.Entry) error {
	if err := sameLattice(s, from, data, rbm, th); err != nil {
		return err
	}
	return thermometerReads(s, th, from, data.States(), rbm)
}

// sameLattice refuses learners trained on another lattice than the
// flow's starting configurations: one of as many sites (8×8 and 4×4×4)
// would fit the weights and flow and read them with the wrong bonds. The
// planner checks the same for a spec's steps; this is for the CLI's
// registry references. A model whose lineage records no lattice passes.
func sameLattice(s *registry.Store, from registry.Entry, data sdk.Dataset, models ...registry.Entry) error {
	for _, en := range models {
		if l, d := stepdata.InputLattice(s, en, "data"); l != 0 && (l != data.Size || d != sdk.Dim(data.Dimension)) {
			return usagef("%s is on %s, but %s was trained on %s", from, stepdata.ALattice(data.Size, data.Dimension), en, stepdata.ALattice(l, d))
		}
	}
	return nil
}

// thermometerReads refuses a thermometer trained on data of a smaller
// state space than the configurations it would read: the starting ones
// (from, of states fromStates) and the RBM's, whose values are those of
// its training data. A thermometer that never saw a 0 reads a spin-1
// configuration without complaint, and means nothing by it. What the
// lineage does not record (imported data) is not checked.
func thermometerReads(s *registry.Store, th, from registry.Entry, fromStates []int8, rbm registry.Entry) error {
	known, err := stepdata.InputStates(s, th, "data")
	if err != nil || known == nil {
		return err
	}
	rbmStates, err := stepdata.InputStates(s, rbm, "data")
	if err != nil {
		return err
	}
	for _, c := range []struct {
		what   string
		states []int8
	}{{from.String() + " holds the value", fromStates}, {rbm.String() + " flows to configurations with the value", rbmStates}} {
		for _, v := range c.states {
			if !slices.Contains(known, v) {
				return usagef("%s was trained on site values %v, but %s %d: train a thermometer on data of that state space",
					th, known, c.what, v)
			}
		}
	}
	return nil
}

// learnedLabels are the names of what a model was trained to read (its
// lineage's label, several joined by commas): the flow's columns take
// them, so that nothing downstream guesses what a thermometer reads.
func learnedLabels(s *registry.Store, en registry.Entry) ([]string, error) {
	m, err := s.Manifest(en)
	if err != nil {
		return nil, err
	}
	label, _ := m.Lineage.Extra["label"].(string)
	if label == "" {
		return nil, usagef("%s records no label it learned: a thermometer is a supervised learner's model", en)
	}
	return strings.Split(label, ","), nil
}

// measure has the thermometer th (weights thW of entry thEntry) read
// the flowed configurations fconfigs (iterations × N × sites of data's
// lattice) after each iteration count.
func (res *FlowResult) measure(ctx context.Context, th *host.Learner, thW []sdk.Tensor, thEntry registry.Entry, fconfigs []int8, data sdk.Dataset, bar progress.Meter) error {
	its := res.Iterations
	n, sites := data.Len(), data.Sites()
	res.TMean = make([]float64, len(its))
	res.TMode = make([]float64, len(its))
	for k := range its {
		pr := sdk.ApplyRequest{Operation: "predict", Size: data.Size, Dimension: data.Dimension, Weights: thW,
			Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{n, sites}, Data: fconfigs[k*n*sites : (k+1)*n*sites]}}}
		pr, err := th.Desc.ValidateApply(pr)
		if err != nil {
			return steps.Usage(fmt.Errorf("%s: %w", thEntry, err))
		}
		out, err := th.Apply(ctx, pr)
		if err != nil {
			return err
		}
		if err := res.ReadOut(k, out); err != nil {
			return fmt.Errorf("plugin %q: %w", th.Name, err)
		}
		bar.Add(1)
	}
	return nil
}

// ReadOut records iteration count k from the thermometer's answer out.
// Kept apart from the plugin calls so that its output can be pinned
// (Version).
func (res *FlowResult) ReadOut(k int, out []sdk.Tensor) error {
	d, ok1 := sdk.FindTensor(out, "distribution")
	cl, ok2 := sdk.FindTensor(out, "classes")
	dv, ok3 := d.Data.([]float64)
	cv, ok4 := cl.Data.([]float64)
	// A NaN weighs nothing in the mode's comparison and poisons the mean:
	// the flow would record a reading no thermometer made.
	for _, t := range []struct {
		what string
		v    []float64
	}{{"a distribution", dv}, {"classes", cv}} {
		if i, bad := stepdata.NonFinite(t.v); bad {
			return fmt.Errorf("predict returned %s with %v at element %d", t.what, t.v[i], i)
		}
	}
	if ok2 && len(cl.Shape) == 2 && cl.Shape[1] == 2 && ok1 && ok3 && ok4 && len(dv) == cl.Shape[0] && len(dv) > 0 {
		if len(res.Labels) != 2 {
			return fmt.Errorf("predict returned classes of 2 columns, and the thermometer learned %q", strings.Join(res.Labels, ","))
		}
		if res.Joint == nil {
			res.Joint = newTwoParamReadout(len(res.Iterations))
		}
		if err := res.Joint.add(k, dv, cv); err != nil {
			return err
		}
		res.Classes = cv
		res.Distribution = append(res.Distribution, dv...)
		res.TMean[k], res.TMode[k] = res.Joint.TMean[k], res.Joint.TMode[k]
		return nil
	}
	if !ok1 || !ok2 || !ok3 || !ok4 || len(dv) != len(cv) || len(cv) == 0 || (res.Classes != nil && len(cv) != len(res.Classes)) {
		return errors.New("predict returned no float64 distribution and classes")
	}
	if len(res.Labels) != 1 {
		return fmt.Errorf("predict returned classes of 1 column, and the thermometer learned %q", strings.Join(res.Labels, ","))
	}
	res.Classes = cv
	res.Distribution = append(res.Distribution, dv...)
	best := 0
	for i, p := range dv {
		res.TMean[k] += p * cv[i]
		if p > dv[best] {
			best = i
		}
	}
	res.TMode[k] = cv[best]
	return nil
}

// File is FlowFile's content once every iteration count is read out;
// fconfigs (iterations × n × sites of data's lattice) are kept when save
// is set.
func (res *FlowResult) File(fconfigs []int8, n, sites int, save bool, data sdk.Dataset) formats.Flow {
	f := formats.Flow{Labels: res.Labels, Iterations: res.Iterations, TMean: res.TMean, TMode: res.TMode,
		Classes: res.Classes, Distribution: res.Distribution}
	if j := res.Joint; j != nil {
		f.Classes = j.Classes
		f.Two = &formats.TwoParameter{DeltaMean: j.DeltaMean, DeltaMode: j.DeltaMode,
			Observables: j.Observables, EqT: j.EqT, EqDelta: j.EqDelta}
	}
	if save {
		f.Configs, f.N, f.Sites = fconfigs, n, sites
		f.Shape = make([]int, sdk.Dim(data.Dimension))
		for i := range f.Shape {
			f.Shape[i] = data.Size
		}
	}
	return f
}

// usagef is spec.Usagef, whose package name the functions above give to
// their FlowSpec.
func usagef(format string, args ...any) error { return spec.Usagef(format, args...) }
