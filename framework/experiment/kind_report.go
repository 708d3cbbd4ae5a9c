package experiment

import (
	"context"

	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/registry"
)

// The report kind (reportgen.go): it reads every other step, and is
// drawn anew each run from what the run has.

func planReport(_ context.Context, b *planner) error {
	r := b.Plan.Spec.Report
	if r == nil {
		return nil
	}
	if _, ok := LookupJudge(r.Judge); r.Judge != "" && !ok {
		return errAt(r.Pos("judge"), "judge", "%s", unknownJudge(r.Judge))
	}
	st := &Step{ID: "report/report", Kind: KindReport, Name: "report", Item: r}
	inputs := map[string]*Step{}
	for _, dep := range b.Plan.Steps {
		inputs[dep.ID] = dep
	}
	b.Key(st, map[string]any{"title": r.Title, "out": r.Out}, inputs)
	b.Add(&planned{Step: st})
	return nil
}

func runReportStep(ctx context.Context, env *Env, p *Plan, s *Step, input func(id string) string) (registry.Entry, error) {
	_, err := runReport(ctx, env, p, s, input)
	return registry.Entry{}, err
}

// reportOf is the report item of a report step.
func reportOf(s *Step) *spec.Report { return s.Item.(*spec.Report) }
