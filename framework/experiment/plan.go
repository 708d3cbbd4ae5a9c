package experiment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// Kind is what a step makes.
type Kind string

const (
	KindDataset  Kind = "dataset"
	KindTraining Kind = "training"
	KindFlow     Kind = "flow"
	KindAnalysis Kind = "analysis"
	KindReport   Kind = "report"
)

// Step is one node of the plan.
type Step struct {
	ID     string // "KIND/NAME", unique in the plan
	Kind   Kind
	Name   string
	Plugin string // plugin name ("" for an imported dataset)
	// SHA256 is the plugin binary's digest, or the imported file's.
	SHA256 string
	Deps   []string // IDs of the steps this one reads, sorted
	// Key identifies the step's result: the SHA-256 of Canonical in 64
	// hex digits, the form registry.Lineage.Key and Store.FindByKey take.
	Key string
	// Canonical is the encoding the key digests (documented in
	// docs/experiments.md): JSON, object keys sorted, no spaces.
	Canonical []byte

	// Exactly one of these is set, resolved against the plugin's
	// description (defaults filled in).
	Dataset  *spec.Dataset
	Training *spec.Training
	Flow     *spec.Flow
	Analysis *spec.Analysis
	Report   *spec.Report
	// Sample is the request a sampled dataset sends, resolved.
	Sample *sdk.SampleRequest
	// Imported is an imported dataset's content, checked.
	Imported *sdk.Dataset
}

// Plan is a validated spec as a DAG of steps in a topological order:
// every step comes after the steps it reads.
type Plan struct {
	Spec  *Spec
	Steps []*Step
	byID  map[string]*Step
}

// Step returns the step with the given ID.
func (p *Plan) Step(id string) (*Step, bool) { s, ok := p.byID[id]; return s, ok }

// datasetInfo is what later steps need to know of a dataset.
type datasetInfo struct {
	step   *Step
	L      int
	labels map[string][]float64 // label → the values present (nil: unknown)
}

type trainingInfo struct {
	step *Step
	desc sdk.LearnerDescription
	L    int
}

// NewPlan validates the whole spec against the catalog and returns its
// plan. Every problem of the spec is an *Error (ErrUsage) naming
// file:line:column and the field; a Catalog failure other than an unknown
// plugin is returned as is. Imported files are read and checked here, so
// that nothing runs on a spec that cannot finish.
func NewPlan(ctx context.Context, s *Spec, cat Catalog) (*Plan, error) {
	if s == nil {
		return nil, errors.New("experiment: NewPlan of a nil spec")
	}
	p := &Plan{Spec: s, byID: map[string]*Step{}}
	datasets := map[string]*datasetInfo{}
	trainings := map[string]*trainingInfo{}
	flows := map[string]*flowInfo{}
	names := map[string]Pos{}
	dup := func(kind Kind, name string, at Pos) error {
		if err := registry.ValidateName(name); err != nil {
			return errAt(at, "name", "%q is not a valid name: %v", name, strings.TrimPrefix(err.Error(), "registry: "))
		}
		id := string(kind) + "/" + name
		if first, ok := names[id]; ok {
			return errAt(at, "name", "%s %q is defined twice (first at %s)", kind, name, first)
		}
		names[id] = at
		return nil
	}
	for i := range s.Datasets {
		d := &s.Datasets[i]
		if err := dup(KindDataset, d.Name, d.Pos("name")); err != nil {
			return nil, err
		}
		info, err := planDataset(ctx, s, d, cat)
		if err != nil {
			return nil, err
		}
		datasets[d.Name] = info
		p.add(info.step)
	}
	for i := range s.Trainings {
		t := &s.Trainings[i]
		if err := dup(KindTraining, t.Name, t.Pos("name")); err != nil {
			return nil, err
		}
		info, err := planTraining(ctx, t, cat, datasets)
		if err != nil {
			return nil, err
		}
		trainings[t.Name] = info
		p.add(info.step)
	}
	for i := range s.Flows {
		f := &s.Flows[i]
		if err := dup(KindFlow, f.Name, f.Pos("name")); err != nil {
			return nil, err
		}
		st, err := planFlow(f, datasets, trainings)
		if err != nil {
			return nil, err
		}
		flows[f.Name] = &flowInfo{step: st, L: datasets[f.From].L, save: f.SaveConfigs}
		p.add(st)
	}
	if err := p.planAnalyses(ctx, cat, datasets, trainings, flows, dup); err != nil {
		return nil, err
	}
	order, err := topoSort(p.Steps)
	if err != nil {
		return nil, err
	}
	p.Steps = order
	return p, nil
}

