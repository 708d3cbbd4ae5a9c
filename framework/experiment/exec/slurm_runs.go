package exec

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/rgml/rgml/framework/slurm"
	"github.com/rgml/rgml/registry"
)

// SlurmJobs returns the Slurm job of each step key of a run submitted
// with the Slurm executor (nil for another run).
func SlurmJobs(m registry.Manifest) map[string]string {
	if m.Lineage.Extra[ExtraExecutor] != "slurm" {
		return nil
	}
	raw, _ := m.Lineage.Extra[ExtraSlurmJobs].(map[string]any)
	jobs := map[string]string{}
	for k, v := range raw {
		if s, ok := v.(string); ok {
			jobs[k] = s
		}
	}
	return jobs
}

// slurmEnded are the states of a Slurm job that has ended for good
// (PREEMPTED is not: the job may be requeued).
var slurmEnded = map[string]bool{"COMPLETED": true, "CANCELLED": true, "FAILED": true, "TIMEOUT": true,
	"OUT_OF_MEMORY": true, "NODE_FAIL": true, "BOOT_FAIL": true, "DEADLINE": true, "REVOKED": true}

// slurmLive are the states of a Slurm job that may still run: the ones
// worth a scancel.
var slurmLive = map[string]bool{"PENDING": true, "RUNNING": true, "SUSPENDED": true, "REQUEUED": true, "CONFIGURING": true,
	"COMPLETING": true, "RESIZING": true, "REQUEUE_HOLD": true, "REQUEUE_FED": true, "STOPPED": true}

// SettleSlurm completes, with what Slurm says of their jobs, a resolved
// record's steps that the registry has no result for: a job that ended
// without registering one failed, or was cancelled, and so did the run.
// The record itself says "submitted" forever (an entry never changes);
// this is what a listing shows instead. jobs maps step key to job id,
// states job id to Slurm state.
func SettleSlurm(r *registry.RunRecord, jobs, states map[string]string) {
	failed, cancelled := false, false
	for i := range r.Steps {
		st := &r.Steps[i]
		id := jobs[st.Key]
		state := states[id]
		if st.Status != registry.StatusSubmitted || id == "" || !slurmEnded[state] {
			continue
		}
		if state == "CANCELLED" {
			st.Status, st.Error = registry.StatusCancelled, "Slurm job "+id+" was cancelled"
			cancelled = true
			continue
		}
		st.Status, st.Error = registry.StatusFailed, "Slurm job "+id+" ended "+state+" without registering its result (see its log)"
		failed = true
	}
	switch {
	case failed:
		r.Status = registry.StatusFailed
	case cancelled:
		r.Status = registry.StatusCancelled
	}
}

// SlurmStates asks Slurm the state of the jobs of a resolved record's
// steps (all when all, else those still without a result: none for a
// finished run, which a listing then does not ask about), then resolves
// the record again, so that a job that registered its result and ended
// between the two reads is done rather than failed. note says why the
// states are unknown, if they are.
func SlurmStates(ctx context.Context, s *registry.Store, r *registry.RunRecord, jobs map[string]string, all bool) (states map[string]string, note string, err error) {
	var ids []string
	for _, st := range r.Steps {
		if id := jobs[st.Key]; id != "" && (all || st.Status == registry.StatusSubmitted) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, "", nil
	}
	sort.Strings(ids)
	client, err := slurm.New()
	if err != nil {
		return nil, " (job states unknown here: " + err.Error() + ")", nil
	}
	if states, err = client.States(ctx, slices.Compact(ids)); err != nil {
		return nil, " (job states unknown: " + err.Error() + ")", nil
	}
	if _, err := s.ResolveSubmitted(ctx, r); err != nil {
		return nil, "", err
	}
	return states, "", nil
}

// CancelSlurm cancels the jobs of a submitted run (by step key, as
// SlurmJobs returns them) that have not finished, and returns them and
// how many jobs the run has.
func CancelSlurm(ctx context.Context, client *slurm.Client, jobs map[string]string) (cancelled []string, total int, err error) {
	var ids []string
	for _, id := range jobs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	states, err := client.States(ctx, ids)
	if err != nil {
		return nil, len(ids), err
	}
	for _, id := range ids {
		if slurmLive[states[id]] {
			cancelled = append(cancelled, id)
		}
	}
	if len(cancelled) == 0 {
		return nil, len(ids), nil
	}
	if err := client.Cancel(ctx, cancelled); err != nil {
		return nil, len(ids), fmt.Errorf("scancel: %w", err)
	}
	return cancelled, len(ids), nil
}
