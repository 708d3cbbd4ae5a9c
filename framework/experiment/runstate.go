package experiment

import (
	"context"
	"strings"

	"github.com/rgml/rgml/registry"
)

// RunRecordOf returns the record of a run entry (nil for other kinds):
// its run.json if it has one, with the results its batch jobs have
// registered since (registry.Store.ResolveSubmitted), else what its
// lineage says (each "step:NAME" input, and the status in
// Extra["status"]). `rgml runs` and `rgml ui` show runs through it, so
// that both say the same of one.
func RunRecordOf(s *registry.Store, en registry.Entry, m registry.Manifest) (*registry.RunRecord, error) {
	if en.Kind != registry.Run {
		return nil, nil
	}
	if _, ok := en.File(registry.RunRecordFile); ok {
		r, err := s.RunRecord(en)
		if err != nil {
			return nil, err
		}
		if _, err := s.ResolveSubmitted(context.Background(), &r); err != nil {
			return nil, err
		}
		return &r, nil
	}
	r := &registry.RunRecord{Format: registry.RunRecordFormat, Started: en.Created}
	if st, ok := m.Lineage.Extra["status"].(string); ok {
		r.Status = st
	}
	for _, in := range m.Lineage.Inputs {
		name, ok := strings.CutPrefix(in.Role, "step:")
		if !ok {
			continue
		}
		st := registry.RunStep{Name: name, Digest: in.Digest}
		if t, err := s.Lookup(in.Digest); err == nil {
			st.Kind, st.Entry = t.Kind, t.Ref()
		}
		r.Steps = append(r.Steps, st)
	}
	return r, nil
}

// SettledRunRecord is RunRecordOf completed, for a run handed to Slurm,
// with what Slurm says of the jobs still without a result (SettleSlurm),
// as `rgml runs list` shows it; when Slurm cannot be asked, the record
// stays as the registry has it.
func SettledRunRecord(ctx context.Context, s *registry.Store, en registry.Entry, m registry.Manifest) (*registry.RunRecord, error) {
	r, err := RunRecordOf(s, en, m)
	if err != nil || r == nil {
		return r, err
	}
	if jobs := SlurmJobs(m); jobs != nil {
		if states, _, err := SlurmStates(ctx, s, r, jobs, false); err == nil {
			SettleSlurm(r, jobs, states)
		}
	}
	return r, nil
}
