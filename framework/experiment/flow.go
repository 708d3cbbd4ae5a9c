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

// GridObservables returns SpinObservables per distinct (x, y) of a
// dataset labelled x and y (flow.GridObservables).
func GridObservables(d sdk.Dataset, x, y string) []GridPoint { return flow.GridObservables(d, x, y) }

// Nearest returns the grid point nearest to the given observables
// (flow.Nearest).
func Nearest(grid []GridPoint, absM, s2, nn float64) (g GridPoint, ok bool) {
	return flow.Nearest(grid, absM, s2, nn)
}

// SpinObservables returns the thermometer-free observables of n
// configurations of an L×L lattice (flow.SpinObservables).
func SpinObservables(configs []int8, n, L int) (absM, s2, nn float64) {
	return flow.SpinObservables(configs, n, L)
}

// SpinObservablesDefined says whether SpinObservables applies to data of
// these site values and lattice (flow.SpinObservablesDefined).
func SpinObservablesDefined(states []int8, lattice string) bool {
	return flow.SpinObservablesDefined(states, lattice)
}
