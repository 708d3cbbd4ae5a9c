package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/registry"
)

// One identical analysis, one entry: rgml analyze reuses the entry
// `rgml run` made of the same step (the same key), and its own; --out
// still writes the reused analysis; --force runs again; a changed
// parameter runs again, as a new version of the name, and says so.
func TestIdenticalAnalysisReused(t *testing.T) {
	spec := specFile(t, "s.yaml", `datasets:
  - {name: d, model: ising, params: {T: "0,6"}, L: 4, per-point: 10, seed: 1}
trainings:
  - {name: r, learner: rbm, data: d, set: {hidden: 4, epochs: 2}, seed: 3}
analyses:
  - {name: a, analyzer: spectrum, model: r, data: d}
`)
	mustRgml(t, "run", spec)
	analyze := func(more ...string) []string {
		return append([]string{"analyze", "--analyzer", "spectrum", "--models", "r:1", "--data", "d", "--name", "a"}, more...)
	}
	out := filepath.Join(t.TempDir(), "out")
	steps := []struct {
		args []string
		want string
		n    int
	}{
		{analyze(), "reused analysis a:1 (same key); --force to run again", 1},
		{analyze("--out", out), "reused analysis a:1 (same key)", 1},
		{analyze("--force"), "version 2 of a", 2},
		{analyze(), "reused analysis a:1 (same key)", 2},
		{analyze("--set", "reference_T=0"), "version 3 of a", 3},
		{analyze("--set", "reference_T=0"), "reused analysis a:3 (same key)", 3},
		{analyze("--seed", "2"), "version 4 of a", 4},
	}
	for _, st := range steps {
		got := mustRgml(t, st.args...)
		if !strings.Contains(got, st.want) {
			t.Errorf("rgml %s printed %q, want %q", strings.Join(st.args, " "), got, st.want)
		}
		if n := count(t, registry.Analysis); n != st.n {
			t.Errorf("after rgml %s: %d analyses, want %d", strings.Join(st.args, " "), n, st.n)
		}
	}
	for _, f := range []string{"analysis.npz", "figures.json", "wwt.png", "eigenvalues.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("--out of a reused analysis: %v", err)
		}
	}
}
