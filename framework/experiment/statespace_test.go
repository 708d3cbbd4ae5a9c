package experiment_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/metrics"
	"github.com/rgml/rgml/framework/sdk/sdktest"
	"github.com/rgml/rgml/registry"
)

// The state space a model declares is recorded with the datasets it
// samples, through a real plugin process, and comes back with the loaded
// (and filtered) dataset that a training sends to its learner.
func TestDatasetCarriesTheModelsStateSpace(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a plugin")
	}
	dir := t.TempDir()
	cmd := sdktest.BuildCommand(filepath.Join(dir, "rgml-plugin-refmodel"), "./internal/rgml-plugin-refmodel")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	h := host.New(host.Config{Dir: dir})
	defer h.Close()
	if _, err := h.WriteLock(); err != nil {
		t.Fatal(err)
	}
	s, err := registry.Open(filepath.Join(t.TempDir(), "reg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	env := &experiment.Env{Host: h, Store: s, Metrics: metrics.New("")}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := experiment.Sample(ctx, env, experiment.SampleSpec{Name: "d", Model: "refmodel",
		Params: []grid.Axis{{Name: "T", Values: []float64{1, 2}}}, L: 4, PerPoint: 2, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	d, _, err := experiment.LoadDataset(s, "d")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.StateSpace, []int8{-1, 1}) {
		t.Errorf("loaded dataset's state space %v, want the model's [-1 1]", d.StateSpace)
	}
	f, err := experiment.FilterDataset(d, []grid.Axis{{Name: "T", Values: []float64{2}}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.StateSpace, []int8{-1, 1}) {
		t.Errorf("filtered dataset's state space %v, want [-1 1]", f.StateSpace)
	}
}
