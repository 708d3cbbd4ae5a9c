package experiment_test

import (
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
		experiment.SettleSlurm(r, jobs, tc.states)
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
