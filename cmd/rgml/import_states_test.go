package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/registry"
)

// writeConfigs writes an .npz of n configurations of 4×4 sites whose
// values cycle through vals, labelled T.
func writeConfigs(t *testing.T, n int, vals ...int8) string {
	t.Helper()
	c := make([]int8, n*16)
	for i := range c {
		c[i] = vals[i%len(vals)]
	}
	T := make([]float64, n)
	for i := range T {
		T[i] = float64(1 + i%2)
	}
	file := filepath.Join(t.TempDir(), "d.npz")
	if err := npz.WriteFile(file, npz.Int8("configs", c, n, 16), npz.Float64("T", T, n)); err != nil {
		t.Fatal(err)
	}
	return file
}

// An import of any int8 values records its state space: the values
// --states declares, or the values the data take (and says so); an RBM
// trained on it picks its units from it as from a sampled dataset's —
// categorical of q = 5 for a declared {0, …, 4} even where the data take
// only four of them — and is refused units that do not fit, in one line.
func TestImportStateSpace(t *testing.T) {
	q5 := writeConfigs(t, 4, 0, 1, 2, 3) // state 4 never taken
	out := mustRgml(t, "datasets", "import", q5, "--name", "five", "--states", "4,3,2,1,0")
	if !strings.Contains(out, "registered dataset five:1") || !strings.Contains(out, ": 4 configurations of 4×4, labels T, states 0, 1, 2, 3, 4 (imported") {
		t.Errorf("import --states printed %q", out)
	}
	out = mustRgml(t, "datasets", "import", writeConfigs(t, 2, 7, -3, 7), "--name", "odd")
	if !strings.Contains(out, "states -3, 7 (the values configs take; declare others with --states)") {
		t.Errorf("import without --states printed %q", out)
	}
	out = mustRgml(t, "datasets", "import", writeConfigs(t, 2, 1, -1), "--name", "ising", "--states", "-1,1")
	if !strings.Contains(out, "states -1, 1 (imported") {
		t.Errorf("import --states -1,1 printed %q", out)
	}
	mustRgml(t, "train", "--learner", "rbm", "--data", "five", "--set", "hidden=3", "--set", "epochs=1", "--name", "r5")
	s, err := registry.OpenReadOnly(registryDir(t))
	if err != nil {
		t.Fatal(err)
	}
	w := weights(t, s, "r5")
	s.Close()
	if W, _ := npz.Find(w, "W"); !slices.Equal(W.Shape, []int{16, 5, 3}) {
		t.Errorf("RBM on the declared {0, …, 4}: W of shape %v, want [16 5 3]", W.Shape)
	}
	// Units that do not fit the data: one line, exit 2, nothing registered.
	code, _, stderr := rgml(t, "train", "--learner", "rbm", "--data", "five", "--set", "visible=1", "--set", "epochs=1", "--name", "bad")
	if msg := strings.TrimSpace(stderr); code != exitUsage || strings.Contains(msg, "\n") || !strings.Contains(msg, "does not fit the data's state space [0 1 2 3 4]") {
		t.Errorf("visible=1 on q = 5 data: exit %d, %q", code, msg)
	}
	if _, out, _ := rgml(t, "models", "list"); strings.Contains(out, "bad") {
		t.Errorf("a refused training was registered:\n%s", out)
	}
}

// Bad input to an import of any state space: one line, exit 2, and no
// dataset registered.
func TestImportStatesBadInput(t *testing.T) {
	many := make([]int8, 128)
	for i := range many {
		many[i] = int8(i - 64)
	}
	list := make([]string, 128)
	for i := range list {
		list[i] = fmt.Sprint(i - 64)
	}
	for _, tc := range []struct {
		name string
		file string
		args []string
		want string
	}{
		{"value outside --states", writeConfigs(t, 2, 0, 1, 5), []string{"--states", "0,1,2"}, "configs[0][2] = 5 is not in the declared state space [0 1 2]"},
		{"128 distinct values", writeConfigs(t, 8, many...), nil, "configs take 128 distinct values; a state space has at most 127"},
		{"128 declared values", writeConfigs(t, 2, 0, 1), []string{"--states", strings.Join(list, ",")}, "128 values; a state space has at most 127"},
		{"not a number", writeConfigs(t, 2, 0, 1), []string{"--states", "0,x"}, `"x" is not a whole number in -128 … 127`},
		{"empty value", writeConfigs(t, 2, 0, 1), []string{"--states", "0,,1"}, `"" is not a whole number`},
		{"out of int8", writeConfigs(t, 2, 0, 1), []string{"--states", "0,300"}, `"300" is not a whole number in -128 … 127`},
		{"twice", writeConfigs(t, 2, 0, 1), []string{"--states", "0,1,0"}, "the value 0 is listed twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := rgml(t, append([]string{"datasets", "import", tc.file, "--name", "x"}, tc.args...)...)
			msg := strings.TrimSpace(stderr)
			if code != exitUsage || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "rgml: ") || !strings.Contains(msg, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q: want exit 2 and one line with %q", code, stdout, msg, tc.want)
			}
			if _, out, _ := rgml(t, "datasets", "list"); strings.Contains(out, "x:1") || strings.Contains(out, " x ") {
				t.Errorf("a refused import was registered:\n%s", out)
			}
			if _, err := os.Stat(filepath.Join(registryDir(t), "blobs")); err == nil {
				entries, _ := os.ReadDir(filepath.Join(registryDir(t), "blobs"))
				if len(entries) > 0 {
					t.Errorf("a refused import wrote blobs")
				}
			}
		})
	}
}

