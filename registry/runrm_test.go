package registry

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// putRun puts a run entry whose record lists steps (name → entry, status).
func putRun(t *testing.T, s *Store, name string, steps []RunStep) Entry {
	t.Helper()
	rec := RunRecord{Format: RunRecordFormat, Status: StatusDone, Steps: steps}
	var in []Input
	for _, st := range steps {
		if st.Digest != "" {
			in = append(in, Input{Role: "step:" + st.Name, Digest: st.Digest})
		}
	}
	b, _ := json.Marshal(rec)
	return put(t, s, Run, name, Lineage{Inputs: in}, File{Name: RunRecordFile, Data: b})
}

func step(e Entry, status string) RunStep {
	return RunStep{Name: e.Name, Kind: e.Kind, Entry: e.Ref(), Digest: e.Digest, Status: status}
}

// RemoveRuns removes what the runs registered and nothing of anyone
// else's: not an entry a run found (skipped), not one a live entry
// outside the runs needs, not one a user tagged.
func TestRemoveRuns(t *testing.T) {
	s := newStore(t)
	mine := put(t, s, Dataset, "mine", Lineage{Seed: 1})
	shared := put(t, s, Dataset, "shared", Lineage{Seed: 2}) // made by the user, found by the run
	data := put(t, s, Dataset, "demo-data", Lineage{Seed: 3})
	rbm := put(t, s, Model, "demo-rbm", Lineage{Datasets: []string{data.Digest}})
	flow := put(t, s, Flow, "demo-flow", Lineage{Inputs: []Input{{Role: "rbm", Digest: rbm.Digest}, {Role: "from", Digest: data.Digest}}})
	used := put(t, s, Model, "demo-used", Lineage{Datasets: []string{data.Digest}})
	tagged := put(t, s, Model, "demo-tagged", Lineage{Datasets: []string{shared.Digest}})
	if err := s.Tag(Model, "demo-tagged", "keep", 1); err != nil {
		t.Fatal(err)
	}
	// The user's own flow of a model the run trained: that model stays, and
	// the dataset it was trained on.
	put(t, s, Flow, "my-flow", Lineage{Inputs: []Input{{Role: "rbm", Digest: used.Digest}}})
	run1 := putRun(t, s, "demo", []RunStep{step(shared, StatusSkipped), step(data, StatusDone), step(rbm, StatusDone),
		step(flow, StatusDone), step(used, StatusDone), step(tagged, StatusDone)})
	run2 := putRun(t, s, "demo", []RunStep{step(shared, StatusSkipped), step(data, StatusSkipped), step(rbm, StatusSkipped)})
	other := putRun(t, s, "mine", []RunStep{step(mine, StatusDone)})

	got, err := s.RemoveRuns(t.Context(), []Entry{run1, run2})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"run demo:1", "run demo:2"}; !slices.Equal(refs(got.Runs), want) {
		t.Errorf("runs removed %v, want %v", refs(got.Runs), want)
	}
	if want := []string{"flow demo-flow:1", "model demo-rbm:1"}; !slices.Equal(refs(got.Removed), want) {
		t.Errorf("removed %v, want %v", refs(got.Removed), want)
	}
	var kept []string
	for _, k := range got.Kept {
		kept = append(kept, string(k.Entry.Kind)+" "+k.Entry.Ref()+": "+k.Reason)
	}
	want := []string{
		"dataset demo-data:1: needed by flow my-flow:1, model demo-used:1",
		"model demo-tagged:1: tagged keep",
		"model demo-used:1: needed by flow my-flow:1",
	}
	if !slices.Equal(kept, want) {
		t.Errorf("kept\n%q\nwant\n%q", kept, want)
	}
	live, err := s.List("", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"dataset demo-data:1", "dataset mine:1", "dataset shared:1", "flow my-flow:1",
		"model demo-tagged:1", "model demo-used:1", "run mine:1"}; !slices.Equal(refs(live), want) {
		t.Errorf("live after: %v, want %v", refs(live), want)
	}
	mustVerify(t, s)
	if _, err := s.GC(false); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, s)
	if _, err := s.ReadFile(mine, "data.bin"); err != nil {
		t.Errorf("the user's dataset after gc: %v", err)
	}
	// A run already removed, or an entry that is not a run, is refused whole.
	if _, err := s.RemoveRuns(t.Context(), []Entry{other, mine}); err == nil {
		t.Error("RemoveRuns of a dataset: no error")
	}
	if l, _ := s.List(Run, "mine"); len(l) != 1 {
		t.Errorf("a refused RemoveRuns removed the run: %v", refs(l))
	}
}

