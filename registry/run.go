package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// RunRecordFile is the file of a Run entry that holds its RunRecord.
const RunRecordFile = "run.json"

// RunRecordFormat is the "format" field of every run.json.
const RunRecordFormat = "rgml.run/1"

// Statuses of a run and of its steps.
const (
	StatusDone    = "done"    // the step ran and its result was registered
	StatusSkipped = "skipped" // the step's result already existed (same key)
	StatusFailed  = "failed"  // the step (or, for a run, some step) failed
	StatusNotRun  = "not-run" // not started: a step it depends on failed, or the run was stopped
	// StatusSubmitted: handed to a batch system; the registry has its
	// result (found by the step's key) once its job has finished.
	StatusSubmitted = "submitted"
	// StatusCancelled: its batch job was cancelled before the step
	// registered its result (or, for a run, some step's was).
	StatusCancelled = "cancelled"
)

// RunRecord is what the experiment engine writes as RunRecordFile in a Run
// entry: the spec it ran and, for every step, the entry it produced or
// found. The Run entry's Lineage.Inputs also name each step's entry (role
// "step:NAME"), so rm, gc and verify protect them.
type RunRecord struct {
	Format     string    `json:"format"`                // RunRecordFormat
	Spec       string    `json:"spec,omitempty"`        // file name or "preset:NAME"
	SpecDigest string    `json:"spec_digest,omitempty"` // "sha256:..." of the spec bytes
	Status     string    `json:"status"`                // StatusDone or StatusFailed
	Started    time.Time `json:"started"`
	Seconds    float64   `json:"seconds"`
	Steps      []RunStep `json:"steps"`
}

// RunStep is one step of a run.
type RunStep struct {
	Name    string    `json:"name"`
	Kind    Kind      `json:"kind"`
	Entry   string    `json:"entry,omitempty"`  // NAME:VERSION of its result
	Digest  string    `json:"digest,omitempty"` // "sha256:..." of its result
	Key     string    `json:"key,omitempty"`    // the step key (Lineage.Key of the result)
	Status  string    `json:"status"`
	Started time.Time `json:"started,omitzero"`
	Seconds float64   `json:"seconds"`
	Error   string    `json:"error,omitempty"`
}

// RunRecord reads the RunRecord of a Run entry from its RunRecordFile.
func (s *Store) RunRecord(e Entry) (RunRecord, error) {
	var r RunRecord
	if e.Kind != Run {
		return r, fmt.Errorf("registry: %w: %s is not a run", ErrBadRef, e)
	}
	b, err := s.ReadFile(e, RunRecordFile)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("registry: %s: %s is not a run record: %w", e, RunRecordFile, err)
	}
	if r.Format != RunRecordFormat {
		return r, fmt.Errorf("registry: %s: %s has format %q, this program reads %q", e, RunRecordFile, r.Format, RunRecordFormat)
	}
	return r, nil
}

// RunStepEntry returns the live entry of kind that the run entry run
// recorded for its step called name (a step's name is the name of the
// entry it registers or finds): that run's result, whatever newer
// versions of the name others registered since; a submitted step's
// result once its job registered it. Errors wrap ErrNotFound.
func (s *Store) RunStepEntry(ctx context.Context, run Entry, kind Kind, name string) (Entry, error) {
	rec, err := s.RunRecord(run)
	if err != nil {
		return Entry{}, err
	}
	// A run handed to a batch system has its results once its jobs ran.
	if _, err := s.ResolveSubmitted(ctx, &rec); err != nil {
		return Entry{}, err
	}
	var names []string
	for _, st := range rec.Steps {
		if st.Kind != kind {
			continue
		}
		if st.Name != name || st.Digest == "" {
			names = append(names, st.Name)
			continue
		}
		e, err := s.Lookup(st.Digest)
		if err != nil {
			return Entry{}, err
		}
		if !e.Removed.IsZero() {
			return Entry{}, fmt.Errorf("registry: %w: %s %s of %s was removed on %s", ErrNotFound, kind, e.Ref(), run, e.Removed.Format(timeFormat))
		}
		return e, nil
	}
	if len(names) == 0 {
		return Entry{}, fmt.Errorf("registry: %w: %s has no %s steps", ErrNotFound, run, kind)
	}
	return Entry{}, fmt.Errorf("registry: %w: %s has no %s step called %s with a result (its %s steps: %s)", ErrNotFound, run, kind, name, kind, strings.Join(names, ", "))
}

// ResolveSubmitted completes r as the local executor would have written
// it: each submitted step whose result the store now has (found by the
// step's key) gets that entry, its digest and StatusDone. A run handed to
// a batch system is registered before its jobs run, and an entry never
// changes, so its record is completed when it is read; once no step is
// without its result, the run's own status is StatusDone. It reports how
// many submitted steps are still without a result.
func (s *Store) ResolveSubmitted(ctx context.Context, r *RunRecord) (pending int, err error) {
	for i := range r.Steps {
		st := &r.Steps[i]
		if st.Status != StatusSubmitted {
			continue
		}
		if st.Key == "" {
			pending++
			continue
		}
		e, ok, err := s.FindByKey(ctx, st.Kind, st.Key)
		if err != nil {
			return 0, err
		}
		if !ok {
			pending++
			continue
		}
		st.Entry, st.Digest, st.Status = e.Ref(), e.Digest, StatusDone
	}
	if pending == 0 && r.Status == StatusSubmitted {
		r.Status = StatusDone
	}
	return pending, nil
}
