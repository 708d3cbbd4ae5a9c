package exec

import (
	"context"
	"fmt"

	"github.com/rgml/rgml/registry"
)

// Executor carries out a plan: in this process (Local), or by handing its
// steps to a batch system (Slurm), where each job runs one step with
// RunStep against the shared registry. The planner knows nothing of
// executors, so another batch system is one more implementation.
type Executor interface {
	Execute(ctx context.Context, env *Env, p *Plan, opt ExecOptions) (Execution, error)
}

// Local runs the plan's steps in this process, on this machine's cores
// (Execute).
type Local struct{}

// Execute implements Executor.
func (Local) Execute(ctx context.Context, env *Env, p *Plan, opt ExecOptions) (Execution, error) {
	return Execute(ctx, env, p, opt)
}

var _ Executor = Local{}

// StepOutcome is what RunStep did.
type StepOutcome struct {
	Entry   registry.Entry
	Skipped bool // the entry existed (same key): nothing ran
}

// RunStep runs exactly one step of the plan through env, as a batch job
// does: skipped when the registry has its key (or gets it from another
// process running the step meanwhile, which RunStep waits for), its
// inputs taken from the registry by their keys (a step whose input is
// missing fails, naming it), a training resumed from its checkpoint. No Run entry is made: the
// executor that submitted the job made it. A step of a kind made once per
// run (the report) is no job and is refused, a usage error.
func RunStep(ctx context.Context, env *Env, p *Plan, s *Step) (StepOutcome, error) {
	if kindOf(s.Kind).Once {
		// Never a batch job (Slurm leaves it out); asked for by --step,
		// it would be looked up by a key it is never registered under.
		return StepOutcome{}, usagef("a %s is made by a whole run, from what the run has, not as one step (--step): run the study, or draw a run's report with rgml report RUN", s.Kind)
	}
	store, err := env.Registry()
	if err != nil {
		return StepOutcome{}, err
	}
	if en, ok, err := store.FindByKey(ctx, RegistryKind(s.Kind), s.Key); err != nil {
		return StepOutcome{}, err
	} else if ok {
		return StepOutcome{Entry: en, Skipped: true}, nil
	}
	inputs := map[string]string{}
	for _, id := range s.Deps {
		d, ok := p.Step(id)
		if !ok {
			return StepOutcome{}, fmt.Errorf("experiment: step %s reads %s, not in the plan", s.ID, id)
		}
		en, ok, err := store.FindByKey(ctx, RegistryKind(d.Kind), d.Key)
		if err != nil {
			return StepOutcome{}, err
		}
		if !ok {
			return StepOutcome{}, fmt.Errorf("step %s reads %s, which is not in the registry (key %.16s…): run that step first", s.ID, id, d.Key)
		}
		inputs[id] = en.Digest
	}
	// A job of an earlier submission may be running the step: wait for
	// its entry rather than compute it twice.
	last, stopLast := graceful(ctx, lastWords)
	defer stopLast()
	en, found, err := withLease(ctx, last, env, store, s, func(ctx context.Context) (registry.Entry, error) {
		return runStep(ctx, env, p, s, func(id string) string { return inputs[id] })
	})
	if err != nil {
		return StepOutcome{}, err
	}
	return StepOutcome{Entry: en, Skipped: found}, nil
}
