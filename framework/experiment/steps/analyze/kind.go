package analyze

import (
	"context"
	"fmt"
	"strings"

	"github.com/rgml/rgml/framework/experiment/plan"
	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/experiment/steps/stepdata"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// The analysis kind (analyze.go): each analysis is checked against its
// analyzer's description the way Analyze maps its inputs.

// Plan adds the spec's analyses to the plan, each checked against its
// analyzer's description and the entries it reads.
func Plan(ctx context.Context, b *plan.Planner) error {
	s := b.Plan.Spec
	if len(s.Analyses) == 0 {
		return nil
	}
	ac, ok := b.Cat.(plan.AnalyzerCatalog)
	if !ok {
		return spec.At(s.Analyses[0].Pos("analyzer"), "analyzer", "this catalog cannot describe analyzers")
	}
	for i := range s.Analyses {
		a := &s.Analyses[i]
		if err := b.Name(plan.KindAnalysis, a.Name, a.Pos("name")); err != nil {
			return err
		}
		st, err := PlanAnalysis(ctx, b, a, ac)
		if err != nil {
			return err
		}
		b.Add(&plan.Node{Step: st})
	}
	return nil
}

// Run makes one analysis step's entry.
func Run(ctx context.Context, env *steps.Env, _ *plan.Plan, s *plan.Step, input func(id string) string) (registry.Entry, error) {
	a := s.Item.(*spec.Analysis)
	req := AnalyzeSpec{Name: a.Name, Analyzer: a.Analyzer, Where: stepdata.FormatWhere(a.Where), Params: a.Set, Seed: a.Seed, Key: s.Key,
		Planned: plan.Planned{s.Plugin: s.SHA256}}
	if s.Model != "" {
		req.Planned[s.Model] = s.ModelSHA256
	}
	if a.Model != "" {
		req.Model = input("training/" + a.Model)
	}
	if a.Data != "" {
		req.Data = input("dataset/" + a.Data)
	}
	if a.Flow != "" {
		req.Flow = input("flow/" + a.Flow)
	}
	for _, name := range a.Analyses {
		req.Analyses = append(req.Analyses, input("analysis/"+name))
	}
	r, err := Analyze(ctx, env, req)
	return r.Entry, err
}

// analysisPlan is one analysis being planned: its item, its analyzer's
// description, and the inputs and lattice size found so far.
type analysisPlan struct {
	a      *spec.Analysis
	rule   analyzerInputs
	known  map[string]sdk.ParamSpec
	set    sdk.Params
	inputs map[string]*plan.Step
	L, D   int
	// model is the model that sampled the flow's or the data's
	// configurations, which Analyze has measure them (modelobs.go).
	model, modelField string
}

// lattice checks that an input is of the analysis's one lattice (L^d
// sites).
func (ap *analysisPlan) lattice(field, name string, l, d int) error {
	if ap.L != 0 && (l != ap.L || sdk.Dim(d) != sdk.Dim(ap.D)) {
		return spec.At(ap.a.Pos(field), field, "%s is %s, the analysis's other inputs %s", name, sdk.Shape(l, d), sdk.Shape(ap.L, ap.D))
	}
	ap.L, ap.D = l, d
	return nil
}

// PlanAnalysis checks one analysis against its analyzer's description
// and the entries it reads.
func PlanAnalysis(ctx context.Context, b *plan.Planner, a *spec.Analysis, cat plan.AnalyzerCatalog) (*plan.Step, error) {
	st := &plan.Step{ID: "analysis/" + a.Name, Kind: plan.KindAnalysis, Name: a.Name, Item: a, Plugin: a.Analyzer}
	desc, sha, err := cat.Analyzer(ctx, a.Analyzer)
	if err != nil {
		return nil, steps.CatalogErr(err, a.Pos("analyzer"), "analyzer")
	}
	st.SHA256 = sha
	ap := &analysisPlan{a: a, rule: analyzerInputs{a.Analyzer, desc}, known: map[string]sdk.ParamSpec{}, set: sdk.Params{}, inputs: map[string]*plan.Step{}}
	for _, ps := range desc.Parameters {
		ap.known[ps.Name] = ps
	}
	for _, name := range a.Set.Names() {
		ps, ok := ap.known[name]
		if !ok {
			return nil, spec.At(a.Pos("set."+name), "set."+name, "analyzer %s has no parameter %q (known: %s)", a.Analyzer, name, strings.Join(sortedKeys(ap.known), ", "))
		}
		if err := ps.Check(a.Set[name]); err != nil {
			return nil, spec.At(a.Pos("set."+name), "set."+name, "%v", steps.SDKMsg(err))
		}
	}
	for k, v := range a.Set {
		ap.set[k] = v
	}
	for _, bind := range []func(*plan.Planner) error{ap.bindFlow, ap.bindData, ap.bindModel, ap.bindAnalyses, ap.required} {
		if err := bind(b); err != nil {
			return nil, err
		}
	}
	resolved, err := sdk.ResolveParams(desc.Parameters, ap.set)
	if err != nil {
		return nil, spec.At(a.Pos("set"), "set", "%v", steps.SDKMsg(err))
	}
	a.Set = resolved
	key := map[string]any{"analyzer": a.Analyzer, "params": map[string]float64(resolved), "seed": a.Seed, "where": plan.WhereKey(a.Where)}
	model, err := b.ModelKey(ap.model, a, ap.modelField)
	if err != nil {
		return nil, err
	}
	if model != nil {
		key["model"] = model
		st.Model, st.ModelSHA256 = model["name"], model["sha256"]
	}
	b.Key(st, key, ap.inputs)
	return st, nil
}

// bindFlow checks a flow given to the analysis: the analyzer reads its
// configurations, and the flow keeps them.
func (ap *analysisPlan) bindFlow(b *plan.Planner) error {
	a := ap.a
	if a.Flow == "" {
		return nil
	}
	f, err := b.Ref(plan.KindFlow, a.Flow, a, "flow")
	if err != nil {
		return err
	}
	if msg := ap.rule.flow(); msg != "" {
		return spec.At(a.Pos("flow"), "flow", "%s", msg)
	}
	if !f.Save {
		return spec.At(a.Pos("flow"), "flow", "flow %s does not keep its configurations: add save-configs: true to it", a.Flow)
	}
	if err := ap.lattice("flow", a.Flow, f.L, f.D); err != nil {
		return err
	}
	if ap.rule.byIteration(a.Set) {
		ap.set[ParamByIteration] = 1
	}
	ap.inputs["flow"] = f.Step
	ap.model, ap.modelField = f.Model, "flow"
	return nil
}

// bindData checks a dataset given to the analysis: its configurations,
// or beside a flow the equilibrium reference.
func (ap *analysisPlan) bindData(b *plan.Planner) error {
	a := ap.a
	if a.Data == "" {
		if len(a.Where) > 0 {
			return spec.At(a.Pos("where"), "where", "a selection needs data")
		}
		return nil
	}
	d, err := b.Ref(plan.KindDataset, a.Data, a, "data")
	if err != nil {
		return err
	}
	if err := plan.CheckWhere(a.Where, d, a.Pos, a.Data); err != nil {
		return err
	}
	if msg := ap.rule.data(a.Flow != ""); msg != "" {
		return spec.At(a.Pos("data"), "data", "%s", msg)
	}
	if d.Labels != nil && a.Flow != "" {
		if _, msg := ap.rule.reference(sortedKeys(d.Labels), "dataset "+a.Data); msg != "" {
			return spec.At(a.Pos("data"), "data", "%s", msg)
		}
	}
	if err := ap.lattice("data", a.Data, d.L, d.D); err != nil {
		return err
	}
	ap.inputs["data"] = d.Step
	if ap.model == "" {
		ap.model, ap.modelField = d.Model, "data"
	}
	return nil
}

// bindModel checks a training given to the analysis: the analyzer reads
// weights, of that training's learner.
func (ap *analysisPlan) bindModel(b *plan.Planner) error {
	a := ap.a
	if a.Model == "" {
		return nil
	}
	t, err := b.Ref(plan.KindTraining, a.Model, a, "model")
	if err != nil {
		return err
	}
	if msg := ap.rule.weights(); msg != "" {
		return spec.At(a.Pos("model"), "model", "%s", msg)
	}
	if msg := ap.rule.learner(t.Learner.Name, fmt.Sprintf("%s is a %s", a.Model, t.Learner.Name)); msg != "" {
		return spec.At(a.Pos("model"), "model", "%s", msg)
	}
	if err := ap.lattice("model", a.Model, t.L, t.D); err != nil {
		return err
	}
	ap.inputs["model"] = t.Step
	return nil
}

// required checks that every input the analyzer requires is given.
func (ap *analysisPlan) required(*plan.Planner) error {
	if field, msg := ap.rule.required(ap.a.Model != "", ap.a.Data != "" || ap.a.Flow != "" || len(ap.a.Analyses) > 0); msg != "" {
		return spec.At(ap.a.Pos(""), field, "%s", msg)
	}
	return nil
}

// bindAnalyses checks the earlier analyses an analysis of analyses reads:
// each planned before it (or in the registry), the analyzer reads them
// (analyzerInputs.analyses), and none is read twice. Their lattices may
// differ: the analysis's lattice size is their largest.
//
// An input is the result its step key names (a registry input's key is
// the one it was made under, or its digest): two names of one result
// (registry:x and registry:x:2 when x:2 is the latest, a step of the spec
// and the registered entry it would reuse) are refused, since its rows
// would be read twice; two results of one name (registry:x:1 and
// registry:x:2, made by two specs) are two inputs.
func (ap *analysisPlan) bindAnalyses(b *plan.Planner) error {
	a := ap.a
	if len(a.Analyses) == 0 {
		return nil
	}
	if msg := ap.rule.analyses(); msg != "" {
		return spec.At(a.Pos("analyses"), "analyses", "%s", msg)
	}
	seen := map[string]*plan.Step{} // by step key
	for i, name := range a.Analyses {
		n, err := b.Ref(plan.KindAnalysis, name, a, "analyses")
		if err != nil {
			return err
		}
		switch first, ok := seen[n.Step.Key]; {
		case ok && first.Name == name:
			return spec.At(a.Pos("analyses"), "analyses", "analysis %s is listed twice", name)
		case ok:
			return spec.At(a.Pos("analyses"), "analyses", "%s and %s are the same result%s (step key %.12s): list it once",
				first.Name, name, registryEntry(first, n.Step), n.Step.Key)
		}
		seen[n.Step.Key] = n.Step
		ap.inputs[fmt.Sprintf("analyses/%d", i)] = n.Step
	}
	return nil
}

// registryEntry is ", analysis NAME:VERSION", the registry entry one of
// sts resolved to, or "" when none is a registry input.
func registryEntry(sts ...*plan.Step) string {
	for _, st := range sts {
		if st.Registry != nil {
			return ", " + string(st.Registry.Entry.Kind) + " " + st.Registry.Entry.Ref()
		}
	}
	return ""
}
