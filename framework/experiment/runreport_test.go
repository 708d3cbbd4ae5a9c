package experiment_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/registry"
)

// putFlow registers a flow whose file holds arrays.
func putFlow(t *testing.T, s *registry.Store, name string, arrays ...npz.Array) registry.Entry {
	t.Helper()
	var b bytes.Buffer
	if err := npz.Encode(&b, arrays...); err != nil {
		t.Fatal(err)
	}
	en, err := s.Put(context.Background(), registry.Flow, name, []registry.File{{Name: experiment.FlowFile, Data: b.Bytes()}}, registry.Lineage{})
	if err != nil {
		t.Fatal(err)
	}
	return en
}

func tempStore(t *testing.T) *registry.Store {
	t.Helper()
	s, err := registry.Open(filepath.Join(t.TempDir(), "reg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestFlowSummary(t *testing.T) {
	s := tempStore(t)
	its := npz.Array{Name: "iterations", Shape: []int{3}, Data: []int64{0, 1, 10}}
	oneArrays, err := formats.Flow{Labels: []string{"T"}, Iterations: []int64{0, 1, 10}, TMean: []float64{0.5, 1, 2.25}, TMode: []float64{0, 1, 2.5},
		Classes: []float64{0, 2.5}, Distribution: []float64{1, 0, 0.5, 0.5, 0, 1}}.Arrays()
	if err != nil {
		t.Fatal(err)
	}
	one := putFlow(t, s, "one", oneArrays...)
	if got, want := experiment.FlowSummary(s, "flow/a", one.Digest), "flow/a: thermometer mode 0 → 2.5, mean 0.50 → 2.25 (iterations 0 → 10)"; got != want {
		t.Errorf("T reading:\n got %q\nwant %q", got, want)
	}
	f := func(name string, v ...float64) npz.Array { return npz.Float64(name, v, 3) }
	joint := putFlow(t, s, "joint", its, f("T_mean", 1, 1, 2), f("T_mode", 1, 1, 2), f("Delta_mean", 0, 0.5, 1), f("Delta_mode", 0, 0.5, 1),
		npz.Float64("classes2", []float64{1, 0, 2, 1}, 2, 2), npz.Float64("distribution", []float64{1, 0, 0.5, 0.5, 0, 1}, 3, 2),
		f("mean_energy", -1.8, -0.9, 0), f("abs_magnetization", 0.9, 0.5, 0.1), f("mean_density", 1, 0.8, 0.6), f("eq_T", 1, 1.5, 2), f("eq_Delta", 0, 0.5, 1))
	want := "flow/b: thermometer mode (T, Δ) (1, 0) → (2, 1), mean (1.00, 0.00) → (2.00, 1.00) (iterations 0 → 10); " +
		"⟨energy⟩, ⟨|magnetization|⟩, ⟨density⟩ -1.80, 0.90, 1.00 → 0.00, 0.10, 0.60, nearest Monte Carlo point (1, 0) → (2, 1)"
	if got := experiment.FlowSummary(s, "flow/b", joint.Digest); got != want {
		t.Errorf("joint reading:\n got %q\nwant %q", got, want)
	}
	// A flow registered before the read-out measured with the model
	// (square-lattice |m|, s2, nn) still reads.
	legacy := putFlow(t, s, "legacy", its, f("T_mean", 1, 1, 2), f("T_mode", 1, 1, 2), f("Delta_mean", 0, 0.5, 1), f("Delta_mode", 0, 0.5, 1),
		npz.Float64("classes2", []float64{1, 0, 2, 1}, 2, 2), npz.Float64("distribution", []float64{1, 0, 0.5, 0.5, 0, 1}, 3, 2),
		f("abs_m", 0.9, 0.5, 0.1), f("s2", 1, 0.8, 0.6), f("nn", 0.8, 0.4, 0), f("eq_T", 1, 1.5, 2), f("eq_Delta", 0, 0.5, 1))
	want = "flow/c: thermometer mode (T, Δ) (1, 0) → (2, 1), mean (1.00, 0.00) → (2.00, 1.00) (iterations 0 → 10); " +
		"⟨|m|⟩, ⟨s2⟩, ⟨nn⟩ 0.90, 1.00, 0.80 → 0.10, 0.60, 0.00, nearest Monte Carlo point (1, 0) → (2, 1)"
	if got := experiment.FlowSummary(s, "flow/c", legacy.Digest); got != want {
		t.Errorf("legacy joint reading:\n got %q\nwant %q", got, want)
	}
	// A file without a reading, or one whose columns disagree, says nothing.
	short := putFlow(t, s, "short", its, npz.Float64("T_mean", []float64{1, 2}, 2), npz.Float64("T_mode", []float64{1, 2, 3}, 3))
	for _, d := range []string{short.Digest, "sha256:" + strings.Repeat("0", 64)} {
		if got := experiment.FlowSummary(s, "x", d); got != "" {
			t.Errorf("FlowSummary(%s) = %q, want nothing", d, got)
		}
	}
}

func TestRunReportSpec(t *testing.T) {
	s := tempStore(t)
	ctx := context.Background()
	its := npz.Array{Name: "iterations", Shape: []int{1}, Data: []int64{0}}
	kept := putFlow(t, s, "kept", its)
	gone := putFlow(t, s, "gone", its)
	if _, err := s.Remove(registry.Flow, gone.Ref(), false); err != nil {
		t.Fatal(err)
	}
	rec := registry.RunRecord{Format: registry.RunRecordFormat, Spec: "study.yaml", Status: registry.StatusFailed,
		Started: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC), Seconds: 42,
		Steps: []registry.RunStep{
			{Name: "flow/kept", Kind: registry.Flow, Entry: kept.Ref(), Digest: kept.Digest, Status: registry.StatusDone},
			{Name: "flow/failed", Kind: registry.Flow, Status: registry.StatusFailed, Error: "plugin crashed"},
			{Name: "flow/gone", Kind: registry.Flow, Entry: gone.Ref(), Digest: gone.Digest, Status: registry.StatusDone},
			{Name: "report", Kind: experiment.ReportKind, Status: registry.StatusDone},
		}}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	run, err := s.Put(ctx, registry.Run, "study", []registry.File{{Name: registry.RunRecordFile, Data: b}}, registry.Lineage{})
	if err != nil {
		t.Fatal(err)
	}
	spec, got, err := experiment.RunReportSpec(ctx, s, run)
	if err != nil {
		t.Fatal(err)
	}
	if got.Spec != "study.yaml" || len(got.Steps) != 4 {
		t.Errorf("record = %+v", got)
	}
	if spec.Title != "rgml report: study:1" {
		t.Errorf("title %q", spec.Title)
	}
	if want := "Run study:1 (study.yaml, " + run.Digest[:19] + "), status failed, started 2026-01-02 03:04 UTC, 42 s."; len(spec.Intro) != 1 || spec.Intro[0] != want {
		t.Errorf("intro %q, want %q", spec.Intro, want)
	}
	if len(spec.Entries) != 1 || spec.Entries[0].Digest != kept.Digest {
		t.Errorf("entries %v, want only %s", spec.Entries, kept)
	}
	if len(spec.Missing) != 2 || spec.Missing[0] != (experiment.MissingStep{Name: "flow/failed", Kind: "flow", Why: "step failed: plugin crashed"}) ||
		spec.Missing[1].Name != "flow/gone" || !strings.Contains(spec.Missing[1].Why, "its entry "+gone.Ref()+" is not in the registry: removed on ") {
		t.Errorf("missing %+v", spec.Missing)
	}
}
