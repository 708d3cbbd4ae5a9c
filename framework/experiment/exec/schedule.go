package exec

import (
	"context"

	"github.com/rgml/rgml/framework/experiment/schedule"
)

// The scheduler's names for a plan's steps (package schedule).
type (
	Options  = schedule.Options
	Status   = schedule.Status
	Result   = schedule.Result[*Step]
	RunError = schedule.RunError[*Step]
	Runner   = schedule.Runner[*Step]
)

// What became of a step in a run (schedule.Status).
const (
	Done     = schedule.Done
	Failed   = schedule.Failed
	Blocked  = schedule.Blocked
	Canceled = schedule.Canceled
)

var stepGraph = schedule.Graph[*Step]{ID: func(s *Step) string { return s.ID }, Deps: func(s *Step) []string { return s.Deps }}

// Run runs the plan's steps with run (schedule.Run): each after the steps
// it reads, independent steps concurrently within opt.
func Run(ctx context.Context, p *Plan, opt Options, run Runner) ([]Result, error) {
	return schedule.Run(ctx, p.Steps, stepGraph, opt, run)
}
