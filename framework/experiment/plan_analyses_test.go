package experiment_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/experiment/spec"
)

// pooled is analysed with an analysis of analyses: the equilibrium check
// of the training set and two flows' checks read together.
var pooled = strings.Replace(analysed, "report:\n", `  - name: eq-train
    analyzer: correlations
    data: train
  - name: pooled
    analyzer: fixedpoint
    analyses: [eq-train, check-flow-rbm-v16-T0, check-flow-rbm-l64-T0]
report:
`, 1)

// An analysis of analyses is one step (its list is not expanded) that
// depends on the analyses it reads, in their order, and is keyed by them:
// a changed training changes the key of the flow check it reaches and of
// the pooled analysis, and not of the equilibrium check.
func TestPlanAnalysisOfAnalyses(t *testing.T) {
	p := plan(t, "a.yaml", pooled)
	st, ok := p.Step("analysis/pooled")
	if !ok {
		t.Fatal("no step analysis/pooled")
	}
	want := []string{"analysis/check-flow-rbm-l64-T0", "analysis/check-flow-rbm-v16-T0", "analysis/eq-train"}
	if got := slices.Sorted(slices.Values(st.Deps)); !slices.Equal(got, want) {
		t.Errorf("pooled reads %v, want %v", got, want)
	}
	if a := st.Item.(*spec.Analysis); !slices.Equal(a.Analyses, []string{"eq-train", "check-flow-rbm-v16-T0", "check-flow-rbm-l64-T0"}) || a.Set["fixed_hidden"] != 16 {
		t.Errorf("pooled: analyses %v, set %v", a.Analyses, a.Set)
	}
	before := keys(p)
	after := keys(plan(t, "a.yaml", strings.Replace(pooled, "    set: {hidden: 64, epochs: 100}", "    set: {hidden: 64, epochs: 101}", 1)))
	for _, id := range []string{"analysis/pooled", "analysis/check-flow-rbm-l64-T0"} {
		if before[id] == after[id] {
			t.Errorf("%s: key unchanged by a changed training it reads through its inputs", id)
		}
	}
	if before["analysis/eq-train"] != after["analysis/eq-train"] {
		t.Error("eq-train: key changed by a training it does not read")
	}
	swapped := strings.Replace(pooled, "[eq-train, check-flow-rbm-v16-T0, check-flow-rbm-l64-T0]", "[check-flow-rbm-v16-T0, eq-train, check-flow-rbm-l64-T0]", 1)
	if keys(plan(t, "a.yaml", swapped))["analysis/pooled"] == before["analysis/pooled"] {
		t.Error("pooled: key unchanged when its inputs are reordered (the analyzer sees them by position)")
	}
}

// What an analysis of analyses cannot be, each one line at the field.
func TestAnalysisOfAnalysesRefused(t *testing.T) {
	for name, c := range map[string]struct{ from, to, msg string }{
		"analyzer reads no analyses": {"analyzer: fixedpoint", "analyzer: spectrum", "analyses: analyzer spectrum does not read earlier analyses"},
		"unknown analysis":           {"analyses: [eq-train,", "analyses: [no-such,", `no analysis named "no-such"`},
		"listed twice":               {"check-flow-rbm-l64-T0]", "eq-train]", "analysis eq-train is listed twice"},
		"beside a flow":              {"    analyses: [", "    flow: flow-rbm-v16-T0\n    analyses: [", "reads them alone"},
		"read before it is planned":  {"  - name: eq-train\n", "  - name: late\n    analyzer: fixedpoint\n    analyses: [eq-train]\n  - name: eq-train\n", `no analysis named "eq-train"`},
	} {
		src := strings.Replace(pooled, c.from, c.to, 1)
		if src == pooled {
			t.Fatalf("%s: the replacement did not apply", name)
		}
		s, err := experiment.Parse("a.yaml", []byte(src))
		if err == nil {
			_, err = experiment.NewPlan(t.Context(), s, catalog(t))
		}
		if err == nil || !strings.Contains(err.Error(), c.msg) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v; want one line saying %q", name, err, c.msg)
		}
	}
}
