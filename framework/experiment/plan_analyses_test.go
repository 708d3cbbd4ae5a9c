package experiment_test

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/registry"
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

// An analysis of analyses reads each result once, a result being what
// its step key names: two names of one result (an unpinned name and its
// latest version, a step of the spec and the registered entry it would
// reuse) are refused in one line, and two results of one name (versions
// of two specs' analysis x) are two inputs, not one.
func TestAnalysesOfOneNameOrOneResult(t *testing.T) {
	s, err := registry.Open(filepath.Join(t.TempDir(), "reg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	eqKey := keys(plan(t, "a.yaml", pooled))["analysis/eq-train"]
	put := func(name, key string) {
		t.Helper()
		if _, err := s.Put(t.Context(), registry.Analysis, name, []registry.File{{Name: "analysis.npz", Data: []byte(name + key)}},
			registry.Lineage{Plugin: &registry.PluginRef{Name: "correlations", Version: "1", SHA256: "c-sha"}, Key: key}); err != nil {
			t.Fatal(err)
		}
	}
	k1, k2 := strings.Repeat("1", 64), strings.Repeat("2", 64)
	put("x", k1) // x:1, one spec's
	put("x", k2) // x:2, another spec's
	put("eq-train", eqKey)
	reading := func(list string) string {
		return strings.Replace(pooled, "[eq-train, check-flow-rbm-v16-T0, check-flow-rbm-l64-T0]", list, 1)
	}
	p, err := planIn(t, s, reading(`["registry:x:1", "registry:x:2"]`))
	if err != nil {
		t.Fatalf("x:1 and x:2, two results of one name: %v", err)
	}
	st, _ := p.Step("analysis/pooled")
	if !slices.Equal(st.Reads, []string{"analysis/registry:x:1", "analysis/registry:x:2"}) ||
		!strings.Contains(string(st.Canonical), k1) || !strings.Contains(string(st.Canonical), k2) {
		t.Errorf("x:1 and x:2: reads %v, key document %s", st.Reads, st.Canonical)
	}
	for list, want := range map[string]string{
		`["registry:x", "registry:x:2"]`:   `analyses: registry:x and registry:x:2 are the same result, analysis x:2 (step key 222222222222): list it once`,
		`[eq-train, "registry:eq-train"]`:  `analyses: eq-train and registry:eq-train are the same result, analysis eq-train:1 (step key ` + eqKey[:12] + `): list it once`,
		`["registry:x:2", "registry:x:2"]`: `analyses: analysis registry:x:2 is listed twice`,
	} {
		_, err := planIn(t, s, reading(list))
		if err == nil || !strings.HasSuffix(err.Error(), want) || strings.Contains(err.Error(), "\n") || !errors.Is(err, experiment.ErrUsage) {
			t.Errorf("%s: %v; want one usage line ending %q", list, err, want)
		}
	}
}