// Data of one value (every site +1) record the state space [1], on which
// no learner trains: the import says so at once and names --states -1,1;
// the RBM's refusal names it too (one line, exit 2, nothing registered);
// imported again with --states -1,1, it trains on ±1 units.
func TestImportOneValueSaysStates(t *testing.T) {
	up := writeConfigs(t, 4, 1)
	out := mustRgml(t, "datasets", "import", up, "--name", "up")
	if !strings.Contains(out, "states 1 (the values configs take") || !strings.Contains(out, "note: every site of up holds 1") ||
		!strings.Contains(out, "--states -1,1") {
		t.Errorf("import of all +1 printed %q", out)
	}
	code, _, stderr := rgml(t, "train", "--learner", "rbm", "--data", "up", "--set", "hidden=2", "--set", "epochs=1", "--name", "r1")
	if msg := strings.TrimSpace(stderr); code != exitUsage || strings.Contains(msg, "\n") || !strings.Contains(msg, "--states -1,1") {
		t.Errorf("an RBM on the state space [1]: exit %d, %q; want 2 and one line naming --states -1,1", code, msg)
	}
	if n := count(t, registry.Model); n != 0 {
		t.Errorf("%d models registered by a refused training", n)
	}
	mustRgml(t, "datasets", "import", up, "--name", "up2", "--states", "-1,1")
	mustRgml(t, "train", "--learner", "rbm", "--data", "up2", "--set", "hidden=2", "--set", "epochs=1", "--name", "r2")
	s, err := registry.OpenReadOnly(registryDir(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if W, _ := npz.Find(weights(t, s, "r2"), "W"); !slices.Equal(W.Shape, []int{16, 2}) {
		t.Errorf("RBM on the declared ±1: W of shape %v, want [16 2] (±1 units)", W.Shape)
	}
}

// A spec's import: item takes states: as --states does: the dataset
// records the declared state space and an RBM trains on it; a bad value
// is one line naming file:line:column, exit 2, nothing registered.
func TestSpecImportStates(t *testing.T) {
	up := writeConfigs(t, 4, 1)
	spec := specFile(t, "s.yaml", fmt.Sprintf(`datasets:
  - name: up
    import: %s
    states: [-1, 1]
trainings:
  - {name: r, learner: rbm, data: up, set: {hidden: 2, epochs: 1}}
`, up))
	mustRgml(t, "run", spec)
	s, err := registry.OpenReadOnly(registryDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if W, _ := npz.Find(weights(t, s, "r"), "W"); !slices.Equal(W.Shape, []int{16, 2}) {
		t.Errorf("RBM on an import of states [-1, 1]: W of shape %v, want [16 2]", W.Shape)
	}
	s.Close()
	before := count(t, registry.Dataset)
	for _, tc := range []struct{ states, want string }{
		{"[1, 1.5]", "s.yaml:4:17: datasets[0].states[1]: 1.5 is not a whole number in -128 … 127"},
		{"[0, 300]", "s.yaml:4:17: datasets[0].states[1]: 300 is not a whole number"},
		{"[1, 1]", "s.yaml:4:17: datasets[0].states[1]: the value 1 is listed twice"},
		{`"0,x"`, `s.yaml:4:13: datasets[0].states: "x" is not a whole number`},
		{"[]", "s.yaml:4:13: datasets[0].states: empty list"},
		{"[0, 2]", "s.yaml:4:5: states: " + up + ": configs[0][0] = 1 is not in the declared state space [0 2]"},
	} {
		spec := specFile(t, "s.yaml", fmt.Sprintf("datasets:\n  - name: d\n    import: %s\n    states: %s\n", up, tc.states))
		code, stdout, stderr := rgml(t, "run", spec)
		if msg := strings.TrimSpace(stderr); code != exitUsage || strings.Contains(msg, "\n") || !strings.Contains(msg, tc.want) {
			t.Errorf("states: %s: exit %d, %q%q; want 2 and one line with %q", tc.states, code, stdout, msg, tc.want)
		}
	}
	spec = specFile(t, "s.yaml", "datasets:\n  - {name: d, model: ising, params: {T: 1}, L: 4, per-point: 2, states: [-1, 1]}\n")
	if code, _, stderr := rgml(t, "run", spec); code != exitUsage || !strings.Contains(stderr, "s.yaml:2:") ||
		!strings.Contains(stderr, "states is for an imported dataset") {
		t.Errorf("states on a sampled dataset: exit %d, %q", code, stderr)
	}
	if n := count(t, registry.Dataset); n != before {
		t.Errorf("%d datasets after refused specs, want %d", n, before)
	}
}
