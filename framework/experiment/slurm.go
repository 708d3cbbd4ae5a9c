package experiment

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/slurm"
	"github.com/rgml/rgml/registry"
)

// StatusSubmitted is the status, in a run record, of a step handed to a
// batch system: the registry has its result once its job has finished
// (registry.Store.ResolveSubmitted completes the record when it is read).
const StatusSubmitted = registry.StatusSubmitted

// Lineage.Extra keys of a run submitted to Slurm.
const (
	ExtraExecutor  = "executor"   // "slurm"
	ExtraSlurmJobs = "slurm_jobs" // step key → job id ("123", or "123_4" for an array task)
	ExtraSlurmLogs = "slurm_logs" // the directory of the jobs' output
)

// Slurm submits each step of a plan as a Slurm batch job that runs
// Command --step ID --step-key KEY on a node: a step after the jobs of
// the steps it reads (--dependency=afterok, and a job whose dependency
// failed is cancelled, --kill-on-invalid-dep=yes); the steps made from
// one spec item (one per swept value) as one job array. Steps whose
// result the registry has are not submitted. If a submission fails, the
// jobs already submitted are cancelled and nothing is registered.
type Slurm struct {
	Client *slurm.Client
	// Command runs one step of this plan against the shared registry:
	// an absolute rgml binary, its global flags, "run" and the spec.
	Command []string
	// Partition, Account: sbatch's; "" for the cluster's defaults.
	Partition, Account string
	// Time is the time limit of a step whose spec gives none ("" for the
	// partition's default).
	Time string
	// SbatchArgs are passed to every sbatch as they are, after ours.
	SbatchArgs []string
	// LogDir receives the jobs' output (rgml-RUN-STEP-JOB.out); it must
	// be on the shared filesystem. It is created.
	LogDir string
}

var _ Executor = (*Slurm)(nil)

// sbatchConcurrency bounds the sbatch processes running at once.
const sbatchConcurrency = 8

// slurmGroup is one job: one step, or the steps of one spec item as an array.
type slurmGroup struct {
	steps []*Step
	job   string
}

// Execute implements Executor: it returns once every job is submitted.
// The Run entry it registers has status "submitted", each submitted
// step's job id in Lineage.Extra["slurm_jobs"] by step key.
func (x *Slurm) Execute(ctx context.Context, env *Env, p *Plan, opt ExecOptions) (Execution, error) {
	if x.Client == nil || len(x.Command) == 0 {
		return Execution{}, errors.New("experiment: Slurm needs a Client and a Command")
	}
	if x.Time != "" && !ValidTime(x.Time) {
		return Execution{}, usagef("--time %q: want a time limit as Slurm writes it: MINUTES, HH:MM:SS or D-HH:MM:SS", x.Time)
	}
	store, err := env.store()
	if err != nil {
		return Execution{}, err
	}
	started := time.Now()
	rec := registry.RunRecord{Format: registry.RunRecordFormat, Spec: opt.SpecName, SpecDigest: p.Spec.Digest, Started: started.UTC(), Status: StatusSubmitted}
	entries := map[string]registry.Entry{}
	groups := map[string]*slurmGroup{} // item → group
	var order []*slurmGroup
	groupOf := map[string]*slurmGroup{} // step ID → its group
	for _, s := range p.Steps {
		if s.Kind == KindReport {
			// The report reads every job's result: it is drawn once they
			// are done, by `rgml report RUN` on the login node.
			rec.Steps = append(rec.Steps, registry.RunStep{Name: s.Name, Kind: RegistryKind(s.Kind), Status: registry.StatusNotRun})
			continue
		}
		st := registry.RunStep{Name: s.Name, Kind: RegistryKind(s.Kind), Key: s.Key, Status: StatusSubmitted}
		en, ok, err := store.FindByKey(ctx, RegistryKind(s.Kind), s.Key)
		if err != nil {
			return Execution{}, err
		}
		if ok {
			entries[s.ID] = en
			st.Status, st.Entry, st.Digest = registry.StatusSkipped, en.Ref(), en.Digest
			rec.Steps = append(rec.Steps, st)
			continue
		}
		rec.Steps = append(rec.Steps, st)
		// The steps of one spec item share its position; they read no
		// step of their own item, so one array can wait for all they read.
		item := fmt.Sprintf("%s %s %+v", s.Kind, s.pos(), s.resources())
		g := groups[item]
		if g == nil {
			g = &slurmGroup{}
			groups[item] = g
			order = append(order, g)
		}
		g.steps = append(g.steps, s)
		groupOf[s.ID] = g
	}
	if err := os.MkdirAll(x.LogDir, 0o755); err != nil {
		return Execution{}, fmt.Errorf("the jobs' log directory: %w", err)
	}
	var submitted []string
	jobs := map[string]string{} // step key → job id
	cancel := func(cause error) (Execution, error) {
		if err := x.Client.Cancel(context.WithoutCancel(ctx), submitted); err != nil {
			cause = errors.Join(cause, fmt.Errorf("cancelling the jobs already submitted (%s): %w", strings.Join(submitted, " "), err))
		}
		return Execution{}, cause
	}
	// Submit in dependency order: a group once every group it reads has
	// its job id.
	// The groups of a round are independent: submitted a few at a time,
	// since each sbatch is a process and a round trip to slurmctld.
	left := order
	for len(left) > 0 {
		var next, round []*slurmGroup
		var deps [][]string
		for _, g := range left {
			d, ready := x.deps(p, g, groupOf)
			if !ready {
				next = append(next, g)
				continue
			}
			round, deps = append(round, g), append(deps, d)
		}
		if len(round) == 0 {
			return cancel(fmt.Errorf("experiment: the steps of %s wait on each other", next[0].steps[0].ID))
		}
		errs := make([]error, len(round))
		var wg sync.WaitGroup
		sem := make(chan struct{}, sbatchConcurrency)
		for i, g := range round {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				g.job, errs[i] = x.submit(ctx, opt, g, deps[i])
			}()
		}
		wg.Wait()
		var first error
		for i, g := range round {
			if errs[i] != nil {
				if first == nil {
					first = fmt.Errorf("submitting %s: %w", g.steps[0].ID, errs[i])
				}
				continue
			}
			submitted = append(submitted, g.job)
			for j, s := range g.steps {
				jobs[s.Key] = g.job
				if len(g.steps) > 1 {
					jobs[s.Key] = g.job + "_" + strconv.Itoa(j)
				}
			}
		}
		if first != nil {
			return cancel(first)
		}
		left = next
	}
	rec.Seconds = time.Since(started).Seconds()
	if len(order) == 0 {
		rec.Status = registry.StatusDone
	}
	ex := Execution{Record: rec}
	extra := map[string]any{ExtraExecutor: "slurm", ExtraSlurmJobs: jobs, ExtraSlurmLogs: x.LogDir}
	rctx, rcancel := graceful(ctx, lastWords)
	defer rcancel()
	en, err := registerRun(rctx, env, store, p, opt, rec, entries, extra)
	if err != nil {
		return cancel(fmt.Errorf("registering the run: %w", err))
	}
	ex.Run = en
	return ex, nil
}

