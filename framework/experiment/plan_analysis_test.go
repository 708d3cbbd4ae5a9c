package experiment_test

import (
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
