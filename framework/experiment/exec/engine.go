package exec

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rgml/rgml/registry"
)

// ExecOptions configure Execute.
type ExecOptions struct {
	Options // Jobs and Cores, as Run takes them
	// RunName names the Run entry (e.g. the spec file's base name, or the
	// preset's name).
	RunName string
	// SpecName is the spec's file name, or "preset:NAME".
	SpecName string
	// SpecText is the spec's bytes, kept in the run record.
	SpecText []byte
	// Event, if set, hears about each step as it starts and ends.
	Event func(StepEvent)
}

// StepEvent is a step starting ("started", with its thread budget) or
// ending (registry.StatusDone, StatusSkipped when its result existed,
// StatusFailed, StatusNotRun).
type StepEvent struct {
	Step    *Step
	Status  string
	Threads int
	Entry   registry.Entry // the step's result (done or skipped)
	Err     error
	Seconds float64
}

// Execution is what Execute did.
type Execution struct {
	Record registry.RunRecord
	Run    registry.Entry // the Run entry (zero if it could not be registered)
}

// Execute runs a plan through env: every step whose key the registry
// already has is skipped (its entry stands for it), and so is a step
// that another process is running (Execute waits for its entry, see
// withLease); the others run with
// Run's scheduler under opt, each on its share of the cores (a training
// resumes from a checkpoint of the same key, so a killed run continues).
// Each result records the step key as Lineage.Key. The run itself is
// registered as a Run entry (a registry.RunRecord, and each step's entry
// as input "step:NAME"), also when steps failed; the error is then a
// *RunError listing each step that did not finish.
func Execute(ctx context.Context, env *Env, p *Plan, opt ExecOptions) (Execution, error) {
	store, err := env.Registry()
	if err != nil {
		return Execution{}, err
	}
	started := time.Now()
	last, stopLast := graceful(ctx, lastWords)
	defer stopLast()
	lr := &localRun{env: env, p: p, opt: opt, store: store, last: last,
		entries: map[string]registry.Entry{}, steps: map[string]*registry.RunStep{},
		rec: registry.RunRecord{Format: registry.RunRecordFormat, Spec: opt.SpecName, SpecDigest: p.Spec.Digest, Started: started.UTC()}}
	for _, s := range p.Steps {
		lr.rec.Steps = append(lr.rec.Steps, registry.RunStep{Name: s.Name, Kind: RegistryKind(s.Kind), Key: s.Key, Status: registry.StatusNotRun})
	}
	for i, s := range p.Steps {
		lr.steps[s.ID] = &lr.rec.Steps[i]
	}
	env.HolderID() // before the steps copy env
	results, runErr := Run(ctx, p, opt.Options, lr.step)
	for _, r := range results {
		if r.Status == Blocked || r.Status == Canceled {
			st := lr.steps[r.Step.ID]
			st.Status = registry.StatusNotRun
			if r.Err != nil {
				st.Error = r.Err.Error()
			}
			lr.event(StepEvent{Step: r.Step, Status: registry.StatusNotRun, Err: r.Err})
		}
	}
	rec := lr.rec
	rec.Seconds = time.Since(started).Seconds()
	rec.Status = registry.StatusDone
	if runErr != nil {
		rec.Status = registry.StatusFailed
	}
	ex := Execution{Record: rec}
	// A stopped run is recorded too, so what it did is on file.
	en, err := registerRun(last, env, store, p, opt, rec, lr.entries, nil)
	if err != nil {
		return ex, errors.Join(runErr, fmt.Errorf("registering the run: %w", err))
	}
	ex.Run = en
	return ex, runErr
}

// localRun is the state of one Execute: the run record, and each step's
// result as the steps after it read it.
type localRun struct {
	env   *Env
	p     *Plan
	opt   ExecOptions
	store *registry.Store
	last  context.Context // for the last words (see graceful)

	mu      sync.Mutex
	entries map[string]registry.Entry    // step ID → its result
	steps   map[string]*registry.RunStep // step ID → its line of rec
	rec     registry.RunRecord
}

func (lr *localRun) event(ev StepEvent) {
	if lr.opt.Event != nil {
		lr.opt.Event(ev)
	}
}

func (lr *localRun) input(id string) string {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	return lr.entries[id].Digest
}