// deps returns the job ids a group waits for, and whether all are known.
func (x *Slurm) deps(p *Plan, g *slurmGroup, groupOf map[string]*slurmGroup) ([]string, bool) {
	seen := map[string]bool{}
	var ids []string
	for _, s := range g.steps {
		for _, d := range s.Deps {
			dg, ok := groupOf[d]
			if !ok {
				continue // in the registry already
			}
			if dg.job == "" {
				return nil, false
			}
			if !seen[dg.job] {
				seen[dg.job] = true
				ids = append(ids, dg.job)
			}
		}
	}
	sort.Strings(ids)
	return ids, true
}

// submit submits one group's job.
func (x *Slurm) submit(ctx context.Context, opt ExecOptions, g *slurmGroup, deps []string) (string, error) {
	first := g.steps[0]
	r := first.resources()
	limit := r.Time
	if limit == "" {
		limit = x.Time
	}
	name := "rgml-" + opt.RunName + "-" + first.Name
	if len(g.steps) > 1 {
		name = "rgml-" + opt.RunName + "-" + string(first.Kind) + "-array"
	}
	args := []string{
		"--job-name=" + name,
		"--cpus-per-task=" + strconv.Itoa(r.CPUs),
		"--mem=" + r.Memory,
		"--ntasks=1", "--nodes=1",
		"--kill-on-invalid-dep=yes",
	}
	if limit != "" {
		args = append(args, "--time="+limit)
	}
	if x.Partition != "" {
		args = append(args, "--partition="+x.Partition)
	}
	if x.Account != "" {
		args = append(args, "--account="+x.Account)
	}
	if len(deps) > 0 {
		args = append(args, "--dependency=afterok:"+strings.Join(deps, ":"))
	}
	if len(g.steps) > 1 {
		args = append(args, "--array=0-"+strconv.Itoa(len(g.steps)-1), "--output="+x.LogDir+"/%x-%A_%a.out")
	} else {
		args = append(args, "--output="+x.LogDir+"/%x-%j.out")
	}
	args = append(args, x.SbatchArgs...)
	return x.Client.Submit(ctx, x.script(g), args)
}

// script is the job's shell script: the step (the array task's step)
// run through Command.
func (x *Slurm) script(g *slurmGroup) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n# rgml: one step of a study (rgml run --executor slurm)\n")
	cmd := func(s *Step) string {
		q := make([]string, 0, len(x.Command)+4)
		for _, a := range x.Command {
			q = append(q, slurm.Quote(a))
		}
		q = append(q, "--step", slurm.Quote(s.ID), "--step-key", s.Key)
		return "exec " + strings.Join(q, " ")
	}
	if len(g.steps) == 1 {
		b.WriteString(cmd(g.steps[0]) + "\n")
		return b.String()
	}
	b.WriteString("case \"$SLURM_ARRAY_TASK_ID\" in\n")
	for i, s := range g.steps {
		fmt.Fprintf(&b, "%d) %s ;;\n", i, cmd(s))
	}
	b.WriteString("*) echo \"rgml: no step for array task $SLURM_ARRAY_TASK_ID\" >&2; exit 2 ;;\nesac\n")
	return b.String()
}

// pos is where the step's spec item was written.
func (s *Step) pos() Pos {
	switch it := s.Item.(type) {
	case *spec.Dataset:
		return it.Pos("")
	case *spec.Training:
		return it.Pos("")
	case *spec.Flow:
		return it.Pos("")
	}
	return Pos{}
}

// resources is what the step asks of a batch system.
func (s *Step) resources() Resources {
	var r Resources
	switch it := s.Item.(type) {
	case *spec.Dataset:
		r = it.Resources
	case *spec.Training:
		r = it.Resources
	case *spec.Flow:
		r = it.Resources
	}
	if r.CPUs == 0 {
		r.CPUs = DefaultCPUs
	}
	if r.Memory == "" {
		r.Memory = DefaultMemory
	}
	return r
}