func (p *Plan) add(s *Step) {
	p.Steps = append(p.Steps, s)
	p.byID[s.ID] = s
}

func catalogErr(err error, at Pos, field string) error {
	if errors.Is(err, ErrUnknownPlugin) {
		return errAt(at, field, "%v", err)
	}
	return err
}

func planDataset(ctx context.Context, s *Spec, d *spec.Dataset, cat Catalog) (*datasetInfo, error) {
	st := &Step{ID: "dataset/" + d.Name, Kind: KindDataset, Name: d.Name, Dataset: d}
	if d.Import != "" {
		path := d.Import
		if !filepath.IsAbs(path) && s.File != "" {
			path = filepath.Join(filepath.Dir(s.File), path)
		}
		ds, sum, err := readImport(path, d.L, nil)
		if err != nil {
			return nil, errAt(d.Pos("import"), "import", "%v", err)
		}
		st.SHA256 = sum
		st.Imported = &ds
		labels := map[string][]float64{}
		for k, v := range ds.Labels {
			labels[k] = grid.Distinct(v)
		}
		st.setKey(map[string]any{"import_sha256": st.SHA256, "L": ds.Size}, nil)
		return &datasetInfo{step: st, L: ds.Size, labels: labels}, nil
	}
	desc, sha, err := cat.Model(ctx, d.Model)
	if err != nil {
		return nil, catalogErr(err, d.Pos("model"), "model")
	}
	st.Plugin, st.SHA256 = d.Model, sha
	if _, err := desc.Algorithm(d.Algorithm); err != nil {
		return nil, errAt(d.Pos("algorithm"), "algorithm", "%v", sdkMsg(err))
	}
	points, err := grid.Product(d.Params)
	if err != nil {
		return nil, errAt(d.Pos("params"), "params", "%v", err)
	}
	req := sdk.SampleRequest{Size: d.L, PerPoint: d.PerPoint, Algorithm: d.Algorithm,
		Sweeps: d.Sweeps, Thermalization: d.Thermalization, Seed: d.Seed}
	for _, pt := range points {
		if _, err := sdk.ResolveParams(desc.Parameters, pt); err != nil {
			return nil, errAt(d.Pos("params"), "params", "%v", sdkMsg(err))
		}
		req.Points = append(req.Points, sdk.Params(pt))
	}
	if req, err = desc.Validate(req); err != nil {
		return nil, errAt(d.Pos("L"), "L", "%v", sdkMsg(err))
	}
	// In floating point, so that a huge L or per-point cannot overflow.
	sites := math.Pow(float64(d.L), float64(max(desc.Dimension, 1)))
	if one := float64(len(req.Points)) * sites; one > 1<<34 {
		// Even one configuration per point is too much: L is to blame.
		return nil, errAt(d.Pos("L"), "L", "%.0f configurations of %.0f sites (one per point) are more than 16 GiB: choose a smaller L", float64(len(req.Points)), sites)
	}
	if total := float64(len(req.Points)) * float64(d.PerPoint); total*sites > 1<<34 {
		return nil, errAt(d.Pos("per-point"), "per-point", "%.0f configurations of %.0f sites is more than 16 GiB: sample fewer", total, sites)
	}
	st.Sample = &req
	labels := map[string][]float64{}
	for _, pt := range req.Points {
		for k, v := range pt {
			labels[k] = append(labels[k], v)
		}
	}
	for k, v := range labels {
		labels[k] = grid.Distinct(v)
	}
	pts := make([]map[string]float64, len(req.Points))
	for i, pt := range req.Points {
		pts[i] = pt
	}
	st.setKey(map[string]any{
		"model": d.Model, "points": pts, "L": d.L, "per_point": d.PerPoint, "algorithm": req.Algorithm,
		"sweeps": d.Sweeps, "thermalization": d.Thermalization, "seed": d.Seed,
	}, nil)
	return &datasetInfo{step: st, L: d.L, labels: labels}, nil
}

