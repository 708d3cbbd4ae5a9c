package rbm_test

import (
	"context"
	"fmt"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/rbm"
)

// lastProgress keeps the last progress event of a training.
type lastProgress struct{ p sdk.Progress }

func (l *lastProgress) Progress(p sdk.Progress) error   { l.p = p; return nil }
func (l *lastProgress) Checkpoint(sdk.Checkpoint) error { return nil }

// Train an RBM on T = 0 configurations of a 4×4 lattice (all spins up or
// all down) and run its flow from two configurations.
func Example() {
	const L, n = 4, 100
	configs := make([]int8, n*L*L)
	for c := 0; c < n; c++ {
		for i := 0; i < L*L; i++ {
			configs[c*L*L+i] = int8(1 - 2*(c%2))
		}
	}
	ctx := context.Background()
	l := rbm.New()
	events := &lastProgress{}
	weights, err := l.Train(ctx, sdk.TrainRequest{
		Hyper: sdk.Params{"hidden": 8, "epochs": 300, "lr": 0.1},
		Seed:  1,
		Train: sdk.Dataset{Size: L, Configs: configs},
	}, events)
	if err != nil {
		fmt.Println(err)
		return
	}
	W, _ := sdk.FindTensor(weights, "W")
	fmt.Println("W:", W.Shape)
	fmt.Println("epochs:", events.p.Epoch)
	fmt.Println("reconstruction error below 0.01:", events.p.Metrics["reconstruction_error"] < 0.01)

	out, err := l.Apply(ctx, sdk.ApplyRequest{
		Operation: "flow", Seed: 2, Size: L, Weights: weights,
		Inputs: []sdk.Tensor{
			{Name: "configs", Shape: []int{2, L * L}, Data: configs[:2*L*L]},
			{Name: "iterations", Shape: []int{3}, Data: []int64{0, 1, 10}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	flow, _ := sdk.FindTensor(out, "configs")
	fmt.Println("flow:", flow.Shape)
	// Output:
	// W: [16 8]
	// epochs: 300
	// reconstruction error below 0.01: true
	// flow: [3 2 16]
}
