package experiment_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/npz"
)

// allKinds is a study with a step of every kind, a sampled and an
// imported dataset among them; allKindsReformatted is the same study
// with other key order, flow style, spacing, comments and numbers.
const allKinds = `datasets:
  - name: train
    model: ising
    L: 3
    params: {T: [1, 2, 3]}
    per-point: 4
    seed: 1
  - name: mc
    import: mc.npz
trainings:
  - name: rbm
    learner: rbm
    data: train
    set: {hidden: 4, epochs: 2}
  - name: thermo
    learner: thermometer
    data: train
    test: mc
    set: {epochs: 2}
flows:
  - name: f
    rbm: rbm
    thermometer: thermo
    from: mc
    iterations: [0, 1]
    save-configs: true
analyses:
  - name: a
    analyzer: correlations
    flow: f
    data: train
report:
  title: t
`

const allKindsReformatted = `# the same study, written differently
report: {title: t}
analyses: [{data: train, flow: f, analyzer: correlations, name: a}]
flows:
  - {save-configs: true, iterations: "0,1", from: mc,   thermometer: thermo, rbm: rbm, name: f}
trainings:
  - {set: {epochs: 2.0, hidden: 4}, data: train, learner: rbm, name: rbm}   # same hyper-parameters
  - name: thermo
    set:
      epochs: 2
    test: mc
    data: train
    learner: thermometer
datasets:
  - {import: mc.npz, name: mc}
  - seed: 1
    per-point: 4
    params:
      T: [1.0, 2, 3]
    L: 3
    model: ising
    name: train
`

func allKindsPlans(t *testing.T) (plan func(src string) map[string]string) {
	t.Helper()
	dir := t.TempDir()
	c := make([]int8, 3*9)
	for i := range c {
		c[i] = int8(1 - 2*(i%2))
	}
	if err := npz.WriteFile(filepath.Join(dir, "mc.npz"), npz.Int8("configs", c, 3, 9), npz.Float64("T", []float64{1, 2, 3}, 3)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "s.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return func(src string) map[string]string {
		t.Helper()
		s, err := experiment.Parse(filepath.Join(dir, "s.yaml"), []byte(src))
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		p, err := experiment.NewPlan(t.Context(), s, catalog(t))
		if err != nil {
			t.Fatalf("NewPlan: %v", err)
		}
		return keys(p)
	}
}

// Every step kind's key follows its code version, and only its own: a
// change of the host code of one kind redoes the steps of that kind and
// those that read them; reformatting the spec changes no key.
func TestKeysFollowCodeVersions(t *testing.T) {
	plan := allKindsPlans(t)
	base := plan(allKinds)
	kinds := map[string]bool{}
	for id := range base {
		kinds[strings.SplitN(id, "/", 2)[0]] = true
	}
	if len(kinds) != len(experiment.Kinds) {
		t.Fatalf("the study has steps of kinds %v, want every one of %v", kinds, experiment.Kinds)
	}
	re := plan(allKindsReformatted)
	for id, k := range base {
		if re[id] != k {
			t.Errorf("reformatted: %s: key %.12s… vs %.12s…", id, k, re[id])
		}
	}
	for _, kind := range experiment.Kinds {
		restore := experiment.SetCodeVersion(kind, 1000)
		bumped := plan(allKinds)
		bumpedRe := plan(allKindsReformatted)
		restore()
		for id, k := range base {
			own := strings.HasPrefix(id, string(kind)+"/")
			if own && bumped[id] == k {
				t.Errorf("%s version bumped: %s kept its key", kind, id)
			}
			if bumpedRe[id] != bumped[id] {
				t.Errorf("%s version bumped, reformatted: %s: key %.12s… vs %.12s…", kind, id, bumped[id], bumpedRe[id])
			}
		}
		// A kind nothing reads (the report) changes only itself; the others
		// change themselves and, through their keys, their readers only.
		if kind == experiment.KindReport {
			for id, k := range base {
				if id != "report/report" && bumped[id] != k {
					t.Errorf("report version bumped: %s changed its key", id)
				}
			}
		}
	}
}
