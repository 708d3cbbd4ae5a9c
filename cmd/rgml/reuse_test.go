package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/registry"
)

// count is the number of versions of kind the test's registry holds.
func count(t *testing.T, kind registry.Kind) int {
	t.Helper()
	s, err := registry.Open(registryDir(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all, err := s.List(kind, "")
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

// One identical step, one entry: rgml sample, train and flow reuse the
// entries `rgml run` made of the same steps (the same key), and their
// own; --force runs again; a changed parameter runs again, as a new
// version of the name, and says so.
func TestIdenticalStepReused(t *testing.T) {
	spec := filepath.Join(t.TempDir(), "s.yaml")
	err := os.WriteFile(spec, []byte(`datasets:
  - {name: d, model: ising, params: {T: "1,3"}, L: 4, per-point: 20, seed: 1}
trainings:
  - {name: r, learner: rbm, data: d, set: {hidden: 4, epochs: 2}, seed: 3}
  - {name: th, learner: thermometer, data: d, set: {epochs: 2}}
flows:
  - {name: f, rbm: r, thermometer: th, from: d, iterations: [0, 1], seed: 5}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	mustRgml(t, "run", spec)
	sample := func(more ...string) []string {
		return append([]string{"sample", "--model", "ising", "--param", "T=1,3", "--L", "4", "--per-point", "20", "--name", "d"}, more...)
	}
	train := func(more ...string) []string {
		return append([]string{"train", "--learner", "rbm", "--data", "d:1", "--set", "epochs=2", "--seed", "3", "--name", "r"}, more...)
	}
	flow := func(more ...string) []string {
		return append([]string{"flow", "--rbm", "r:1", "--thermometer", "th", "--from", "d:1", "--iterations", "0,1", "--name", "f"}, more...)
	}
	steps := []struct {
		args []string
		kind registry.Kind
		want string
		n    int
	}{
		{sample("--seed", "1"), registry.Dataset, "reused dataset d:1 (same key); --force to run again", 1},
		{train("--set", "hidden=4"), registry.Model, "reused model r:1 (same key); --force to run again", 2},
		{flow("--seed", "5"), registry.Flow, "reused flow f:1 (same key); --force to run again", 1},
		{flow("--seed", "6"), registry.Flow, "version 2 of f", 2},
		{sample("--seed", "1", "--force"), registry.Dataset, "version 2 of d", 2},
		{train("--set", "hidden=4", "--force"), registry.Model, "version 2 of r", 3},
		{sample("--seed", "1"), registry.Dataset, "reused dataset d:1 (same key)", 2},
		{sample("--seed", "2"), registry.Dataset, "version 3 of d", 3},
		{sample("--seed", "2"), registry.Dataset, "reused dataset d:3 (same key)", 3},
		{train("--set", "hidden=8"), registry.Model, "version 3 of r", 4},
		{train("--set", "hidden=8"), registry.Model, "reused model r:3 (same key)", 4},
	}
	for _, st := range steps {
		out := mustRgml(t, st.args...)
		if !strings.Contains(out, st.want) {
			t.Errorf("rgml %s printed %q, want %q", strings.Join(st.args, " "), out, st.want)
		}
		if n := count(t, st.kind); n != st.n {
			t.Errorf("after rgml %s: %d %ss, want %d", strings.Join(st.args, " "), n, st.kind, st.n)
		}
	}
}
