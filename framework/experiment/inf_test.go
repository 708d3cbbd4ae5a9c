package experiment_test

import (
	"math"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
)

// T = inf (independent random spins) is a temperature a spec can sample
// and select, written inf, "0,inf" or YAML's .inf; the step keys encode it.
func TestInfiniteTemperatureSpec(t *testing.T) {
	const src = `
datasets:
  - {name: ends, model: ising, params: {T: [0, inf]}, L: 4, per-point: 10}
  - {name: ends2, model: ising, params: {T: "0,inf"}, L: 4, per-point: 10}
  - {name: hot, model: ising, params: {T: .inf}, L: 4, per-point: 10}
trainings:
  - {name: rbm-0-inf, learner: rbm, data: ends, where: {T: [0, inf]}, set: {hidden: 4, epochs: 1}}
  - {name: rbm-inf, learner: rbm, data: ends, where: {T: inf}, set: {hidden: 4, epochs: 1}}
`
	p := plan(t, "inf.yaml", src)
	a, _ := p.Step("dataset/ends")
	b, _ := p.Step("dataset/ends2")
	if strings.Replace(string(b.Canonical), `"ends2"`, `"ends"`, 1) != string(a.Canonical) || !strings.Contains(string(a.Canonical), `{"T":"inf"}`) {
		t.Errorf("canonical forms\n%s\n%s", a.Canonical, b.Canonical)
	}
	if d := a.Dataset; len(d.Params) != 1 || !math.IsInf(d.Params[0].Values[1], 1) {
		t.Errorf("params %+v", d.Params)
	}
	st, ok := p.Step("training/rbm-inf")
	if !ok || !math.IsInf(st.Training.Where[0].Values[0], 1) {
		t.Errorf("where T = inf: %+v", st.Training)
	}
	// Other parameters stay finite: inf is refused where the plugin does
	// not allow it, with a message naming the field.
	for _, bad := range []string{
		"datasets: [{name: d, model: ising, params: {T: -inf}}]",
		"datasets: [{name: d, model: ising, L: inf}]",
		"datasets: [{name: d, model: ising, params: {T: 1}}]\ntrainings: [{name: r, learner: rbm, data: d, set: {lr: inf}}]",
	} {
		s, err := experiment.Parse("bad.yaml", []byte(bad))
		if err == nil {
			_, err = experiment.NewPlan(t.Context(), s, catalog(t))
		}
		if err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}
