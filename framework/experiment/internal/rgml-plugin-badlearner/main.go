// Command rgml-plugin-badlearner is a test-only learner that returns what
// cannot be true, chosen by RGML_BADLEARNER: Train's weights with a NaN
// (nan), without the tensor b its description names (missing), or with a
// tensor it does not name (extra, which is allowed); predict's distribution
// with a NaN (nan-predict). Unset, it behaves: its weights are W and b,
// "flow" returns the configurations unchanged and "predict" puts all its
// weight on the class 1.
package main

import (
	"context"
	"math"
	"os"

	"github.com/rgml/rgml/framework/sdk"
)

type learner struct{}

func (learner) Describe(context.Context) (sdk.LearnerDescription, error) {
	return sdk.LearnerDescription{
		Info:            sdk.Info{Name: "badlearner", Version: "1", Doc: "returns NaN and missing weights on request (tests only)"},
		Hyperparameters: []sdk.ParamSpec{{Name: "epochs", Doc: "ignored", Kind: sdk.Int, Default: 1, HasMin: true, Min: 1}},
		Operations: []sdk.Operation{
			{Name: "flow", Doc: "the configurations, unchanged, at every iteration count"},
			{Name: "predict", Doc: "all weight on the class 1"},
		},
		WeightNames: []string{"W", "b"},
		NeedsLabel:  true,
	}, nil
}

func (learner) Train(_ context.Context, req sdk.TrainRequest, _ sdk.TrainEvents) ([]sdk.Tensor, error) {
	w := []float32{0.5, -0.25}
	ts := []sdk.Tensor{{Name: "W", Shape: []int{2}, Data: w}, {Name: "b", Shape: []int{1}, Data: []float64{1}}}
	switch os.Getenv("RGML_BADLEARNER") {
	case "nan":
		w[1] = float32(math.NaN())
	case "missing":
		ts = ts[:1]
	case "extra":
		ts = append(ts, sdk.Tensor{Name: "junk", Shape: []int{1}, Data: []int8{3}})
	}
	return ts, nil
}

func (learner) Apply(_ context.Context, req sdk.ApplyRequest) ([]sdk.Tensor, error) {
	in, _ := sdk.FindTensor(req.Inputs, "configs")
	configs := in.Data.([]int8)
	if req.Operation == "flow" {
		its, _ := sdk.FindTensor(req.Inputs, "iterations")
		k := len(its.Data.([]int64))
		out := make([]int8, 0, k*len(configs))
		for range k {
			out = append(out, configs...)
		}
		return []sdk.Tensor{{Name: "configs", Shape: append([]int{k}, in.Shape...), Data: out}}, nil
	}
	dist := []float64{0, 1}
	if os.Getenv("RGML_BADLEARNER") == "nan-predict" {
		dist[0] = math.NaN()
	}
	return []sdk.Tensor{
		{Name: "distribution", Shape: []int{2}, Data: dist},
		{Name: "classes", Shape: []int{2}, Data: []float64{0.5, 1}},
	}, nil
}

func main() { sdk.Serve(sdk.ServeConfig{Learner: learner{}}) }