// sdkMsg drops the gRPC-style code prefix of an sdk error, if any.
func sdkMsg(err error) string {
	m := err.Error()
	if i := strings.Index(m, "invalid argument: "); i >= 0 {
		return m[i+len("invalid argument: "):]
	}
	return m
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkWhere checks a selection against a dataset's labels (when known):
// every label exists and each selection keeps at least one value.
func checkWhere(where []grid.Axis, ds *datasetInfo, at func(string) Pos, ref string) error {
	if ds.labels == nil {
		return nil
	}
	for _, a := range where {
		vs, ok := ds.labels[a.Name]
		if !ok {
			return errAt(at("where"), "where."+a.Name, "dataset %s has no label %q (it has: %s)", ref, a.Name, strings.Join(sortedKeys(ds.labels), ", "))
		}
		hit := false
		for _, v := range a.Values {
			if grid.Contains(vs, v) {
				hit = true
				break
			}
		}
		if !hit {
			return errAt(at("where"), "where."+a.Name, "selects no configuration of %s (%s)", ref, labelValues(a.Name, vs, a.Values))
		}
	}
	return nil
}

// maxListed is how many of a label's values an error lists.
const maxListed = 10

// labelValues says which values of label name the data has, for an error
// about a selection of want: all of sorted, distinct vs when they are few,
// else the maxListed nearest to any of want (in order, "…" where values
// are left out).
func labelValues(name string, vs, want []float64) string {
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
		parts = append(parts, formatNumber(vs[i]))
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
		parts[i] = formatNumber(v)
	}
	return strings.Join(parts, ", ")
}

// whereKey is a selection in canonical form: by label name, values sorted.
func whereKey(where []grid.Axis) map[string][]float64 {
	out := map[string][]float64{}
	for _, a := range where {
		out[a.Name] = grid.Distinct(a.Values)
	}
	return out
}

func planTraining(ctx context.Context, t *spec.Training, cat Catalog, datasets map[string]*datasetInfo) (*trainingInfo, error) {
	st := &Step{ID: "training/" + t.Name, Kind: KindTraining, Name: t.Name, Training: t, Plugin: t.Learner}
	desc, sha, err := cat.Learner(ctx, t.Learner)
	if err != nil {
		return nil, catalogErr(err, t.Pos("learner"), "learner")
	}
	st.SHA256 = sha
	known := map[string]sdk.ParamSpec{}
	for _, h := range desc.Hyperparameters {
		known[h.Name] = h
	}
	for _, name := range t.Set.Names() {
		h, ok := known[name]
		if !ok {
			return nil, errAt(t.Pos("set."+name), "set."+name, "learner %s has no hyper-parameter %q (known: %s)", t.Learner, name, strings.Join(sortedKeys(known), ", "))
		}
		if err := h.Check(t.Set[name]); err != nil {
			return nil, errAt(t.Pos("set."+name), "set."+name, "%v", sdkMsg(err))
		}
	}
	hyper, err := sdk.ResolveParams(desc.Hyperparameters, t.Set)
	if err != nil {
		return nil, errAt(t.Pos("set"), "set", "%v", sdkMsg(err))
	}
	data, ok := datasets[t.Data]
	if !ok {
		return nil, errAt(t.Pos("data"), "data", "no dataset named %q in this spec (have: %s)", t.Data, strings.Join(sortedKeys(datasets), ", "))
	}
	if err := checkWhere(t.Where, data, t.Pos, t.Data); err != nil {
		return nil, err
	}
	inputs := map[string]*Step{"data": data.step}
	if t.Test != "" {
		test, ok := datasets[t.Test]
		if !ok {
			return nil, errAt(t.Pos("test"), "test", "no dataset named %q in this spec (have: %s)", t.Test, strings.Join(sortedKeys(datasets), ", "))
		}
		if test.L != data.L {
			return nil, errAt(t.Pos("test"), "test", "%s is %d×%d, the training data %s is %d×%d", t.Test, test.L, test.L, t.Data, data.L, data.L)
		}
		inputs["test"] = test.step
	}
	label := ""
	if desc.NeedsLabel {
		label = t.Label
		// "T,Delta": a joint label, each part a label of the data.
		for _, part := range strings.Split(label, ",") {
			if data.labels != nil {
				if _, ok := data.labels[part]; !ok {
					return nil, errAt(t.Pos("label"), "label", "learner %s learns a label, and dataset %s has no label %q (it has: %s)", t.Learner, t.Data, part, strings.Join(sortedKeys(data.labels), ", "))
				}
			}
			if test, ok := datasets[t.Test]; ok && test.labels != nil {
				if _, has := test.labels[part]; !has {
					return nil, errAt(t.Pos("test"), "test", "learner %s learns label %q, and the test set %s has no such label", t.Learner, part, t.Test)
				}
			}
		}
	} else if t.Given("label") {
		return nil, errAt(t.Pos("label"), "label", "learner %s is not supervised: it learns no label", t.Learner)
	}
	spec := map[string]any{"learner": t.Learner, "hyper": map[string]float64(hyper), "seed": t.Seed, "where": whereKey(t.Where)}
	if label != "" {
		spec["label"] = label
	}
	st.setKey(spec, inputs)
	t.Set = hyper
	t.Label = label
	return &trainingInfo{step: st, desc: desc, L: data.L}, nil
}

