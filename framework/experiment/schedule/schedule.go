// Package schedule runs a DAG of steps, each after the steps it reads,
// independent ones concurrently within a budget of jobs and cores; a
// failing step blocks the steps downstream of it and lets the others
// finish. Of the steps ready to start, the one listed first starts
// first, whenever it became ready. It knows nothing of what a step is.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Runner runs one step with a budget of threads (its share of the cores)
// and must stop when ctx is cancelled.
type Runner[S any] func(ctx context.Context, s S, threads int) error

// Graph says what the scheduler needs of a step: its ID, unique among
// the steps, and the IDs of the steps it reads.
type Graph[S any] struct {
	ID   func(S) string
	Deps func(S) []string
}

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
type Result[S any] struct {
	Step    S
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
type RunError[S any] struct {
	Results []Result[S] // only those that did not finish
	Cause   error       // the context's error, if the run was cancelled
	id      func(S) string
}

func (e *RunError[S]) Error() string {
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
			fmt.Fprintf(&b, "\n  %s %v", e.id(r.Step), r.Err)
			continue
		}
		fmt.Fprintf(&b, "\n  %s %s: %v", e.id(r.Step), r.Status, r.Err)
	}
	return b.String()
}

// Unwrap exposes the cancellation cause, so errors.Is(err, context.Canceled) works.
func (e *RunError[S]) Unwrap() error { return e.Cause }

// Run runs steps with run, each after the steps it reads (g), independent
// steps concurrently within opt. A failing step stops the steps that
// depend on it (Blocked) and lets the others finish; cancelling ctx stops
// everything (running steps see their context cancelled, the rest are
// Canceled). Results are in the order of steps; the error is a *RunError
// when any step did not finish.
func Run[S any](ctx context.Context, steps []S, g Graph[S], opt Options, run Runner[S]) ([]Result[S], error) {
	if opt.Jobs < 1 || opt.Cores < 1 {
		return nil, fmt.Errorf("experiment: Run needs Jobs ≥ 1 and Cores ≥ 1 (got %d, %d)", opt.Jobs, opt.Cores)
	}
	sc, err := newScheduler(steps, g, opt, run)
	if err != nil {
		return nil, err
	}
	for sc.left > 0 {
		if ctx.Err() == nil {
			sc.start(ctx)
		}
		if sc.running == 0 {
			// Cancelled, or (in a plan not made by NewPlan) the rest wait
			// on each other in a cycle.
			break
		}
		var f finished
		select {
		case f = <-sc.done:
		case <-ctx.Done():
			f = <-sc.done
		}
		sc.finish(ctx, f)
	}
	sc.wg.Wait()
	return sc.outcome(ctx)
}

// finished is a step's run ending.
type finished struct {
	i   int
	err error
}

// scheduler is the state of one Run: steps by index, what each waits
// for, the cores free.
type scheduler[S any] struct {
	steps   []S
	g       Graph[S]
	opt     Options
	run     Runner[S]
	results []Result[S]
	waiting []int   // unfinished dependencies
	users   [][]int // the steps that read each step
	// ready holds the steps that can start, by index: a step listed
	// early starts before those listed after it that became ready
	// sooner. First come, first served, a step that reads two inputs
	// and that many steps read waited behind every step that reads only
	// one of them, then ran alone while a core idled (measured in
	// docs/reproduction.md: 605 s of run where the listed order gives 580).
	ready     []int
	running   int
	freeCores int
	left      int
	done      chan finished
	wg        sync.WaitGroup
}

func newScheduler[S any](steps []S, g Graph[S], opt Options, run Runner[S]) (*scheduler[S], error) {
	n := len(steps)
	sc := &scheduler[S]{steps: steps, g: g, opt: opt, run: run, results: make([]Result[S], n), waiting: make([]int, n), users: make([][]int, n),
		freeCores: opt.Cores, left: n, done: make(chan finished)}
	index := make(map[string]int, n)
	for i, s := range steps {
		index[g.ID(s)] = i
	}
	for i, s := range steps {
		sc.results[i].Step = s
		for _, d := range g.Deps(s) {
			j, ok := index[d]
			if !ok {
				return nil, fmt.Errorf("experiment: step %s depends on %s, not in the plan", g.ID(s), d)
			}
			sc.waiting[i]++
			sc.users[j] = append(sc.users[j], i)
		}
	}
	for i := range steps {
		if sc.waiting[i] == 0 {
			sc.ready = append(sc.ready, i)
		}
	}
	return sc, nil
}

// start starts what fits, sharing the free cores among the starters.
func (sc *scheduler[S]) start(ctx context.Context) {
	k := min(sc.opt.Jobs-sc.running, len(sc.ready))
	for k > 0 {
		i := sc.ready[0]
		sc.ready = sc.ready[1:]
		threads := max(1, sc.freeCores/k)
		sc.freeCores -= threads
		sc.running++
		k--
		sc.results[i].Threads = threads
		sc.wg.Add(1)
		go func(i, threads int) {
			defer sc.wg.Done()
			err := sc.run(ctx, sc.steps[i], threads)
			sc.done <- finished{i, err}
		}(i, threads)
	}
}

// finish records a step's end: its readers become ready, or are
// blocked when it failed.
func (sc *scheduler[S]) finish(ctx context.Context, f finished) {
	sc.running--
	sc.freeCores += sc.results[f.i].Threads
	sc.left--
	r := &sc.results[f.i]
	if f.err != nil {
		r.Status, r.Err = Failed, f.err
		if ctx.Err() != nil && errors.Is(f.err, ctx.Err()) {
			r.Status = Canceled
		}
		sc.block(f.i, fmt.Sprintf("%s %s", sc.g.ID(sc.steps[f.i]), r.Status))
		return
	}
	r.Status = Done
	for _, u := range sc.users[f.i] {
		sc.waiting[u]--
		if sc.waiting[u] == 0 && sc.results[u].Status == "" {
			sc.makeReady(u)
		}
	}
}

// makeReady adds step i to the ready steps, kept in the steps' order.
func (sc *scheduler[S]) makeReady(i int) {
	at, _ := slices.BinarySearch(sc.ready, i)
	sc.ready = slices.Insert(sc.ready, at, i)
}

// block marks every step downstream of i as Blocked.
func (sc *scheduler[S]) block(i int, cause string) {
	for _, u := range sc.users[i] {
		if sc.results[u].Status == "" {
			sc.results[u].Status = Blocked
			sc.results[u].Err = errors.New("not run: " + cause)
			sc.left--
			sc.block(u, cause)
		}
	}
}

// outcome settles the steps that never started and returns the results.
func (sc *scheduler[S]) outcome(ctx context.Context) ([]Result[S], error) {
	var bad []Result[S]
	for i := range sc.results {
		r := &sc.results[i]
		if r.Status == "" && ctx.Err() != nil {
			r.Status = Canceled
			r.Err = fmt.Errorf("not run: %w", ctx.Err())
		} else if r.Status == "" {
			r.Status = Failed
			r.Err = errors.New("not run: its dependencies form a cycle")
		}
		if r.Status != Done {
			bad = append(bad, *r)
		}
	}
	if len(bad) > 0 {
		return sc.results, &RunError[S]{Results: bad, Cause: ctx.Err(), id: sc.g.ID}
	}
	return sc.results, nil
}
