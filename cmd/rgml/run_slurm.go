package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/metrics"
	"github.com/rgml/rgml/framework/slurm"
	"github.com/rgml/rgml/registry"
)

// executorFlags are rgml run's flags for running elsewhere than here:
// the Slurm executor's, and --step, what each of its jobs runs.
func executorFlags() []cli.Flag {
	cat := "Batch (Slurm)"
	return []cli.Flag{
		&cli.StringFlag{Name: "executor", Value: "local", Usage: "local (run the steps here) or slurm (submit each step as a batch job with sbatch)", Category: cat},
		&cli.StringFlag{Name: "partition", Usage: "the Slurm partition of the jobs (default: the cluster's)", Category: cat},
		&cli.StringFlag{Name: "account", Usage: "the Slurm account the jobs are charged to", Category: cat},
		&cli.StringFlag{Name: "time", Usage: "time limit of a step whose spec gives none (Slurm's form, e.g. 2:00:00; default: the partition's)", Category: cat},
		&cli.StringSliceFlag{Name: "sbatch-arg", Usage: "pass this option to every sbatch as it is (repeat it), e.g. --sbatch-arg=--qos=long", Category: cat},
		&cli.StringFlag{Name: "step", Usage: "run exactly one step of the plan (KIND/NAME, or NAME if unique): skipped if its result exists, its inputs from the registry; what each Slurm job runs", Category: cat},
		&cli.StringFlag{Name: "step-key", Usage: "with --step: fail unless the step's key is this one (the key it had when submitted)", Category: cat},
	}
}

// checkExecutorFlags refuses combinations that would leave a flag unused.
func checkExecutorFlags(c *cli.Context) error {
	ex := c.String("executor")
	if ex != "local" && ex != "slurm" {
		return usagef("--executor %q: want local or slurm", ex)
	}
	if ex == "local" {
		for _, f := range []string{"partition", "account", "time", "sbatch-arg"} {
			if c.IsSet(f) {
				return usagef("--%s is an option of --executor slurm", f)
			}
		}
	}
	if c.IsSet("step-key") && !c.IsSet("step") {
		return usagef("--step-key goes with --step")
	}
	switch {
	case c.IsSet("step") && ex == "slurm":
		return usagef("--step runs one step here: drop --executor slurm")
	case c.IsSet("step") && c.Bool("dry-run"), ex == "slurm" && c.Bool("dry-run"):
		return usagef("--dry-run prints the plan, whatever runs it: drop --executor and --step")
	case (c.IsSet("step") || ex == "slurm") && c.IsSet("jobs"):
		return usagef("--jobs bounds the steps running here: drop it with --executor slurm or --step")
	case c.IsSet("step") && c.IsSet("name"):
		return usagef("--name names a run; --step runs one step and registers no run")
	case ex == "slurm" && c.IsSet("time") && !experiment.ValidTime(c.String("time")):
		return usagef("--time %q: want a time limit as Slurm writes it: MINUTES, HH:MM:SS or D-HH:MM:SS", c.String("time"))
	}
	return nil
}

// elsewhere reports whether the run goes to runStep or submitSlurm.
func elsewhere(c *cli.Context) bool { return c.IsSet("step") || c.String("executor") == "slurm" }

