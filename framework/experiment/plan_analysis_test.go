package experiment_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/experiment/spec"
)

// analysed is study with its flows' configurations kept, analyses of
// every RBM and flow, and a report.
var analysed = strings.Replace(study, "    iterations: [0, 1, 10]\n", "    iterations: [0, 1, 10]\n    save-configs: true\n", 1) + `analyses:
  - name: spectrum-{model}
    analyzer: spectrum
    model: [rbm-v16, rbm-v64, rbm-l64]
    data: test
  - name: check-{flow}
    analyzer: correlations
    flow: [flow-rbm-v16-T0, flow-rbm-l64-T0]
    data: train
report:
  title: t
`

// Analyses expand like other steps, depend on what they read, get the
// analyzer's defaults (and by_iteration for a flow); the report comes last
// and reads everything; one changed training changes the keys of its
// analyses and of the report, and no other analysis.
func TestPlanAnalyses(t *testing.T) {
	p := plan(t, "a.yaml", analysed)
	sp, ok := p.Step("analysis/spectrum-rbm-v64")
	if !ok || !slices.Equal(sp.Deps, []string{"dataset/test", "training/rbm-v64"}) || sp.Item.(*spec.Analysis).Set["reference_T"] != 6 {
		t.Fatalf("spectrum-rbm-v64: %+v", sp)
	}
	ck, ok := p.Step("analysis/check-flow-rbm-l64-T0")
	if !ok || !slices.Equal(ck.Deps, []string{"dataset/train", "flow/flow-rbm-l64-T0"}) || ck.Item.(*spec.Analysis).Set[experiment.ParamByIteration] != 1 {
		t.Fatalf("check-flow-rbm-l64-T0: %+v", ck)
	}
	last := p.Steps[len(p.Steps)-1]
	if last.Kind != experiment.KindReport || len(last.Deps) != len(p.Steps)-1 {
		t.Errorf("last step %s reads %d of %d steps", last.ID, len(last.Deps), len(p.Steps)-1)
	}
	before := keys(p)
	after := keys(plan(t, "a.yaml", strings.Replace(analysed, "    set: {hidden: 64, epochs: 100}", "    set: {hidden: 64, epochs: 101}", 1)))
	for id, k := range before {
		changed := after[id] != k
		want := id == "training/rbm-l64" || id == "flow/flow-rbm-l64-T0" || id == "analysis/spectrum-rbm-l64" ||
			id == "analysis/check-flow-rbm-l64-T0" || id == "report/report"
		if changed != want {
			t.Errorf("%s: key changed %v, want %v", id, changed, want)
		}
	}
}

// An analysis binds its inputs by what its analyzer's description asks
// for, never by the analyzer's name: the same description under another
// name plans the same (only the plugin's name and digest in the key
// differ), and the same name with a description that reads no flow is
// refused at the flow, naming what it reads.
func TestAnalysisBindsByDescriptionNotName(t *testing.T) {
	cat := catalog(t)
	s, err := experiment.Parse("s.yaml", []byte(analysed))
	if err != nil {
		t.Fatal(err)
	}
	base, err := experiment.NewPlan(t.Context(), s, cat)
	if err != nil {
		t.Fatal(err)
	}
	renamed := strings.NewReplacer("analyzer: correlations", "analyzer: my-checks", "analyzer: spectrum", "analyzer: my-eigen").Replace(analysed)
	cat.Analyzers["my-checks"] = cat.Analyzers["correlations"]
	cat.Analyzers["my-eigen"] = cat.Analyzers["spectrum"]
	s2, err := experiment.Parse("s.yaml", []byte(renamed))
	if err != nil {
		t.Fatal(err)
	}
	other, err := experiment.NewPlan(t.Context(), s2, cat)
	if err != nil {
		t.Fatalf("the same descriptions under other names: %v", err)
	}
	for _, st := range base.Steps {
		if st.Kind != experiment.KindAnalysis {
			continue
		}
		o, ok := other.Step(st.ID)
		if !ok || !slices.Equal(o.Deps, st.Deps) {
			t.Errorf("%s: reads %v under another name, %v under its own", st.ID, o.Deps, st.Deps)
			continue
		}
		a, b := st.Item.(*spec.Analysis), o.Item.(*spec.Analysis)
		if !maps.Equal(a.Set, b.Set) {
			t.Errorf("%s: parameters %v under another name, %v under its own", st.ID, b.Set, a.Set)
		}
	}
	// The correlations analyzer's name on the spectrum's description: the
	// flow is refused because that description reads no configurations.
	cat.Analyzers["correlations"] = cat.Analyzers["spectrum"]
	s3, err := experiment.Parse("s.yaml", []byte(analysed))
	if err != nil {
		t.Fatal(err)
	}
	_, err = experiment.NewPlan(t.Context(), s3, cat)
	if err == nil || !strings.Contains(err.Error(), "flow: analyzer correlations does not read a flow's configurations (it reads: weights/") {
		t.Fatalf("a description that reads no flow, named correlations: %v", err)
	}
}

// The reference beside a flow goes by the labels the analyzer's
// description reads of it (data/reference/NAME), not by a label the
// framework assumes: an analyzer that reads data/reference/beta is
// refused a dataset labelled T only, naming what it reads and what the
// dataset has.
func TestReferenceLabelFromDescription(t *testing.T) {
	cat := catalog(t)
	d := cat.Analyzers["correlations"]
	d.Desc.Inputs = slices.Clone(d.Desc.Inputs)
	for i, in := range d.Desc.Inputs {
		if in.Name == "data/reference/T" {
			d.Desc.Inputs[i].Name = "data/reference/beta"
		}
	}
	cat.Analyzers["correlations"] = d
	s, err := experiment.Parse("s.yaml", []byte(analysed))
	if err != nil {
		t.Fatal(err)
	}
	_, err = experiment.NewPlan(t.Context(), s, cat)
	if err == nil || !strings.Contains(err.Error(), "reads of a reference (beta)") || !strings.Contains(err.Error(), "it has: T") {
		t.Fatalf("a reference without the label the analyzer reads: %v", err)
	}
}