func planFlow(f *spec.Flow, datasets map[string]*datasetInfo, trainings map[string]*trainingInfo) (*Step, error) {
	st := &Step{ID: "flow/" + f.Name, Kind: KindFlow, Name: f.Name, Flow: f}
	ref := func(field, name, op string) (*trainingInfo, error) {
		t, ok := trainings[name]
		if !ok {
			return nil, errAt(f.Pos(field), field, "no training named %q in this spec (have: %s)", name, strings.Join(sortedKeys(trainings), ", "))
		}
		if _, err := t.desc.Operation(op); err != nil {
			return nil, errAt(f.Pos(field), field, "training %s (learner %s) cannot %s: %v", name, t.desc.Name, op, sdkMsg(err))
		}
		return t, nil
	}
	rbm, err := ref("rbm", f.RBM, "flow")
	if err != nil {
		return nil, err
	}
	th, err := ref("thermometer", f.Thermometer, "predict")
	if err != nil {
		return nil, err
	}
	from, ok := datasets[f.From]
	if !ok {
		return nil, errAt(f.Pos("from"), "from", "no dataset named %q in this spec (have: %s)", f.From, strings.Join(sortedKeys(datasets), ", "))
	}
	if err := checkWhere(f.Where, from, f.Pos, f.From); err != nil {
		return nil, err
	}
	if from.L != rbm.L || from.L != th.L {
		return nil, errAt(f.Pos("from"), "from", "%s is %d×%d, but %s was trained on %d×%d and %s on %d×%d", f.From, from.L, from.L, f.RBM, rbm.L, rbm.L, f.Thermometer, th.L, th.L)
	}
	st.Plugin, st.SHA256 = rbm.desc.Name, rbm.step.SHA256
	st.setKey(map[string]any{
		"where": whereKey(f.Where), "iterations": f.Iterations, "seed": f.Seed, "save_configs": f.SaveConfigs,
	}, map[string]*Step{"rbm": rbm.step, "thermometer": th.step, "from": from.step})
	return st, nil
}

