package experiment_test

import (
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/experiment/presets"
)

// Every preset parses and validates against the real plugins'
// descriptions, with the steps the paper's study needs.
func TestPresets(t *testing.T) {
	paper := 3 + 1 + 7 + 2 + 2 + 4 + 1 + 2 + 14*3 // datasets, trainings (thermometer, V, H, L, single T, no T_c, controls), flows
	bc := 2 + 1 + 2 + 2 + 2 + 1 + 7*4             // datasets, trainings (thermometer, whole grid, fixed Δ, H/L, control), flows
	want := map[string]int{"quick": 2 + 4 + 6, "paper": paper, "paper-small": paper, "blume-capel-small": bc, "blume-capel": 2 + 1 + 3 + 4 + 2 + 1 + 10*5}
	names := presets.Names()
	if len(names) != len(want) {
		t.Errorf("presets %v", names)
	}
	for _, name := range names {
		b, err := presets.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		p := plan(t, name+".yaml", string(b))
		if len(p.Steps) != want[name] {
			t.Errorf("%s: %d steps, want %d", name, len(p.Steps), want[name])
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
	if st, _ := p.Step("training/quick-h64"); len(st.Training.Where) != 1 || len(st.Training.Where[0].Values) != 5 {
		t.Errorf("type H selection: %+v", st.Training.Where)
	}
	_ = experiment.KindFlow
}

func mustPreset(t *testing.T, name string) string {
	b, err := presets.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
