package experiment

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Runner runs one step with a budget of threads (its share of the cores)
// and must stop when ctx is cancelled.
type Runner func(ctx context.Context, s *Step, threads int) error

// Status is what became of a step in a run.
type Status string

const (
	Done   Status = "done"
	Failed Status = "failed"
	// Blocked is a step not run because a step it reads failed; a step
	// whose result the registry has is another thing, reported by the
	// executor as registry.StatusSkipped.
	Blocked  Status = "blocked"
	Canceled Status = "canceled" // the run was cancelled before it ended
)

// Result is the outcome of one step.
type Result struct {
	Step    *Step
	Status  Status
	Err     error // for Failed: the step's error; for Blocked: which dependency failed
	Threads int   // the budget it ran with (0 if it did not start)
}

// Options bound a run's concurrency.
type Options struct {
	// Jobs is the most steps running at once (at least 1).
	Jobs int
	// Cores is the number of threads all running steps share (at least 1).
	// Each starting step is given the free cores divided among the steps
	// starting with it (at least 1), so the total fits the cores whenever
	// Jobs ≤ Cores.
	Cores int
}

// RunError lists the steps of a run that failed, were blocked or were
// cancelled, one a line.
type RunError struct {
	Results []Result // only those that did not finish
	Cause   error    // the context's error, if the run was cancelled
}

func (e *RunError) Error() string {
	var b strings.Builder
	n := 0
	for _, r := range e.Results {
		if r.Status == Failed {
			n++
		}
	}
	fmt.Fprintf(&b, "%d step(s) failed", n)
	if e.Cause != nil {
		fmt.Fprintf(&b, " (run %v)", e.Cause)
	}
	for _, r := range e.Results {
		if r.Status == Blocked { // its error says "not run: …"
			fmt.Fprintf(&b, "\n  %s %v", r.Step.ID, r.Err)
			continue
		}
		fmt.Fprintf(&b, "\n  %s %s: %v", r.Step.ID, r.Status, r.Err)
	}
	return b.String()
}

// Unwrap exposes the cancellation cause, so errors.Is(err, context.Canceled) works.
func (e *RunError) Unwrap() error { return e.Cause }

// Run runs the plan's steps with run, each after the steps it reads,
// independent steps concurrently within opt. A failing step stops the
// steps that depend on it (Blocked) and lets the others finish;
// cancelling ctx stops everything (running steps see their context
// cancelled, the rest are Canceled). Results are in plan order; the error
// is a *RunError when any step did not finish.
func Run(ctx context.Context, p *Plan, opt Options, run Runner) ([]Result, error) {
	if opt.Jobs < 1 || opt.Cores < 1 {
		return nil, fmt.Errorf("experiment: Run needs Jobs ≥ 1 and Cores ≥ 1 (got %d, %d)", opt.Jobs, opt.Cores)
	}
	n := len(p.Steps)
	index := make(map[string]int, n)
	for i, s := range p.Steps {
		index[s.ID] = i
	}
	results := make([]Result, n)
	waiting := make([]int, n) // unfinished dependencies
	users := make([][]int, n)
	for i, s := range p.Steps {
		results[i].Step = s
		for _, d := range s.Deps {
			j, ok := index[d]
			if !ok {
				return nil, fmt.Errorf("experiment: step %s depends on %s, not in the plan", s.ID, d)
			}
			waiting[i]++
			users[j] = append(users[j], i)
		}
	}

	type finished struct {
		i   int
		err error
	}
	doneCh := make(chan finished)
	var wg sync.WaitGroup
	var ready []int
	for i := range p.Steps {
		if waiting[i] == 0 {
			ready = append(ready, i)
		}
	}
	running, freeCores, left := 0, opt.Cores, n
	started := make([]bool, n)

	// skip marks every step downstream of i as Blocked.
	var skip func(i int, cause string)
	skip = func(i int, cause string) {
		for _, u := range users[i] {
			if results[u].Status == "" {
				results[u].Status = Blocked
				results[u].Err = errors.New("not run: " + cause)
				left--
				skip(u, cause)
			}
		}
	}

	for left > 0 {
		if ctx.Err() == nil {
			// Start what fits, sharing the free cores among the starters.
			k := min(opt.Jobs-running, len(ready))
			for k > 0 {
				i := ready[0]
				ready = ready[1:]
				threads := max(1, freeCores/k)
				freeCores -= threads
				running++
				k--
				started[i] = true
				results[i].Threads = threads
				wg.Add(1)
				go func(i, threads int) {
					defer wg.Done()
					err := run(ctx, p.Steps[i], threads)
					doneCh <- finished{i, err}
				}(i, threads)
			}
		}
		if running == 0 {
			// Cancelled, or (in a plan not made by NewPlan) the rest wait
			// on each other in a cycle.
			break
		}
		var f finished
		select {
		case f = <-doneCh:
		case <-ctx.Done():
			f = <-doneCh
		}
		running--
		freeCores += results[f.i].Threads
		left--
		switch {
		case f.err != nil:
			results[f.i].Status, results[f.i].Err = Failed, f.err
			if ctx.Err() != nil && errors.Is(f.err, ctx.Err()) {
				results[f.i].Status = Canceled
			}
			skip(f.i, fmt.Sprintf("%s %s", p.Steps[f.i].ID, results[f.i].Status))
		default:
			results[f.i].Status = Done
			for _, u := range users[f.i] {
				waiting[u]--
				if waiting[u] == 0 && results[u].Status == "" {
					ready = append(ready, u)
				}
			}
		}
	}
	wg.Wait()
	var bad []Result
	for i := range results {
		if results[i].Status == "" && ctx.Err() != nil {
			results[i].Status = Canceled
			results[i].Err = fmt.Errorf("not run: %w", ctx.Err())
		} else if results[i].Status == "" {
			results[i].Status = Failed
			results[i].Err = errors.New("not run: its dependencies form a cycle")
		}
		if results[i].Status != Done {
			bad = append(bad, results[i])
		}
	}
	if len(bad) > 0 {
		return results, &RunError{Results: bad, Cause: ctx.Err()}
	}
	return results, nil
}
