package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

// A run handed to Slurm is registered as "submitted" and its record never
// changes: what is shown is settled from what its jobs did. A job that
// ended without registering its result failed (or was cancelled), and so
// did the run; jobs still queued or running leave it submitted.
func TestSettleSlurm(t *testing.T) {
	key := func(s string) string { return strings.Repeat(s, 64) }
	record := func() *registry.RunRecord {
		return &registry.RunRecord{Status: registry.StatusSubmitted, Steps: []registry.RunStep{
			{Name: "d", Key: key("a"), Status: registry.StatusDone, Digest: "sha256:x"},
			{Name: "slow", Key: key("b"), Status: registry.StatusSubmitted},
			{Name: "crash", Key: key("c"), Status: registry.StatusSubmitted},
			{Name: "queued", Key: key("d"), Status: registry.StatusSubmitted},
			{Name: "report", Status: registry.StatusNotRun},
		}}
	}
	jobs := map[string]string{key("a"): "10", key("b"): "11", key("c"): "12", key("d"): "13"}
	for _, tc := range []struct {
		name   string
		states map[string]string
		run    string
		steps  []string
	}{
		{"cancelled", map[string]string{"10": "COMPLETED", "11": "CANCELLED", "12": "RUNNING", "13": "PENDING"},
			registry.StatusCancelled, []string{"done", "cancelled", "submitted", "submitted", "not-run"}},
		{"failed beats cancelled", map[string]string{"10": "COMPLETED", "11": "CANCELLED", "12": "COMPLETED", "13": "PENDING"},
			registry.StatusFailed, []string{"done", "cancelled", "failed", "submitted", "not-run"}},
		{"timeout", map[string]string{"11": "RUNNING", "12": "TIMEOUT"},
			registry.StatusFailed, []string{"done", "submitted", "failed", "submitted", "not-run"}},
		{"still working", map[string]string{"11": "RUNNING", "12": "COMPLETING", "13": "PENDING"},
			registry.StatusSubmitted, []string{"done", "submitted", "submitted", "submitted", "not-run"}},
		{"states unknown", nil,
			registry.StatusSubmitted, []string{"done", "submitted", "submitted", "submitted", "not-run"}},
	} {
		r := record()
		settleSlurm(r, jobs, tc.states)
		var steps []string
		for _, st := range r.Steps {
			steps = append(steps, st.Status)
			if (st.Status == registry.StatusFailed || st.Status == registry.StatusCancelled) && !strings.Contains(st.Error, "Slurm job 1") {
				t.Errorf("%s: step %s %s without saying which job: %q", tc.name, st.Name, st.Status, st.Error)
			}
		}
		if r.Status != tc.run || strings.Join(steps, " ") != strings.Join(tc.steps, " ") {
			t.Errorf("%s: run %s, steps %v; want %s, %v", tc.name, r.Status, steps, tc.run, tc.steps)
		}
	}
}

// `runs list` of a submitted run whose jobs have all registered their
// results says done, not submitted (a real registry; the record itself
// still says submitted).
func TestRunsListSubmittedRunDone(t *testing.T) {
	s, err := registry.Open(registryDir(t))
	if err != nil {
		t.Fatal(err)
	}
	key := strings.Repeat("f", 64)
	rec := registry.RunRecord{Format: registry.RunRecordFormat, Status: registry.StatusSubmitted, Steps: []registry.RunStep{
		{Name: "d", Kind: registry.Dataset, Key: key, Status: registry.StatusSubmitted},
	}}
	b, _ := json.Marshal(rec)
	extra := map[string]any{experiment.ExtraExecutor: "slurm", experiment.ExtraSlurmJobs: map[string]any{key: "4242"}}
	if _, err := s.Put(t.Context(), registry.Run, "study", []registry.File{{Name: registry.RunRecordFile, Data: b}}, registry.Lineage{Extra: extra}); err != nil {
		t.Fatal(err)
	}
	before := mustRgml(t, "runs", "list")
	if _, err := s.Put(t.Context(), registry.Dataset, "d", []registry.File{{Name: "data.bin", Data: []byte("d")}}, registry.Lineage{Key: key}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	after := mustRgml(t, "runs", "list")
	if !strings.Contains(before, " submitted ") || !strings.Contains(after, " done ") || strings.Contains(after, "submitted") {
		t.Errorf("runs list before the job registered its result:\n%s\nafter:\n%s", before, after)
	}
}
