package reportkind

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"

	"github.com/rgml/rgml/framework/experiment/plan"
	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/registry"
)

// The report kind (report.go): it reads every other step, and is drawn
// anew each run from what the run has; it makes no registry entry, and
// a batch system does not run it (`rgml report RUN` draws it once the
// jobs are done).

// Version versions the report this package assembles from the registry
// (the data written beside its figures): bump it when they change
// (TestCodeVersionsGolden).
const Version = 2 // 2: plane diagrams hold each path's start (PATH.start)

// ReportKind is what a run record calls its report step: the report is
// a folder of files, not a registry entry.
const ReportKind registry.Kind = "report"

// Plan adds the spec's report, if it has one, reading every step planned
// before it; a judge nobody registered is an error at its field.
func Plan(_ context.Context, b *plan.Planner) error {
	r := b.Plan.Spec.Report
	if r == nil {
		return nil
	}
	if _, ok := LookupJudge(r.Judge); r.Judge != "" && !ok {
		return spec.At(r.Pos("judge"), "judge", "%s", unknownJudge(r.Judge))
	}
	st := &plan.Step{ID: "report/report", Kind: plan.KindReport, Name: "report", Item: r}
	inputs := map[string]*plan.Step{}
	for _, dep := range b.Plan.Steps {
		inputs[dep.ID] = dep
	}
	b.Key(st, map[string]any{"title": r.Title, "out": r.Out}, inputs)
	b.Add(&plan.Node{Step: st})
	return nil
}

// Run draws the report of a plan from every other step's entry (into
// env.ReportOut when set, else the spec's out); it returns no entry.
func Run(ctx context.Context, env *steps.Env, p *plan.Plan, s *plan.Step, input func(id string) string) (registry.Entry, error) {
	store, err := env.Registry()
	if err != nil {
		return registry.Entry{}, err
	}
	var entries []registry.Entry
	for _, st := range p.Steps {
		if st.Kind == plan.KindReport {
			continue
		}
		d := input(st.ID)
		if d == "" {
			continue
		}
		en, err := store.Lookup(d)
		if err != nil {
			return registry.Entry{}, err
		}
		entries = append(entries, en)
	}
	r := s.Item.(*spec.Report)
	out := r.Out
	if env.ReportOut != "" {
		out = env.ReportOut
	}
	rs := ReportSpec{Title: r.Title, Judge: r.Judge, Out: out, Entries: entries,
		Intro: []string{fmt.Sprintf("Spec %s (%s); drawn by rgml version %s, commit %s.", filepath.Base(p.Spec.File), p.Spec.Digest,
			orUnknown(env.Build.Version, "unknown"), orUnknown(env.Build.Commit, "unknown"))}}
	_, err = BuildReport(ctx, store, rs)
	if err != nil && report.IsMissing(err) {
		return registry.Entry{}, fmt.Errorf("report in %s: %w", out, err)
	}
	return registry.Entry{}, err
}

func usagef(format string, args ...any) error { return spec.Usagef(format, args...) }

func formatNumber(v float64) string { return spec.FormatNumber(v) }

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
