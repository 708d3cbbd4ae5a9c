// Command rgml-plugin-badstates is a test-only model plugin with a bug a
// plugin author could make: it declares the state space {−1, +1} but its
// sampler draws spin-1 values {−1, 0, +1}, so learners that trust the
// declaration are fed values outside it. `rgml plugins check badstates`
// must name the sample as the part that fails.
package main

import (
	"context"

	"github.com/rgml/rgml/framework/sdk"
)

type model struct{}

func (model) Describe(context.Context) (sdk.ModelDescription, error) {
	return sdk.ModelDescription{
		Info:             sdk.Info{Name: "badstates", Version: "1", Doc: "declares ±1, samples −1, 0, +1 (tests only)"},
		Parameters:       []sdk.ParamSpec{{Name: "T", Doc: "temperature (ignored)", Kind: sdk.Float, Default: 1, HasMin: true}},
		StateSpace:       []int8{-1, 1},
		Algorithms:       []sdk.Algorithm{{Name: "iid", Doc: "independent sites, uniform over −1, 0, +1"}},
		DefaultAlgorithm: "iid",
		Dimension:        2,
		MinSize:          2,
		Observables:      []sdk.Observable{{Name: "magnetization", Doc: "mean site value"}},
	}, nil
}

func (model) Sample(ctx context.Context, req sdk.SampleRequest, emit sdk.Emit) error {
	sites := req.Size * req.Size
	x := req.Seed
	for p := range req.Points {
		c := make([]int8, req.PerPoint*sites)
		for i := range c {
			x = x*6364136223846793005 + 1442695040888963407
			c[i] = int8((x>>33)%3) - 1
		}
		if err := emit(sdk.SampleChunk{Point: p, Configs: c}); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

func (model) Observables(_ context.Context, _ sdk.Params, size int, configs []int8) (map[string][]float64, error) {
	sites := size * size
	m := make([]float64, len(configs)/sites)
	for i := range m {
		for _, v := range configs[i*sites : (i+1)*sites] {
			m[i] += float64(v) / float64(sites)
		}
	}
	return map[string][]float64{"magnetization": m}, nil
}

func main() { sdk.Serve(sdk.ServeConfig{Model: model{}}) }
