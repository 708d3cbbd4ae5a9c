package reportkind

import (
	"context"
	"fmt"

	"github.com/rgml/rgml/registry"
)

// RunReportSpec reads the record of run, with the results its batch jobs
// have registered since (registry.Store.ResolveSubmitted), and returns
// the report of it that `rgml report` writes: titled after the run, an
// introduction naming its spec, status and time, its registered steps'
// entries in the record's order, and every other step as missing with the
// reason (failed, not run, removed), so that no figure vanishes silently.
// The caller sets Judge and Out, and may replace Title.
func RunReportSpec(ctx context.Context, s *registry.Store, run registry.Entry) (ReportSpec, registry.RunRecord, error) {
	rec, err := s.RunRecord(run)
	if err != nil {
		return ReportSpec{}, rec, err
	}
	if _, err := s.ResolveSubmitted(ctx, &rec); err != nil {
		return ReportSpec{}, rec, err
	}
	spec := ReportSpec{Title: "rgml report: " + run.Ref(),
		Intro: []string{fmt.Sprintf("Run %s (%s, %s), status %s, started %s, %.0f s.", run.Ref(), rec.Spec, run.Digest[:19], rec.Status, rec.Started.Format("2006-01-02 15:04 MST"), rec.Seconds)}}
	for _, st := range rec.Steps {
		if st.Kind == ReportKind {
			continue
		}
		if st.Digest == "" {
			why := "step " + st.Status
			if st.Error != "" {
				why += ": " + st.Error
			}
			spec.Missing = append(spec.Missing, MissingStep{Name: st.Name, Kind: string(st.Kind), Why: why})
			continue
		}
		en, err := s.Lookup(st.Digest)
		if err == nil && !en.Removed.IsZero() {
			err = fmt.Errorf("removed on %s", en.Removed.Format("2006-01-02 15:04 MST"))
		}
		if err != nil {
			spec.Missing = append(spec.Missing, MissingStep{Name: st.Name, Kind: string(st.Kind), Why: "its entry " + st.Entry + " is not in the registry: " + err.Error()})
			continue
		}
		spec.Entries = append(spec.Entries, en)
	}
	return spec, rec, nil
}