// runElsewhere plans the spec and runs one step (--step) or submits the
// plan to Slurm.
func runElsewhere(c *cli.Context, e *env, en *experiment.Env, spec *experiment.Spec, file, name string, data []byte) error {
	var client *slurm.Client
	if !c.IsSet("step") {
		var err error
		if client, err = slurm.New(); err != nil {
			return usageError{err}
		}
	}
	var sub *experiment.Slurm
	if client != nil {
		var err error
		if sub, err = slurmExecutor(c, client, file, e.metrics.RunID()); err != nil {
			return err
		}
	}
	if client == nil {
		// A job works in the registry its study was submitted to: it
		// never creates one.
		en.OpenStore = func() (*registry.Store, error) { return e.openRegistryExisting(c) }
	}
	// An unreachable database is one line before plugins start or jobs
	// are submitted.
	store, err := en.OpenStore()
	if err != nil {
		return err
	}
	en.Store = store
	cat := &experiment.CachedCatalog{HostCatalog: experiment.HostCatalog{Host: en.Host}}
	if !registry.IsURL(store.Root()) {
		cat.Dir = filepath.Join(store.Root(), "cache", "describe")
	}
	// A job resolves the spec's registry inputs again: should they have
	// moved since the submission, its step's key changed and --step-key
	// refuses it.
	plan, err := experiment.NewPlanIn(c.Context, spec, cat, store)
	if err != nil {
		return err
	}
	if client == nil {
		return runOneStep(c, e, en, plan)
	}
	t0 := time.Now()
	ex, err := sub.Execute(c.Context, en, plan, experiment.ExecOptions{RunName: name, SpecName: file, SpecText: data})
	if err != nil {
		return err
	}
	n := 0
	for _, st := range ex.Record.Steps {
		if st.Status == experiment.StatusSubmitted {
			n++
		}
	}
	fmt.Fprintf(e.stdout, "submitted %d of %d steps to Slurm in %.1fs (%d already in the registry); job output in %s\n",
		n, len(ex.Record.Steps), time.Since(t0).Seconds(), len(ex.Record.Steps)-n, sub.LogDir)
	fmt.Fprintf(e.stdout, "registered %s: `rgml runs show %s` for the jobs' states, `rgml runs cancel %s` to stop them\n",
		ex.Run, ex.Run.Ref(), ex.Run.Ref())
	plan.PrintRegistry(e.stdout)
	if url := c.String("pushgateway"); url != "" {
		fmt.Fprintf(e.stdout, "each job pushes its metrics to %s under run id %s and its step (Grafana: dashboard rgml, Run %s)\n",
			url, e.metrics.RunID(), e.metrics.RunID())
	}
	return nil
}

// slurmExecutor returns the executor of --executor slurm. Its jobs get
// the options of this run (experiment.SlurmJob, filled from the flags of
// the same names) and label their metrics with the study's run id and
// their step (--step), so that they push to a Pushgateway group each and
// the dashboard finds a study's steps.
func slurmExecutor(c *cli.Context, client *slurm.Client, file, runID string) (*experiment.Slurm, error) {
	job := experiment.NewSlurmJob(c.Value)
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding the rgml binary: %w", err)
	}
	job.Exe, job.RunID = exe, runID
	if job.Registry, err = registryRoot(c); err != nil {
		return nil, err
	}
	if !c.IsSet("preset") {
		job.Spec = file
	}
	if err := job.Prepare(c.Context, client, c.String("partition")); err != nil {
		return nil, err
	}
	return &experiment.Slurm{
		Client: client, Job: job, Partition: c.String("partition"), Account: c.String("account"),
		Time: c.String("time"), SbatchArgs: c.StringSlice("sbatch-arg"),
	}, nil
}

// runOneStep runs the step --step names, as a Slurm job does.
func runOneStep(c *cli.Context, e *env, en *experiment.Env, plan *experiment.Plan) error {
	s, err := plan.JobStep(c.String("step"), c.String("step-key"))
	if s != nil {
		// The step labels the metrics of this process (and its Pushgateway
		// group) before any work, so that a failure is found by its step too.
		e.metrics.SetStep(s.ID)
	}
	if err != nil {
		return err
	}
	en.Threads = experiment.JobThreads()
	e.metrics.SetInfo("run", "", "", version)
	if url := c.String("pushgateway"); url != "" {
		// A batch node is seldom scraped: the step shows on the dashboard
		// through its pushes while it works, then the final one (After).
		stop := e.metrics.PushEvery(url, metrics.StepPushInterval, func(err error) {
			e.logger.Warn("metrics not pushed (will retry)", "error", err)
		})
		defer stop()
	}
	out, err := experiment.RunStep(c.Context, en, plan, s)
	if err != nil {
		return fmt.Errorf("%s: %w", s.ID, err)
	}
	if out.Skipped {
		e.metrics.SetState(metrics.StateSkipped)
		fmt.Fprintf(e.stdout, "%s: skipped, exists as %s\n", s.ID, out.Entry.Ref())
		return nil
	}
	fmt.Fprintf(e.stdout, "%s: done, registered %s %s\n", s.ID, out.Entry.Kind, out.Entry.Ref())
	return nil
}