// A run submitted to a batch system is registered before its jobs run:
// ResolveSubmitted completes its record with what the jobs registered,
// as the local executor writes it (entry, digest, done), so that readers
// of the record (report, runs show) find the results.
func TestResolveSubmitted(t *testing.T) {
	s := newStore(t)
	found := put(t, s, Dataset, "d", Lineage{Seed: 1, Key: keyOf("d")})
	rec := RunRecord{Format: RunRecordFormat, Status: StatusSubmitted, Steps: []RunStep{
		step(found, StatusSkipped),
		{Name: "m", Kind: Model, Key: keyOf("m"), Status: StatusSubmitted},
		{Name: "f", Kind: Flow, Key: keyOf("f"), Status: StatusSubmitted},
		{Name: "report", Kind: "report", Status: StatusNotRun},
	}}
	b, _ := json.Marshal(rec)
	run := put(t, s, Run, "r", Lineage{Inputs: []Input{{Role: "step:d", Digest: found.Digest}}}, File{Name: RunRecordFile, Data: b})
	// The model's job has finished, the flow's has not.
	m := put(t, s, Model, "m", Lineage{Datasets: []string{found.Digest}, Key: keyOf("m")})
	got, err := s.RunRecord(run)
	if err != nil {
		t.Fatal(err)
	}
	pending, err := s.ResolveSubmitted(t.Context(), &got)
	if err != nil || pending != 1 {
		t.Fatalf("pending %d, %v", pending, err)
	}
	want := []RunStep{step(found, StatusSkipped), step(m, StatusDone), rec.Steps[2], rec.Steps[3]}
	want[1].Key = keyOf("m")
	for i := range want {
		if got.Steps[i] != want[i] {
			t.Errorf("step %d: %+v, want %+v", i, got.Steps[i], want[i])
		}
	}
	if got.Status != StatusSubmitted {
		t.Errorf("run status %q with a job still running, want %q", got.Status, StatusSubmitted)
	}
	// Once every job has registered its result, the run is done (the
	// report step is drawn from the registry later, never submitted).
	put(t, s, Flow, "f", Lineage{Key: keyOf("f")})
	if pending, err := s.ResolveSubmitted(t.Context(), &got); err != nil || pending != 0 || got.Status != StatusDone {
		t.Errorf("all jobs done: pending %d, run status %q, %v; want 0, %q", pending, got.Status, err, StatusDone)
	}
	// RemoveRuns removes what the jobs registered too.
	r, err := s.RemoveRuns(t.Context(), []Entry{run})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := refs(r.Removed), []string{"flow f:1", "model m:1"}; !slices.Equal(got, want) {
		t.Errorf("removed %v, want %v", got, want)
	}
}

// RunStepEntry finds the entry a run recorded for a step, not the latest
// of its name; a step it lacks, or whose entry was removed, is ErrNotFound.
func TestRunStepEntry(t *testing.T) {
	s := newStore(t)
	f1 := put(t, s, Flow, "f", Lineage{Seed: 1})
	run := putRun(t, s, "demo", []RunStep{step(f1, StatusDone)})
	put(t, s, Flow, "f", Lineage{Seed: 2}) // someone's newer f:2
	got, err := s.RunStepEntry(t.Context(), run, Flow, "f")
	if err != nil || got.Digest != f1.Digest {
		t.Errorf("RunStepEntry(f) = %s, %v; want %s", got, err, f1)
	}
	for _, c := range []struct {
		kind Kind
		name string
		want string
	}{{Flow, "g", "no flow step called g"}, {Model, "f", "has no model steps"}} {
		if _, err := s.RunStepEntry(t.Context(), run, c.kind, c.name); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("RunStepEntry(%s %s): %v", c.kind, c.name, err)
		}
	}
	if _, err := s.Remove(Flow, "f:1", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RunStepEntry(t.Context(), run, Flow, "f"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "was removed") {
		t.Errorf("RunStepEntry of a removed entry: %v", err)
	}
}

// Two submissions of one study whose jobs shared a result (the second's
// job waited for the first's lease and reused its entry) both resolve to
// it: removing one run's entries keeps what the other run recorded.
func TestRemoveRunsKeepsAnotherRunsResult(t *testing.T) {
	s := newStore(t)
	submitted := func(name string) Entry {
		rec := RunRecord{Format: RunRecordFormat, Status: StatusSubmitted, Steps: []RunStep{
			{Name: "m", Kind: Model, Key: keyOf("m"), Status: StatusSubmitted},
		}}
		b, _ := json.Marshal(rec)
		return put(t, s, Run, name, Lineage{}, File{Name: RunRecordFile, Data: b})
	}
	first, second := submitted("r"), submitted("r")
	m := put(t, s, Model, "m", Lineage{Key: keyOf("m")})
	r, err := s.RemoveRuns(t.Context(), []Entry{second})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Removed) != 0 || len(r.Kept) != 1 || r.Kept[0].Entry.Digest != m.Digest || !strings.Contains(r.Kept[0].Reason, first.Ref()) {
		t.Fatalf("removed %v, kept %+v: want model m kept as run %s's", refs(r.Removed), r.Kept, first.Ref())
	}
	// With the other run gone too, it is theirs alone and goes.
	if r, err = s.RemoveRuns(t.Context(), []Entry{first}); err != nil || len(r.Removed) != 1 {
		t.Fatalf("removed %v, %v", refs(r.Removed), err)
	}
}

// A Slurm run's record names its submitted steps by key only: once a job
// registered the result, RunStepEntry (flows export --run) finds it.
func TestRunStepEntryOfSubmittedRun(t *testing.T) {
	s := newStore(t)
	rec := RunRecord{Format: RunRecordFormat, Status: StatusSubmitted, Steps: []RunStep{
		{Name: "f", Kind: Flow, Key: keyOf("f"), Status: StatusSubmitted},
	}}
	b, _ := json.Marshal(rec)
	run := put(t, s, Run, "r", Lineage{}, File{Name: RunRecordFile, Data: b})
	if _, err := s.RunStepEntry(t.Context(), run, Flow, "f"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("before its job ran: %v", err)
	}
	f := put(t, s, Flow, "f", Lineage{Key: keyOf("f")})
	if got, err := s.RunStepEntry(t.Context(), run, Flow, "f"); err != nil || got.Digest != f.Digest {
		t.Fatalf("after its job ran: %s, %v; want %s", got, err, f)
	}
}
