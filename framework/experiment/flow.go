package experiment

import (
	"context"

	"github.com/rgml/rgml/framework/experiment/steps/flow"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/sdk"
)

// The flow kind's names (package steps/flow) as callers use them.
type (
	FlowSpec        = flow.FlowSpec
	FlowResult      = flow.FlowResult
	TwoParamReadout = flow.TwoParamReadout
	GridPoint       = flow.GridPoint
)

// FlowFile is the file of a Flow entry (formats.Flow).
const FlowFile = flow.FlowFile

// Flow runs an RBM flow, reads it with a thermometer and registers it
// (flow.Flow).
func Flow(ctx context.Context, env *Env, spec FlowSpec) (FlowResult, error) {
	return flow.Flow(ctx, env, spec)
}

// FlowSeed is the seed a flow passes to the RBM (flow.FlowSeed).
func FlowSeed(seed uint64, dataDigest string, where []grid.Axis) uint64 {
	return flow.FlowSeed(seed, dataDigest, where)
}

// Measurer is what a two-parameter read-out asks of the data's model
// (flow.Measurer).
type Measurer = flow.Measurer

// GridObservables measures a dataset labelled x and y with its model at
// one point and averages per distinct (x, y) (flow.GridObservables).
func GridObservables(ctx context.Context, m Measurer, obs []sdk.Observable, point sdk.Params, d sdk.Dataset, x, y string) ([]GridPoint, error) {
	return flow.GridObservables(ctx, m, obs, point, d, x, y)
}

// Nearest returns the grid point whose averages are nearest to at
// (flow.Nearest).
func Nearest(grid []GridPoint, at []float64) (g GridPoint, ok bool) { return flow.Nearest(grid, at) }
