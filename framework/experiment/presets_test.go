package experiment_test

import (
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/experiment/presets"
	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/sdk"
)

// Every preset parses and validates against the real plugins'
// descriptions, with the steps the paper's study needs.
func TestPresets(t *testing.T) {
	// datasets, trainings (thermometer, V, H, L, single T, no T_c,
	// controls), flows, spectrum analyses of the RBMs, checks of the
	// flows, the report
	paper := 3 + 1 + 7 + 2 + 2 + 4 + 1 + 2 + 14*3 + 2 + 18 + 14*3 + 1
	bc := 2 + 1 + 2 + 2 + 2 + 1 + 7*4 + 1 // datasets, trainings (thermometer, whole grid, fixed Δ, H/L, control), flows, the report
	want := map[string]int{"quick": 2 + 4 + 6 + 3 + 6 + 1, "paper": paper, "paper-small": paper, "paper-seeds": 3*(paper-1) + 1, "blume-capel-small": bc, "blume-capel": 2 + 1 + 3 + 4 + 2 + 1 + 10*5 + 1,
		// datasets, trainings (thermometer, type V, L, H, control), flows from both ends, spectra, the report
		"potts-small": 2 + 1 + 2 + 1 + 1 + 1 + 5*2 + 2 + 3 + 1, "potts": 2 + 1 + 3 + 1 + 1 + 1 + 6*2 + 5 + 12 + 1,
		// per L: train and test sets (and in the full presets equilibrium
		// data), a thermometer and two type V RBMs, two flows from each end
		// and their checks, an equilibrium analysis; the fixedpoint analysis,
		// the report
		"ising-3d-small": 2*(2+3+4+4+1) + 1 + 1, "ising-3d": 3*(3+3+4+4+1) + 1 + 1,
		// and per L two more seeds of its two RBMs, their flows and checks
		"ising-3d-seeds": 3*(3+3+4+4+1) + 1 + 3*(4+8+8) + 1,
		// per L: a dataset, a thermometer, RBMs (networks × seeds), flows
		// from both ends, an equilibrium check and the flows' checks; the
		// fixedpoint analysis of them all, the report
		"finite-size-small": 3*(1+1+2*2+2*2*2+1+2*2*2) + 1 + 1, "finite-size": 5*(1+1+1+3*3+3*3*2+1+3*3*2) + 1 + 1}
	names := presets.Names()
	if len(names) != len(want) {
		t.Errorf("presets %v", names)
	}
	for _, name := range names {
		b, err := presets.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		p := planWith(t, name+".yaml", string(b), withPotts(t))
		if len(p.Steps) != want[name] {
			t.Errorf("%s: %d steps, want %d", name, len(p.Steps), want[name])
		}
		if r, ok := p.Step("report/report"); !ok || len(r.Deps) != len(p.Steps)-1 || p.Steps[len(p.Steps)-1] != r {
			t.Errorf("%s: the report is not the last step reading all the others", name)
		}
		if strings.HasPrefix(name, "blume-capel") || strings.HasPrefix(name, "potts") {
			// Blume-Capel flows carry their thermometer-free readings in
			// flow.npz (twoparam.go); the correlations analyzer reads ±1
			// configurations only, so the Potts flows have no check yet.
			continue
		}
		// Every flow keeps its configurations and has its thermometer-free
		// check; the report, last, reads every other step.
		for _, st := range p.Steps {
			if st.Kind != experiment.KindFlow || len(st.Item.(*spec.Flow).Iterations) == 1 && st.Item.(*spec.Flow).Iterations[0] == 0 {
				continue // a reading of unflowed configurations (Fig. 5) has nothing to check
			}
			check, ok := p.Step("analysis/check-" + st.Name)
			if !st.Item.(*spec.Flow).SaveConfigs || !ok || check.Item.(*spec.Analysis).Analyzer != "correlations" {
				t.Errorf("%s: %s keeps configurations %v, check %v", name, st.ID, st.Item.(*spec.Flow).SaveConfigs, ok)
			}
		}
	}
	if _, err := presets.Get("../quick"); err == nil {
		t.Error("Get accepted a path")
	}
	p := plan(t, "quick.yaml", mustPreset(t, "quick"))
	for _, id := range []string{"flow/flow-quick-v16-T0", "flow/flow-quick-v16-T6", "flow/flow-quick-l64-T0", "flow/flow-quick-h64-T6"} {
		if _, ok := p.Step(id); !ok {
			t.Errorf("quick has no %s", id)
		}
	}
	if st, _ := p.Step("training/quick-h64"); len(st.Item.(*spec.Training).Where) != 1 || len(st.Item.(*spec.Training).Where[0].Values) != 5 {
		t.Errorf("type H selection: %+v", st.Item.(*spec.Training).Where)
	}
}

// withPotts is the catalog with the q = 3 Potts model as its Python
// plugin (plugins/potts, not built here) describes itself, as far as
// planning reads it: its parameter, states and dimension.
func withPotts(t *testing.T) experiment.Descriptions {
	cat := catalog(t)
	cat.Models["potts"] = experiment.ModelPlugin{SHA256: "potts-sha", Desc: sdk.ModelDescription{
		Info:       sdk.Info{Name: "potts", Version: "1.0.0"},
		Parameters: []sdk.ParamSpec{{Name: "T", Kind: sdk.Float, Default: 1, HasMin: true}},
		StateSpace: []int8{0, 1, 2}, Dimension: 2, MinSize: 2,
		Algorithms: []sdk.Algorithm{{Name: "heatbath"}}, DefaultAlgorithm: "heatbath",
	}}
	return cat
}

func mustPreset(t *testing.T, name string) string {
	b, err := presets.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
