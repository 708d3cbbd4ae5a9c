package experiment_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/metrics"
	"github.com/rgml/rgml/framework/sdk/sdktest"
	"github.com/rgml/rgml/registry"
)

// A flow's figure draws the references the model of its data declares,
// recorded with the dataset when it was sampled through a real plugin
// process: the test model's T_x, not its reference at another h nor its
// curve, and no T_c that no model here declares. A model declaring none
// gets no mark; one declaring a malformed reference samples nothing.
func TestFlowFigureDrawsTheModelsReferences(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a plugin")
	}
	dir := t.TempDir()
	for name, declare := range map[string]string{"refmodel": "yes", "bare": "none", "badref": "bad"} {
		cmd := sdktest.BuildCommand(filepath.Join(dir, "rgml-plugin-"+name), "./internal/rgml-plugin-refmodel",
			"-ldflags", "-X main.name="+name+" -X main.declare="+declare)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
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

	marks := func(model string) map[string]float64 {
		t.Helper()
		res, err := experiment.Sample(ctx, env, experiment.SampleSpec{Name: "d-" + model, Model: model,
			Params: []grid.Axis{{Name: "T", Values: []float64{1, 2}}}, L: 4, PerPoint: 2, Seed: 1})
		if err != nil {
			t.Fatalf("sample %s: %v", model, err)
		}
		b, err := formats.EncodeFlow(formats.Flow{Labels: []string{"T"}, Iterations: []int64{0, 1}, TMean: []float64{1.5, 1.75}, TMode: []float64{1, 2},
			Classes: []float64{1, 2}, Distribution: []float64{0.5, 0.5, 0.25, 0.75}})
		if err != nil {
			t.Fatal(err)
		}
		flow, err := s.Put(ctx, registry.Flow, "flow-"+model, []registry.File{{Name: experiment.FlowFile, Data: b}},
			registry.Lineage{Inputs: []registry.Input{{Role: "from", Digest: res.Entry.Digest}}})
		if err != nil {
			t.Fatal(err)
		}
		f, err := experiment.EntryFigure(s, flow, "flow")
		if err != nil {
			t.Fatalf("flow figure of %s: %v", model, err)
		}
		out := map[string]float64{}
		for _, a := range f.Data {
			if strings.HasPrefix(a.Name, "vline ") {
				out[strings.TrimSuffix(strings.TrimPrefix(a.Name, "vline "), ".at")] = a.Data.([]float64)[0]
			}
		}
		return out
	}
	if got := marks("refmodel"); len(got) != 1 || got["T_x"] != 1.5 {
		t.Errorf("refmodel's flow figure marks %v, want only T_x at 1.5", got)
	}
	if got := marks("bare"); len(got) != 0 {
		t.Errorf("a model declaring no reference got marks %v", got)
	}
	_, err = experiment.Sample(ctx, env, experiment.SampleSpec{Name: "d-badref", Model: "badref",
		Params: []grid.Axis{{Name: "T", Values: []float64{1}}}, L: 4, PerPoint: 2, Seed: 1})
	if err == nil || !strings.Contains(err.Error(), "is not finite") {
		t.Errorf("a model with a malformed reference sampled: %v", err)
	}
	if _, err := s.Resolve(registry.Dataset, "d-badref"); err == nil {
		t.Errorf("a dataset of a model with a malformed reference was registered")
	}
}
