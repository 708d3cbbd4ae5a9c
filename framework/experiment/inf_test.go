package experiment_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/sdk"
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
	if d := a.Item.(*spec.Dataset); len(d.Params) != 1 || !math.IsInf(d.Params[0].Values[1], 1) {
		t.Errorf("params %+v", d.Params)
	}
	st, ok := p.Step("training/rbm-inf")
	if !ok || !math.IsInf(st.Item.(*spec.Training).Where[0].Values[0], 1) {
		t.Errorf("where T = inf: %+v", st.Item)
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

// infData is 50 configurations of 1×1 sites, ten at each T ∈ {0, 1, 2, 3, ∞}.
func infData(temps ...float64) sdk.Dataset {
	d := sdk.Dataset{Size: 1, Labels: map[string][]float64{}}
	for _, T := range temps {
		for range 10 {
			d.Configs = append(d.Configs, 1)
			d.Labels["T"] = append(d.Labels["T"], T)
		}
	}
	return d
}

// A selection holding ∞ keeps exactly the configurations at ∞ (and at its
// other values), never everything: the match tolerance of ∞ is not ∞.
func TestWhereInfinitySelectsExactly(t *testing.T) {
	inf := math.Inf(1)
	full := infData(0, 1, 2, 3, inf)
	for _, c := range []struct {
		where string
		want  int
	}{
		{"T=0,inf", 20}, {"T=inf", 10}, {"T=inf,0", 20}, {"T=3", 10}, {"T=0:3:1", 40}, {"T=1,2,3,inf", 40},
	} {
		w, err := experiment.ParseWhere([]string{c.where})
		if err != nil {
			t.Fatal(err)
		}
		got, err := experiment.FilterDataset(full, w)
		if err != nil || got.Len() != c.want {
			t.Errorf("%s: %d configurations, %v; want %d", c.where, got.Len(), err, c.want)
		}
		for i, T := range got.Labels["T"] {
			if !slices.ContainsFunc(w[0].Values, func(v float64) bool { return v == T }) {
				t.Errorf("%s: kept configuration %d at T = %v", c.where, i, T)
			}
		}
	}
	finite := infData(0, 1, 2, 3)
	for _, where := range []string{"T=inf", "T=5"} {
		w, _ := experiment.ParseWhere([]string{where})
		if got, err := experiment.FilterDataset(finite, w); err == nil || !strings.Contains(err.Error(), "selects no configuration") {
			t.Errorf("%s on data without it: %d configurations, %v", where, got.Len(), err)
		}
	}
	if got, err := experiment.FilterDataset(full, mustWhere(t, "T=5")); err == nil {
		t.Errorf("T=5 on data with T = ∞: %d configurations", got.Len())
	}
	for _, bad := range []string{"T=-inf", "T=nan", "T=0,NaN", "T=0,-inf"} {
		if _, err := experiment.ParseWhere([]string{bad}); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

func mustWhere(t *testing.T, s string) []grid.Axis {
	t.Helper()
	w, err := experiment.ParseWhere([]string{s})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// A spec's selections are checked against the labels a dataset will have:
// a value the dataset lacks is refused at plan time even when the dataset
// holds ∞, in trainings, flows and analyses alike; -inf and NaN are refused.
func TestWhereInfinityInSpecs(t *testing.T) {
	const head = `
datasets:
  - {name: ends, model: ising, params: {T: [0, 1, 2, 3, inf]}, L: 4, per-point: 10}
  - {name: cold, model: ising, params: {T: [0, 1, 2, 3]}, L: 4, per-point: 10}
trainings:
  - {name: r, learner: rbm, data: cold, set: {hidden: 4, epochs: 1}}
  - {name: th, learner: thermometer, data: cold, set: {epochs: 1}}
`
	good := []string{
		"trainings: [{name: t, learner: rbm, data: ends, where: {T: [0, inf]}, set: {hidden: 4, epochs: 1}}]",
		"flows: [{name: f, rbm: r, thermometer: th, from: ends, where: {T: inf}, iterations: [0, 2]}]",
	}
	bad := []string{
		"trainings: [{name: t, learner: rbm, data: ends, where: {T: 5}, set: {hidden: 4, epochs: 1}}]",
		"trainings: [{name: t, learner: rbm, data: cold, where: {T: inf}, set: {hidden: 4, epochs: 1}}]",
		"flows: [{name: f, rbm: r, thermometer: th, from: ends, where: {T: 5}, iterations: [0, 2]}]",
		"flows: [{name: f, rbm: r, thermometer: th, from: cold, where: {T: [5, inf]}, iterations: [0, 2]}]",
		"analyses: [{name: a, analyzer: correlations, data: ends, where: {T: 4.5}}]",
	}
	check := func(extra string) error {
		src := head
		// The second trainings/flows list is merged by hand: one key each.
		if strings.HasPrefix(extra, "trainings: [") {
			src = strings.Replace(head, "trainings:\n", "trainings:\n  - "+strings.TrimSuffix(strings.TrimPrefix(extra, "trainings: ["), "]")+"\n", 1)
		} else {
			src += extra + "\n"
		}
		s, err := experiment.Parse("w.yaml", []byte(src))
		if err != nil {
			return err
		}
		_, err = experiment.NewPlan(t.Context(), s, catalog(t))
		return err
	}
	for _, g := range good {
		if err := check(g); err != nil {
			t.Errorf("%s: %v", g, err)
		}
	}
	for _, b := range bad {
		if err := check(b); err == nil || !strings.Contains(err.Error(), "selects no configuration") {
			t.Errorf("%s: %v", b, err)
		}
	}
	for _, b := range []string{
		"trainings: [{name: t, learner: rbm, data: ends, where: {T: -inf}, set: {hidden: 4, epochs: 1}}]",
		"trainings: [{name: t, learner: rbm, data: ends, where: {T: .nan}, set: {hidden: 4, epochs: 1}}]",
		"flows: [{name: f, rbm: r, thermometer: th, from: ends, where: {T: [0, -.inf]}, iterations: [0, 2]}]",
	} {
		if err := check(b); err == nil {
			t.Errorf("%s: accepted", b)
		}
	}
}
