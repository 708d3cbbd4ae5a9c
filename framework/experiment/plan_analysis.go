package experiment

import (
	"context"
	"slices"
	"strings"

	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/sdk"
)

type flowInfo struct {
	step *Step
	L    int
	save bool // keeps its configurations
}

// planAnalyses adds the analysis steps, checked against their analyzers'
// descriptions the way Analyze maps its inputs, and the report step,
// which reads every other step.
func (p *Plan) planAnalyses(ctx context.Context, cat Catalog, datasets map[string]*datasetInfo, trainings map[string]*trainingInfo,
	flows map[string]*flowInfo, dup func(Kind, string, Pos) error) error {
	s := p.Spec
	if len(s.Analyses) > 0 {
		ac, ok := cat.(AnalyzerCatalog)
		if !ok {
			return errAt(s.Analyses[0].Pos("analyzer"), "analyzer", "this catalog cannot describe analyzers")
		}
		for i := range s.Analyses {
			a := &s.Analyses[i]
			if err := dup(KindAnalysis, a.Name, a.Pos("name")); err != nil {
				return err
			}
			st, err := planAnalysis(ctx, a, ac, datasets, trainings, flows)
			if err != nil {
				return err
			}
			p.add(st)
		}
	}
	if r := s.Report; r != nil {
		if _, ok := LookupJudge(r.Judge); r.Judge != "" && !ok {
			return errAt(r.Pos("judge"), "judge", "%s", unknownJudge(r.Judge))
		}
		st := &Step{ID: "report/report", Kind: KindReport, Name: "report", Report: r}
		inputs := map[string]*Step{}
		for _, dep := range p.Steps {
			inputs[dep.ID] = dep
		}
		st.setKey(map[string]any{"title": r.Title, "out": r.Out}, inputs)
		p.add(st)
	}
	return nil
}

