package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

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
