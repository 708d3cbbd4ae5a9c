package experiment_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/metrics"
	"github.com/rgml/rgml/registry"
)

const spec200 = `
datasets:
  - name: d
    model: ising
    params: {T: "0:6:0.5"}
    per-point: 10
trainings:
  - name: r{hidden}
    learner: rbm
    data: d
    set: {hidden: "1:199:1", epochs: 10}
`

// storeWithResults returns a registry holding a result for every step of
// the plan, under the step's key, as a finished run leaves it.
func storeWithResults(t testing.TB, p *experiment.Plan) *registry.Store {
	t.Helper()
	s, err := registry.Open(filepath.Join(t.TempDir(), "reg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for i, st := range p.Steps {
		file := registry.File{Name: "data.npz", Data: []byte(fmt.Sprint(i))}
		if st.Kind == experiment.KindTraining {
			file.Name = "weights.npz"
		}
		if _, err := s.Put(context.Background(), experiment.RegistryKind(st.Kind), st.Name, []registry.File{file}, registry.Lineage{Key: st.Key}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// Execute of a plan whose results all exist runs nothing (the Env has no
// host: a step that ran would fail) and records every step as skipped.
func TestExecuteSkipsExisting(t *testing.T) {
	p := plan(t, "s.yaml", spec200)
	if len(p.Steps) != 200 {
		t.Fatalf("%d steps", len(p.Steps))
	}
	s := storeWithResults(t, p)
	env := &experiment.Env{Store: s, Metrics: metrics.New("")}
	ex, err := experiment.Execute(context.Background(), env, p, experiment.ExecOptions{Options: experiment.Options{Jobs: 2, Cores: 2}, RunName: "s"})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range ex.Record.Steps {
		if st.Status != registry.StatusSkipped || st.Entry != st.Name+":1" {
			t.Fatalf("step %s: %s %s", st.Name, st.Status, st.Entry)
		}
	}
	m, _ := s.Manifest(ex.Run)
	if len(m.Lineage.Inputs) != 200 {
		t.Errorf("the run names %d step entries", len(m.Lineage.Inputs))
	}
}

// Planning plus the skip check of a 200-step spec whose results all exist
// (parse, validate, plan, find every key, register the run): the figure
// behind "< 1 s" in docs/experiments.md.
func BenchmarkPlanAndSkip200(b *testing.B) {
	p := plan(b, "s.yaml", spec200)
	s := storeWithResults(b, p)
	cat := catalog(b)
	b.ResetTimer()
	for b.Loop() {
		sp, err := experiment.Parse("s.yaml", []byte(spec200))
		if err != nil {
			b.Fatal(err)
		}
		p, err := experiment.NewPlan(context.Background(), sp, cat)
		if err != nil {
			b.Fatal(err)
		}
		env := &experiment.Env{Store: s, Metrics: metrics.New("")}
		if _, err := experiment.Execute(context.Background(), env, p, experiment.ExecOptions{Options: experiment.Options{Jobs: 2, Cores: 2}, RunName: "s"}); err != nil {
			b.Fatal(err)
		}
	}
}

// Flows of one RBM from different selections or data draw different
// streams; the same inputs, the same stream.
func TestFlowSeedDependsOnInputs(t *testing.T) {
	t0 := []grid.Axis{{Name: "T", Values: []float64{0}}}
	t6 := []grid.Axis{{Name: "T", Values: []float64{6}}}
	a := experiment.FlowSeed(1, "sha256:aa", t0)
	if a != experiment.FlowSeed(1, "sha256:aa", t0) {
		t.Fatal("FlowSeed is not a function of its inputs")
	}
	for _, other := range []uint64{experiment.FlowSeed(1, "sha256:aa", t6), experiment.FlowSeed(1, "sha256:bb", t0), experiment.FlowSeed(2, "sha256:aa", t0)} {
		if other == a {
			t.Error("two flows of different inputs share a seed")
		}
	}
}