func planAnalysis(ctx context.Context, a *spec.Analysis, cat AnalyzerCatalog, datasets map[string]*datasetInfo,
	trainings map[string]*trainingInfo, flows map[string]*flowInfo) (*Step, error) {
	st := &Step{ID: "analysis/" + a.Name, Kind: KindAnalysis, Name: a.Name, Analysis: a, Plugin: a.Analyzer}
	desc, sha, err := cat.Analyzer(ctx, a.Analyzer)
	if err != nil {
		return nil, catalogErr(err, a.Pos("analyzer"), "analyzer")
	}
	st.SHA256 = sha
	reads := func(name string) bool { _, ok := desc.Input(name); return ok }
	known := map[string]sdk.ParamSpec{}
	for _, ps := range desc.Parameters {
		known[ps.Name] = ps
	}
	for _, name := range a.Set.Names() {
		ps, ok := known[name]
		if !ok {
			return nil, errAt(a.Pos("set."+name), "set."+name, "analyzer %s has no parameter %q (known: %s)", a.Analyzer, name, strings.Join(sortedKeys(known), ", "))
		}
		if err := ps.Check(a.Set[name]); err != nil {
			return nil, errAt(a.Pos("set."+name), "set."+name, "%v", sdkMsg(err))
		}
	}
	set := sdk.Params{}
	for k, v := range a.Set {
		set[k] = v
	}
	inputs := map[string]*Step{}
	L := 0
	lattice := func(field, name string, l int) error {
		if L != 0 && l != L {
			return errAt(a.Pos(field), field, "%s is %d×%d, the analysis's other inputs %d×%d", name, l, l, L, L)
		}
		L = l
		return nil
	}
	if a.Flow != "" {
		f, ok := flows[a.Flow]
		if !ok {
			return nil, errAt(a.Pos("flow"), "flow", "no flow named %q in this spec (have: %s)", a.Flow, strings.Join(sortedKeys(flows), ", "))
		}
		if !reads("data/configs") || !reads("data/group") {
			return nil, errAt(a.Pos("flow"), "flow", "analyzer %s does not read a flow's configurations (it reads: %s)", a.Analyzer, inputList(desc))
		}
		if !f.save {
			return nil, errAt(a.Pos("flow"), "flow", "flow %s does not keep its configurations: add save-configs: true to it", a.Flow)
		}
		if err := lattice("flow", a.Flow, f.L); err != nil {
			return nil, err
		}
		if _, given := a.Set[ParamByIteration]; !given {
			if _, has := known[ParamByIteration]; has {
				set[ParamByIteration] = 1
			}
		}
		inputs["flow"] = f.step
	}
	if a.Data != "" {
		d, ok := datasets[a.Data]
		if !ok {
			return nil, errAt(a.Pos("data"), "data", "no dataset named %q in this spec (have: %s)", a.Data, strings.Join(sortedKeys(datasets), ", "))
		}
		if err := checkWhere(a.Where, d, a.Pos, a.Data); err != nil {
			return nil, err
		}
		switch {
		case a.Flow != "" && (!reads("data/reference/configs") || !reads("data/reference/T")):
			return nil, errAt(a.Pos("data"), "data", "analyzer %s takes no equilibrium reference beside a flow (it reads: %s)", a.Analyzer, inputList(desc))
		case a.Flow == "" && !reads("data/configs"):
			return nil, errAt(a.Pos("data"), "data", "analyzer %s reads no configurations (it reads: %s)", a.Analyzer, inputList(desc))
		}
		if d.labels != nil && a.Flow != "" {
			if _, ok := d.labels["T"]; !ok {
				return nil, errAt(a.Pos("data"), "data", "dataset %s has no label T: a reference needs each configuration's temperature", a.Data)
			}
		}
		if err := lattice("data", a.Data, d.L); err != nil {
			return nil, err
		}
		inputs["data"] = d.step
	} else if len(a.Where) > 0 {
		return nil, errAt(a.Pos("where"), "where", "a selection needs data")
	}
	if a.Model != "" {
		t, ok := trainings[a.Model]
		if !ok {
			return nil, errAt(a.Pos("model"), "model", "no training named %q in this spec (have: %s)", a.Model, strings.Join(sortedKeys(trainings), ", "))
		}
		if !slices.ContainsFunc(desc.Inputs, func(in sdk.AnalyzerInput) bool { return strings.HasPrefix(in.Name, "weights/") }) {
			return nil, errAt(a.Pos("model"), "model", "analyzer %s reads no weights (it reads: %s)", a.Analyzer, inputList(desc))
		}
		if len(desc.Learners) > 0 && !slices.Contains(desc.Learners, t.desc.Name) {
			return nil, errAt(a.Pos("model"), "model", "analyzer %s reads the weights of %s, and %s is a %s", a.Analyzer, strings.Join(desc.Learners, ", "), a.Model, t.desc.Name)
		}
		if err := lattice("model", a.Model, t.L); err != nil {
			return nil, err
		}
		inputs["model"] = t.step
	}
	for _, in := range desc.Inputs {
		if !in.Required {
			continue
		}
		switch {
		case strings.HasPrefix(in.Name, "weights/") && a.Model == "":
			return nil, errAt(a.Pos(""), "model", "analyzer %s needs %s: give a model", a.Analyzer, in.Name)
		case strings.HasPrefix(in.Name, "data/") && a.Data == "" && a.Flow == "":
			return nil, errAt(a.Pos(""), "data", "analyzer %s needs %s: give data or a flow", a.Analyzer, in.Name)
		}
	}
	resolved, err := sdk.ResolveParams(desc.Parameters, set)
	if err != nil {
		return nil, errAt(a.Pos("set"), "set", "%v", sdkMsg(err))
	}
	a.Set = resolved
	st.setKey(map[string]any{"analyzer": a.Analyzer, "params": map[string]float64(resolved), "seed": a.Seed, "where": whereKey(a.Where)}, inputs)
	return st, nil
}
