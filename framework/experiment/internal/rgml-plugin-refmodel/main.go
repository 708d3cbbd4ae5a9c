// Command rgml-plugin-refmodel is a test-only model plugin: independent
// random spins with parameters T and h, declaring references that no real
// model declares, so that tests can tell the references a figure draws
// from its data's model apart from any the host might know. Built with
// -ldflags "-X main.name=NAME -X main.declare=none|bad" it declares no
// references, or a malformed one.
package main

import (
	"context"
	"math"

	"github.com/rgml/rgml/framework/sdk"
)

var (
	name    = "refmodel"
	declare = "yes"
)

type model struct{}

func (model) Describe(context.Context) (sdk.ModelDescription, error) {
	d := sdk.ModelDescription{
		Info: sdk.Info{Name: name, Version: "1", Doc: "independent random spins (test only)"},
		Parameters: []sdk.ParamSpec{
			{Name: "T", Doc: "temperature", Kind: sdk.Float, Default: 1, HasMin: true},
			{Name: "h", Doc: "field", Kind: sdk.Float},
		},
		StateSpace:       []int8{-1, 1},
		Algorithms:       []sdk.Algorithm{{Name: "iid", Doc: "independent spins"}},
		DefaultAlgorithm: "iid",
		Dimension:        2,
		MinSize:          2,
	}
	switch declare {
	case "yes":
		d.References = []sdk.Reference{
			{Name: "T_x", Points: []sdk.Params{{"T": 1.5}}, Source: "test: a point on the T axis"},
			// At h = 0.5 only: not drawn for data sampled at h = 0.
			{Name: "T_h", Points: []sdk.Params{{"T": 1.25, "h": 0.5}}, Source: "test: a point at h = 0.5"},
			{Name: "line", Points: []sdk.Params{{"T": 1, "h": 0}, {"T": 2, "h": 1}}, Source: "test: a curve in (T, h)"},
		}
	case "bad":
		d.References = []sdk.Reference{{Name: "T_x", Points: []sdk.Params{{"T": math.Inf(1)}}, Source: "test"}}
	}
	return d, nil
}

func (model) Sample(ctx context.Context, req sdk.SampleRequest, emit sdk.Emit) error {
	sites := req.Size * req.Size
	x := req.Seed
	for p := range req.Points {
		c := make([]int8, req.PerPoint*sites)
		for i := range c {
			x = x*6364136223846793005 + 1442695040888963407
			c[i] = int8(x>>63)*2 - 1
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

func (model) Observables(context.Context, sdk.Params, int, []int8) (map[string][]float64, error) {
	return map[string][]float64{}, nil
}

func main() { sdk.Serve(sdk.ServeConfig{Model: model{}}) }
