package exec

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

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
// Job's command with --step ID --step-key KEY on a node: after the jobs
// (array tasks) of the steps it reads and no other (--dependency=afterok,
// and a job whose dependency failed is cancelled,
// --kill-on-invalid-dep=yes); like steps of one spec item (one per swept
// value) as one job array (slurmItem). Steps whose result the registry
// has are not submitted. If a submission fails, the jobs already
// submitted are cancelled and nothing is registered.
type Slurm struct {
	Client *slurm.Client
	// Job is what each job's rgml is given (SlurmJob.Command), its paths
	// absolute (SlurmJob.Prepare).
	Job SlurmJob
	// Partition, Account: sbatch's; "" for the cluster's defaults.
	Partition, Account string
	// Time is the time limit of a step whose spec gives none ("" for the
	// partition's default).
	Time string
	// SbatchArgs are passed to every sbatch as they are, after ours.
	SbatchArgs []string
	// LogDir receives the jobs' output (rgml-RUN-STEP-JOB.out); it must
	// be on the shared filesystem. It is created. Execute sets it when it
	// is "": the registry's work directory, slurm/RUN-TIME, beside the
	// checkpoints (its location is checked with the registry's).
	LogDir string
}

var _ Executor = (*Slurm)(nil)

// sbatchConcurrency bounds the sbatch processes running at once.
const sbatchConcurrency = 8

// Execute implements Executor: it returns once every job is submitted.
// The Run entry it registers has status "submitted", each submitted
// step's job id in Lineage.Extra["slurm_jobs"] by step key.
func (x *Slurm) Execute(ctx context.Context, env *Env, p *Plan, opt ExecOptions) (Execution, error) {
	if x.Client == nil || x.Job.Exe == "" {
		return Execution{}, errors.New("experiment: Slurm needs a Client and a Job")
	}
	if x.Time != "" && !ValidTime(x.Time) {
		return Execution{}, usagef("--time %q: want a time limit as Slurm writes it: MINUTES, HH:MM:SS or D-HH:MM:SS", x.Time)
	}
	store, err := env.Registry()
	if err != nil {
		return Execution{}, err
	}
	started := time.Now()
	rec := registry.RunRecord{Format: registry.RunRecordFormat, Spec: opt.SpecName, SpecDigest: p.Spec.Digest, Started: started.UTC(), Status: StatusSubmitted}
	entries, err := x.inRegistry(ctx, store, p, &rec)
	if err != nil {
		return Execution{}, err
	}
	have := map[string]bool{}
	for id := range entries {
		have[id] = true
	}
	order := slurmGroups(p, have)
	if x.LogDir == "" {
		x.LogDir = filepath.Join(store.WorkDir(), "slurm", opt.RunName+"-"+started.UTC().Format("20060102T150405"))
	}
	if err := os.MkdirAll(x.LogDir, 0o755); err != nil {
		return Execution{}, fmt.Errorf("the jobs' log directory: %w", err)
	}
	jobs, submitted, err := x.submitAll(ctx, opt, order)
	if err != nil {
		return Execution{}, x.cancel(ctx, submitted, err)
	}
	rec.Seconds = time.Since(started).Seconds()
	if len(order) == 0 {
		rec.Status = registry.StatusDone
	}
	extra := map[string]any{ExtraExecutor: "slurm", ExtraSlurmJobs: jobs, ExtraSlurmLogs: x.LogDir}
	rctx, rcancel := graceful(ctx, lastWords)
	defer rcancel()
	en, err := registerRun(rctx, env, store, p, opt, rec, entries, extra)
	if err != nil {
		return Execution{}, x.cancel(ctx, submitted, fmt.Errorf("registering the run: %w", err))
	}
	return Execution{Record: rec, Run: en}, nil
}

// inRegistry fills rec's steps: a step of a kind made once per run (the
// report) not run (it reads every job's result: it is drawn once they are
// done, by `rgml report RUN`), a step whose result the registry has
// skipped, every other submitted. It returns the entries the registry
// has, by step ID.
func (x *Slurm) inRegistry(ctx context.Context, store *registry.Store, p *Plan, rec *registry.RunRecord) (map[string]registry.Entry, error) {
	entries := map[string]registry.Entry{}
	for _, s := range p.Steps {
		if kindOf(s.Kind).Once {
			rec.Steps = append(rec.Steps, registry.RunStep{Name: s.Name, Kind: RegistryKind(s.Kind), Status: registry.StatusNotRun})
			continue
		}
		st := registry.RunStep{Name: s.Name, Kind: RegistryKind(s.Kind), Key: s.Key, Status: StatusSubmitted}
		en, ok, err := store.FindByKey(ctx, RegistryKind(s.Kind), s.Key)
		if err != nil {
			return nil, err
		}
		if ok {
			entries[s.ID] = en
			st.Status, st.Entry, st.Digest = registry.StatusSkipped, en.Ref(), en.Digest
		}
		rec.Steps = append(rec.Steps, st)
	}
	return entries, nil
}

// cancel cancels the jobs submitted and returns cause, with why they
// could not be cancelled if they could not.
func (x *Slurm) cancel(ctx context.Context, submitted []string, cause error) error {
	if err := x.Client.Cancel(context.WithoutCancel(ctx), submitted); err != nil {
		cause = errors.Join(cause, fmt.Errorf("cancelling the jobs already submitted (%s): %w", strings.Join(submitted, " "), err))
	}
	return cause
}

// submitAll submits the groups in dependency order, a group once every
// group it reads has its job id, and returns each step's job (an array
// task's id for a member of an array) by step key, and the jobs
// submitted. The groups of a round are independent: submitted a few at
// a time, since each sbatch is a process and a round trip to slurmctld.
func (x *Slurm) submitAll(ctx context.Context, opt ExecOptions, left []*slurmGroup) (jobs map[string]string, submitted []string, err error) {
	jobs = map[string]string{}
	for len(left) > 0 {
		var next, round []*slurmGroup
		var deps [][]string
		for _, g := range left {
			d, ready := g.waitsFor(jobs)
			if !ready {
				next = append(next, g)
				continue
			}
			round, deps = append(round, g), append(deps, d)
		}
		if len(round) == 0 {
			return jobs, submitted, fmt.Errorf("experiment: the steps of %s wait on each other", next[0].steps[0].ID)
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
				first = cmp.Or(first, fmt.Errorf("submitting %s: %w", g.steps[0].ID, errs[i]))
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
			return jobs, submitted, first
		}
		left = next
	}
	return jobs, submitted, nil
}

// submit submits one group's job.
func (x *Slurm) submit(ctx context.Context, opt ExecOptions, g *slurmGroup, deps []string) (string, error) {
	first := g.steps[0]
	r := first.Resources()
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
// run through Job's command.
func (x *Slurm) script(g *slurmGroup) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n# rgml: one step of a study (rgml run --executor slurm)\n")
	command := x.Job.Command()
	cmd := func(s *Step) string {
		q := make([]string, 0, len(command)+4)
		for _, a := range command {
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