// setKey fills Deps, Canonical and Key from the step's resolved spec and
// its inputs (their keys stand for them).
func (s *Step) setKey(spec map[string]any, inputs map[string]*Step) {
	in := map[string]string{}
	for role, dep := range inputs {
		in[role] = dep.Key
		s.Deps = append(s.Deps, dep.ID)
	}
	sort.Strings(s.Deps)
	s.Deps = compactStrings(s.Deps)
	doc := map[string]any{
		"format": "rgml-step-v1",
		"code":   codeVersion(s.Kind),
		"kind":   s.Kind,
		"name":   s.Name,
		"plugin": map[string]string{"name": s.Plugin, "sha256": s.SHA256},
		"spec":   jsonSafe(spec),
		"inputs": in,
	}
	// encoding/json sorts map keys and writes floats in their shortest
	// round-trip form: the encoding depends on values only.
	b, err := json.Marshal(doc)
	if err != nil {
		panic(fmt.Sprintf("experiment: canonical encoding of %s: %v", s.ID, err)) // only finite numbers reach here
	}
	s.Canonical = b
	sum := sha256.Sum256(b)
	s.Key = hex.EncodeToString(sum[:])
}

// jsonSafe writes +Inf (T = inf) as the string "inf", which encoding/json
// cannot encode as a number; finite values keep their types, so that keys
// of steps without infinities stay what they were.
func jsonSafe(v any) any {
	num := func(x float64) any {
		if math.IsInf(x, 1) {
			return "inf"
		}
		return x
	}
	nums := func(xs []float64) any {
		for _, x := range xs {
			if math.IsInf(x, 1) {
				out := make([]any, len(xs))
				for i, y := range xs {
					out[i] = num(y)
				}
				return out
			}
		}
		return xs
	}
	switch x := v.(type) {
	case float64:
		return num(x)
	case []float64:
		return nums(x)
	case map[string]float64:
		out := make(map[string]any, len(x))
		for k, y := range x {
			out[k] = num(y)
		}
		return out
	case map[string][]float64:
		out := make(map[string]any, len(x))
		for k, y := range x {
			out[k] = nums(y)
		}
		return out
	case []map[string]float64:
		out := make([]any, len(x))
		for i, y := range x {
			out[i] = jsonSafe(y)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, y := range x {
			out[k] = jsonSafe(y)
		}
		return out
	}
	return v
}

func compactStrings(v []string) []string {
	k := 0
	for i, x := range v {
		if i == 0 || x != v[k-1] {
			v[k] = x
			k++
		}
	}
	return v[:k]
}

// topoSort orders steps so that each comes after its dependencies,
// keeping the given order among independent steps; a cycle is an error
// naming the steps on it.
func topoSort(steps []*Step) ([]*Step, error) {
	byID := map[string]*Step{}
	for _, s := range steps {
		byID[s.ID] = s
	}
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var out []*Step
	var stack []string
	var visit func(s *Step) error
	visit = func(s *Step) error {
		switch state[s.ID] {
		case done:
			return nil
		case active:
			i := 0
			for stack[i] != s.ID {
				i++
			}
			cyc := append(append([]string{}, stack[i:]...), s.ID)
			return &Error{Pos: Pos{}, Field: s.ID, Msg: "cycle: " + strings.Join(cyc, " → ")}
		}
		state[s.ID] = active
		stack = append(stack, s.ID)
		for _, d := range s.Deps {
			dep, ok := byID[d]
			if !ok {
				return &Error{Field: s.ID, Msg: fmt.Sprintf("depends on %s, which is not in the plan", d)}
			}
			if err := visit(dep); err != nil {
				return err
			}
		}
		stack = stack[:len(stack)-1]
		state[s.ID] = done
		out = append(out, s)
		return nil
	}
	for _, s := range steps {
		if err := visit(s); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Print writes the plan, one step a line in order, as `rgml run --dry-run`
// shows it: number, step, plugin, inputs and the key's first 12 hex digits.
func (p *Plan) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "#\tSTEP\tPLUGIN\tINPUTS\tKEY\n")
	for i, s := range p.Steps {
		plugin := s.Plugin
		if plugin == "" {
			plugin = "(import)"
			if s.Kind == KindReport {
				plugin = "(report)"
			}
		}
		in := "-"
		switch {
		case s.Kind == KindReport && len(s.Deps) == len(p.Steps)-1:
			// A list of every other step would widen every row's column.
			in = fmt.Sprintf("every other step (%d)", len(s.Deps))
		case len(s.Deps) > 0:
			in = strings.Join(s.Deps, ", ")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", i+1, s.ID, plugin, in, s.Key[:12])
	}
	return tw.Flush()
}
