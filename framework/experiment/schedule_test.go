package experiment_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
)

// graph builds a plan from "id:dep,dep" specs.
func graph(specs ...string) *experiment.Plan {
	p := &experiment.Plan{}
	for _, s := range specs {
		id, deps, _ := strings.Cut(s, ":")
		st := &experiment.Step{ID: id}
		if deps != "" {
			st.Deps = strings.Split(deps, ",")
		}
		p.Steps = append(p.Steps, st)
	}
	return p
}

func statuses(rs []experiment.Result) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf("%s=%s", r.Step.ID, r.Status))
	}
	return strings.Join(parts, " ")
}

func TestFailureStopsDependentsOnly(t *testing.T) {
	p := graph("a", "b:a", "c:a", "d:b,c", "e", "f:e")
	var mu sync.Mutex
	finished := map[string]bool{}
	run := func(_ context.Context, s *experiment.Step, _ int) error {
		mu.Lock()
		defer mu.Unlock()
		for _, d := range s.Deps {
			if !finished[d] {
				t.Errorf("%s started before its dependency %s finished", s.ID, d)
			}
		}
		finished[s.ID] = true
		if s.ID == "b" {
			return errors.New("boom")
		}
		return nil
	}
	rs, err := experiment.Run(context.Background(), p, experiment.Options{Jobs: 2, Cores: 2}, run)
	if got, want := statuses(rs), "a=done b=failed c=done d=blocked e=done f=done"; got != want {
		t.Errorf("statuses %s, want %s", got, want)
	}
	var re *experiment.RunError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want a *RunError", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "1 step(s) failed") || !strings.Contains(msg, "\n  b failed: boom") || !strings.Contains(msg, "\n  d not run: b failed") {
		t.Errorf("error:\n%s", msg)
	}
	if finished["d"] {
		t.Error("d ran although b failed")
	}
}

// Of the steps ready, the one listed first starts first, though others
// became ready before it: t (listed third) reads a and b, r1 and r2 read
// only a, so with one job they are ready once a is done, before b has
// run; t must still start before them. First come, first served would
// start r1 after b.
func TestReadyStepsStartInListedOrder(t *testing.T) {
	p := graph("a", "b", "t:a,b", "r1:a", "r2:a")
	var mu sync.Mutex
	var order []string
	run := func(_ context.Context, s *experiment.Step, _ int) error {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, s.ID)
		return nil
	}
	if _, err := experiment.Run(context.Background(), p, experiment.Options{Jobs: 1, Cores: 1}, run); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(order, " "), "a b t r1 r2"; got != want {
		t.Errorf("started %s, want %s", got, want)
	}
}

// Two independent steps run at the same time (each waits for the other),
// and the threads of the running steps never exceed the cores.
func TestConcurrencyWithinCores(t *testing.T) {
	for _, tc := range []struct{ jobs, cores, wantThreads int }{{2, 2, 1}, {2, 4, 2}, {1, 4, 4}, {3, 4, 1}} {
		t.Run(fmt.Sprintf("jobs%d-cores%d", tc.jobs, tc.cores), func(t *testing.T) {
			p := graph("a", "b", "c", "d", "e", "f", "g:a,b,c,d,e,f")
			var mu sync.Mutex
			inUse, peak, maxThreads := 0, 0, 0
			rendezvous := make(chan struct{})
			run := func(ctx context.Context, s *experiment.Step, threads int) error {
				mu.Lock()
				inUse += threads
				peak = max(peak, inUse)
				maxThreads = max(maxThreads, threads)
				mu.Unlock()
				if tc.jobs > 1 && (s.ID == "a" || s.ID == "b") {
					select { // a and b must overlap
					case rendezvous <- struct{}{}:
					case <-rendezvous:
					case <-ctx.Done():
						return ctx.Err()
					}
				}
				mu.Lock()
				inUse -= threads
				mu.Unlock()
				return nil
			}
			rs, err := experiment.Run(context.Background(), p, experiment.Options{Jobs: tc.jobs, Cores: tc.cores}, run)
			if err != nil {
				t.Fatal(err)
			}
			if peak > tc.cores {
				t.Errorf("%d threads in use at once on %d cores", peak, tc.cores)
			}
			if rs[0].Threads != tc.wantThreads {
				t.Errorf("first step got %d threads, want %d", rs[0].Threads, tc.wantThreads)
			}
			if last := rs[len(rs)-1]; last.Threads != tc.cores {
				t.Errorf("the last step, alone, got %d threads of %d", last.Threads, tc.cores)
			}
		})
	}
}

func TestCancelStopsEverything(t *testing.T) {
	p := graph("a", "b:a", "c", "d:c")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	run := func(ctx context.Context, s *experiment.Step, _ int) error {
		if s.ID == "a" {
			cancel()
			<-ctx.Done()
			return ctx.Err()
		}
		if s.ID == "c" {
			<-ctx.Done() // a step that only stops when told
			return fmt.Errorf("sampling stopped: %w", ctx.Err())
		}
		t.Errorf("%s started after the cancellation", s.ID)
		return nil
	}
	rs, err := experiment.Run(ctx, p, experiment.Options{Jobs: 2, Cores: 2}, run)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got := statuses(rs); got != "a=canceled b=blocked c=canceled d=blocked" {
		t.Errorf("statuses %s", got)
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	if _, err := experiment.Run(context.Background(), graph("a"), experiment.Options{}, nil); err == nil {
		t.Error("Jobs 0 accepted")
	}
}

func TestRunRefusesCycle(t *testing.T) {
	rs, err := experiment.Run(context.Background(), graph("a:b", "b:a", "c"), experiment.Options{Jobs: 1, Cores: 1},
		func(context.Context, *experiment.Step, int) error { return nil })
	if err == nil || statuses(rs) != "a=failed b=failed c=done" || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("statuses %s, err %v", statuses(rs), err)
	}
}