// step is Run's Runner: it runs s under its lease (or finds its entry),
// or anew every run for a kind made once per run (the report).
func (lr *localRun) step(ctx context.Context, s *Step, threads int) error {
	t0 := time.Now()
	do := func(ctx context.Context) (registry.Entry, error) {
		lr.event(StepEvent{Step: s, Status: "started", Threads: threads})
		senv := *lr.env
		senv.Threads = threads
		return runStep(ctx, &senv, lr.p, s, lr.input)
	}
	if kindOf(s.Kind).Once {
		en, err := do(ctx)
		if err != nil {
			return lr.finish(s, threads, t0, registry.StatusFailed, en, err)
		}
		return lr.finish(s, threads, t0, registry.StatusDone, en, nil)
	}
	en, found, err := withLease(ctx, lr.last, lr.env, lr.store, s, do)
	switch {
	case err != nil:
		return lr.finish(s, threads, t0, registry.StatusFailed, en, err)
	case found:
		return lr.finish(s, threads, t0, registry.StatusSkipped, en, nil)
	}
	return lr.finish(s, threads, t0, registry.StatusDone, en, nil)
}

// finish records how step s ended, and tells opt.Event.
func (lr *localRun) finish(s *Step, threads int, t0 time.Time, status string, en registry.Entry, err error) error {
	secs := time.Since(t0).Seconds()
	lr.mu.Lock()
	st := lr.steps[s.ID]
	st.Status, st.Started, st.Seconds = status, t0.UTC(), secs
	if err != nil {
		st.Error = err.Error()
	} else if en.Digest != "" { // the report is no entry
		lr.entries[s.ID] = en
		st.Entry, st.Digest = en.Ref(), en.Digest
	}
	lr.mu.Unlock()
	lr.event(StepEvent{Step: s, Status: status, Entry: en, Err: err, Seconds: secs, Threads: threads})
	return err
}

// registerRun registers the run; extra is added to the lineage's Extra
// (an executor's own record, e.g. the Slurm job of each step).
func registerRun(ctx context.Context, env *Env, store *registry.Store, p *Plan, opt ExecOptions, rec registry.RunRecord, entries map[string]registry.Entry, extra map[string]any) (registry.Entry, error) {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return registry.Entry{}, err
	}
	names := map[string]int{}
	for _, s := range p.Steps {
		names[s.Name]++
	}
	var inputs []registry.Input
	for _, s := range p.Steps {
		en, ok := entries[s.ID]
		if !ok {
			continue
		}
		role := "step:" + s.Name
		if names[s.Name] > 1 { // a dataset and a training of one name
			role = "step:" + string(s.Kind) + "." + s.Name
		}
		inputs = append(inputs, registry.Input{Role: role, Digest: en.Digest})
	}
	// What the run read from the registry (two references may resolve
	// to one entry).
	read := map[string]bool{}
	for _, r := range p.Registry {
		en := r.Registry.Entry
		if role := "read:" + string(en.Kind) + "." + en.Ref(); !read[role] {
			read[role] = true
			inputs = append(inputs, registry.Input{Role: role, Digest: en.Digest})
		}
	}
	files := []registry.File{{Name: registry.RunRecordFile, Data: b}}
	if len(opt.SpecText) > 0 {
		files = append(files, registry.File{Name: "spec.yaml", Data: opt.SpecText})
	}
	name := opt.RunName
	if registry.ValidateName(name) != nil {
		name = "run"
	}
	ex := map[string]any{"status": rec.Status, "spec_digest": rec.SpecDigest, "jobs": opt.Jobs, "cores": opt.Cores}
	for k, v := range extra {
		ex[k] = v
	}
	return store.Put(ctx, registry.Run, name, files, registry.Lineage{
		Description: fmt.Sprintf("rgml run %s", opt.SpecName),
		Host:        env.HostRef(),
		Inputs:      inputs,
		Extra:       ex,
	})
}

// runStep runs one step of the plan through env with its kind's run;
// input gives the entry digest of a step it reads.
func runStep(ctx context.Context, env *Env, p *Plan, s *Step, input func(id string) string) (registry.Entry, error) {
	return kindOf(s.Kind).Run(ctx, env, p, s, p.WithRegistry(input))
}
