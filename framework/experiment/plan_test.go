package experiment_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/experiment/spec"
)

// The same study written with other key order, flow style, spacing and
// comments has the same keys.
func TestKeysIgnoreFormatting(t *testing.T) {
	reformatted := `
# the same study, written differently
flows:
  - {iterations: "0,1,10", where: {T: [0]}, from: test, thermometer: thermo, rbm: [rbm-v16, rbm-l64], name: "flow-{rbm}-T0"}
trainings:
  - {name: thermo, set: {epochs: 100.0}, test: test, data: train, learner: thermometer}
  - name: rbm-v{hidden}
    set: {epochs: 100, hidden: [16, 64, 400]}
    data: train
    learner: rbm
  - {learner: rbm, name: rbm-l64, data: train, set: {epochs: 100, hidden: 64}, where: {T: [0.0]}}
datasets:
  - {name: test, model: ising, params: {T: "0,2.5,6"}, per-point: 20, seed: 2, L: 10}
  - name: train
    seed: 1
    per-point: 50
    params: {T: [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6]}
    model: ising
`
	a, b := keys(plan(t, "a.yaml", study)), keys(plan(t, "b.yaml", reformatted))
	if len(a) != len(b) {
		t.Fatalf("%d steps vs %d", len(a), len(b))
	}
	for id, k := range a {
		if b[id] != k {
			t.Errorf("%s: key %s vs %s", id, k, b[id])
		}
	}
}

// One changed hyper-parameter changes exactly that step's key and its
// dependents' keys.
func TestChangedHyperparameterChangesDependentsOnly(t *testing.T) {
	before := keys(plan(t, "a.yaml", study))
	changed := strings.Replace(study, "    where: {T: 0}\n    set: {hidden: 64, epochs: 100}", "    where: {T: 0}\n    set: {hidden: 64, epochs: 101}", 1)
	if changed == study {
		t.Fatal("the edit did not apply")
	}
	after := keys(plan(t, "a.yaml", changed))
	var diff []string
	for id, k := range before {
		if after[id] != k {
			diff = append(diff, id)
		}
	}
	if got := strings.Join(sortStrings(diff), " "); got != "flow/flow-rbm-l64-T0 training/rbm-l64" {
		t.Errorf("changed keys: %s", got)
	}
	// A default written out is the same training as the default left out.
	explicit := strings.Replace(study, "set: {epochs: 100}", "set: {epochs: 100, lr: 0.1}", 1)
	if keys(plan(t, "a.yaml", explicit))["training/thermo"] != before["training/thermo"] {
		t.Error("writing the default lr changed the thermometer's key")
	}
}

// The key also covers the plugin binary.
func TestKeyCoversPluginDigest(t *testing.T) {
	p := plan(t, "a.yaml", study)
	for _, s := range p.Steps {
		if s.Plugin != "" && !bytes.Contains(s.Canonical, []byte(s.SHA256)) {
			t.Errorf("%s: canonical encoding lacks the plugin digest: %s", s.ID, s.Canonical)
		}
	}
}

func TestPrint(t *testing.T) {
	var buf bytes.Buffer
	if err := plan(t, "a.yaml", study).Print(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 10 || !strings.HasPrefix(lines[0], "#") || !strings.Contains(lines[8], "flow/flow-rbm-v16-T0") ||
		!strings.Contains(lines[8], "dataset/test, training/rbm-v16, training/thermo") {
		t.Errorf("plan:\n%s", buf.String())
	}
	// The report reads every step: one short cell, not a list that widens
	// every row.
	buf.Reset()
	if err := plan(t, "quick.yaml", mustPreset(t, "quick")).Print(&buf); err != nil {
		t.Fatal(err)
	}
	lines = strings.Split(strings.TrimSpace(buf.String()), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "report/report") || !strings.Contains(last, "every other step (") || len(lines[0]) > 200 {
		t.Errorf("plan:\n%s", buf.String())
	}
}

func sortStrings(v []string) []string {
	for i := range v {
		for j := i + 1; j < len(v); j++ {
			if v[j] < v[i] {
				v[i], v[j] = v[j], v[i]
			}
		}
	}
	return v
}

// A supervised training that names no label learns the data's one label
// of several values (after its selection), whatever its name; of data
// with two such labels it is refused, naming them, until the spec says.
func TestDefaultLabelFromData(t *testing.T) {
	src := `
datasets:
  - name: grid
    model: blumecapel
    params: {T: [0.4, 0.8], Delta: [0, 1]}
    L: 4
    per-point: 5
trainings:
  - name: thermo
    learner: thermometer
    data: grid
`
	s, err := experiment.Parse("s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, err = experiment.NewPlan(t.Context(), s, catalog(t))
	if err == nil || !strings.Contains(err.Error(), "varies in Delta, T, not in one label: say which with label") {
		t.Fatalf("two varying labels, none named: %v", err)
	}
	for _, c := range []struct{ extra, want string }{{"    where: {Delta: 0}\n", "T"}, {"    where: {T: 0.8}\n", "Delta"}, {"    label: T,Delta\n", "T,Delta"}} {
		p := plan(t, "s.yaml", src+c.extra)
		st, _ := p.Step("training/thermo")
		if got := st.Item.(*spec.Training).Label; got != c.want {
			t.Errorf("%s: learns %q, want %q", strings.TrimSpace(c.extra), got, c.want)
		}
	}
}
