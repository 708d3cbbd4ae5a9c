package experiment

import (
	"context"

	"github.com/rgml/rgml/framework/experiment/exec"
	"github.com/rgml/rgml/framework/slurm"
	"github.com/rgml/rgml/registry"
)

// The executors' names (package exec) as cmd/rgml and the tests use them.
type (
	ExecOptions = exec.ExecOptions
	StepEvent   = exec.StepEvent
	Execution   = exec.Execution
	Executor    = exec.Executor
	Local       = exec.Local
	StepOutcome = exec.StepOutcome
	Slurm       = exec.Slurm
	SlurmJob    = exec.SlurmJob

	Options  = exec.Options
	Status   = exec.Status
	Result   = exec.Result
	RunError = exec.RunError
	Runner   = exec.Runner
)

// What became of a step in a run (exec.Status), and the run record's
// marks of a Slurm submission.
const (
	Done     = exec.Done
	Failed   = exec.Failed
	Blocked  = exec.Blocked
	Canceled = exec.Canceled

	StatusSubmitted = exec.StatusSubmitted
	ExtraExecutor   = exec.ExtraExecutor
	ExtraSlurmJobs  = exec.ExtraSlurmJobs
	ExtraSlurmLogs  = exec.ExtraSlurmLogs
)

// Execute runs a plan here (exec.Execute).
func Execute(ctx context.Context, env *Env, p *Plan, opt ExecOptions) (Execution, error) {
	return exec.Execute(ctx, env, p, opt)
}

// RunStep runs one step of a plan, as a batch job does (exec.RunStep).
func RunStep(ctx context.Context, env *Env, p *Plan, s *Step) (StepOutcome, error) {
	return exec.RunStep(ctx, env, p, s)
}

// Run runs the plan's steps with run (exec.Run).
func Run(ctx context.Context, p *Plan, opt Options, run Runner) ([]Result, error) {
	return exec.Run(ctx, p, opt, run)
}

// NewSlurmJob fills a job's options from the run's flags (exec.NewSlurmJob).
func NewSlurmJob(value func(flag string) any) SlurmJob { return exec.NewSlurmJob(value) }

// JobThreads is the threads a Slurm job may use (exec.JobThreads).
func JobThreads() int { return exec.JobThreads() }

// SlurmJobs returns the Slurm job of each step key of a run (exec.SlurmJobs).
func SlurmJobs(m registry.Manifest) map[string]string { return exec.SlurmJobs(m) }

// SettleSlurm completes a run record from its jobs' states (exec.SettleSlurm).
func SettleSlurm(r *registry.RunRecord, jobs, states map[string]string) {
	exec.SettleSlurm(r, jobs, states)
}

// SlurmStates asks Slurm the states of a run's jobs (exec.SlurmStates).
func SlurmStates(ctx context.Context, s *registry.Store, r *registry.RunRecord, jobs map[string]string, all bool) (map[string]string, string, error) {
	return exec.SlurmStates(ctx, s, r, jobs, all)
}

// CancelSlurm cancels a run's jobs (exec.CancelSlurm).
func CancelSlurm(ctx context.Context, client *slurm.Client, jobs map[string]string) ([]string, int, error) {
	return exec.CancelSlurm(ctx, client, jobs)
}

// SlurmGroups returns the jobs the Slurm executor makes of p when the
// registry has the steps in have (exec.SlurmGroups).
func SlurmGroups(p *Plan, have ...string) (members, after [][]string) {
	return exec.SlurmGroups(p, have...)
}

func init() {
	for _, sk := range kinds {
		exec.RegisterKind(sk.kind, exec.KindInfo{Entry: sk.entry, Once: sk.once, Run: sk.run})
	}
}