// showSlurmRun prints a submitted run: each step's job, its state as
// Slurm tells it, and its entry once the registry has it.
func showSlurmRun(ctx context.Context, e *env, s *registry.Store, en registry.Entry, m registry.Manifest, r *registry.RunRecord) error {
	jobs := experiment.SlurmJobs(m)
	states, note, err := experiment.SlurmStates(ctx, s, r, jobs, true)
	if err != nil {
		return err
	}
	experiment.SettleSlurm(r, jobs, states)
	fmt.Fprintf(e.stdout, "%s\ndigest:  %s\ncreated: %s\n", en, en.Digest, en.Created.Local().Format(time.RFC3339))
	fmt.Fprintf(e.stdout, "spec:    %s %s\n", orDash(r.Spec), r.SpecDigest)
	if logs, ok := m.Lineage.Extra[experiment.ExtraSlurmLogs].(string); ok {
		fmt.Fprintf(e.stdout, "logs:    %s\n", logs)
	}
	rows := r.Steps
	done := 0
	for _, st := range rows {
		if st.Digest != "" {
			done++
		}
	}
	fmt.Fprintf(e.stdout, "status:  %s (submitted to Slurm), %d of %d steps in the registry%s\n", r.Status, done, len(rows), note)
	return printTable(e, "STEP\tKIND\tJOB\tSLURM STATE\tENTRY\tSTATUS\tERROR", rows, func(st registry.RunStep) string {
		job, state := orDash(jobs[st.Key]), "-"
		if id := jobs[st.Key]; id != "" {
			state = orDash(states[id])
			if states[id] == "" {
				state = "unknown (finished long ago?)"
			}
		}
		return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s", st.Name, st.Kind, job, state, orDash(st.Entry), st.Status, orDash(st.Error))
	})
}

// cancelOptions are `rgml runs cancel RUN`'s.
type cancelOptions struct {
	env *env
	Ref string // the run
}

// newCmdCancel is `rgml runs cancel RUN`: scancel a submitted run's jobs
// that have not finished.
func newCmdCancel(e *env, runF func(context.Context, *cancelOptions) error) *cli.Command {
	return &cli.Command{
		Name:      "cancel",
		Usage:     "cancel the Slurm jobs of a run submitted with --executor slurm (those not finished)",
		ArgsUsage: "RUN",
		Action: func(c *cli.Context) error {
			return orRun(runF, runCancel)(c.Context, &cancelOptions{env: e, Ref: c.Args().First()})
		},
	}
}

func runCancel(ctx context.Context, o *cancelOptions) error {
	e := o.env
	return e.withEntry(ctx, registry.Run, readOnly, o.Ref, func(s *registry.Store, en registry.Entry) error {
		m, err := s.Manifest(en)
		if err != nil {
			return err
		}
		jobs := experiment.SlurmJobs(m)
		if jobs == nil {
			return usagef("%s was not submitted to a batch system (rgml run --executor slurm): nothing to cancel", en.Ref())
		}
		client, err := slurm.New()
		if err != nil {
			return usageError{err}
		}
		live, total, err := experiment.CancelSlurm(ctx, client, jobs)
		if err != nil {
			return err
		}
		if len(live) == 0 {
			fmt.Fprintf(e.stdout, "%s: no job left to cancel (%d jobs, all finished)\n", en.Ref(), total)
			return nil
		}
		fmt.Fprintf(e.stdout, "%s: cancelled %d job(s): %s\n", en.Ref(), len(live), strings.Join(live, " "))
		return nil
	})
}
