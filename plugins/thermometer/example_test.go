package thermometer_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/thermometer"
)

// progress discards the training's events.
type progress struct{}

func (progress) Progress(sdk.Progress) error     { return nil }
func (progress) Checkpoint(sdk.Checkpoint) error { return nil }

// Train a small thermometer on three "temperatures" whose configurations
// differ in magnetisation, then measure the temperature distribution of an
// ensemble of each.
func Example() {
	const L, perClass = 6, 300
	temps := []float64{1, 2, 3}
	up := []float64{0.9, 0.5, 0.1} // probability of a spin up at each T
	rng := rand.New(rand.NewPCG(1, 2))
	dataset := func(n int) sdk.Dataset {
		d := sdk.Dataset{Size: L, Labels: map[string][]float64{"T": nil}}
		for a := range n * len(temps) {
			k := a % len(temps)
			for range L * L {
				s := int8(-1)
				if rng.Float64() < up[k] {
					s = 1
				}
				d.Configs = append(d.Configs, s)
			}
			d.Labels["T"] = append(d.Labels["T"], temps[k])
		}
		return d
	}
	train := dataset(perClass)

	th := thermometer.New()
	ctx := context.Background()
	weights, err := th.Train(ctx, sdk.TrainRequest{
		Hyper: sdk.Params{"hidden": 8, "epochs": 100, "lr": 0.5},
		Seed:  1, Label: "T", Train: train,
	}, progress{})
	if err != nil {
		fmt.Println(err)
		return
	}

	for k, T := range temps {
		// 100 fresh configurations at temperature T.
		var configs []int8
		for range 100 {
			for range L * L {
				s := int8(-1)
				if rng.Float64() < up[k] {
					s = 1
				}
				configs = append(configs, s)
			}
		}
		out, err := th.Apply(ctx, sdk.ApplyRequest{Operation: thermometer.OpPredict, Size: L, Weights: weights,
			Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{100, L * L}, Data: configs}}})
		if err != nil {
			fmt.Println(err)
			return
		}
		dist, _ := sdk.FindTensor(out, "distribution")
		mean, _ := sdk.FindTensor(out, "mean")
		p := dist.Data.([]float64)
		peak := 0
		for j := range p {
			if p[j] > p[peak] {
				peak = j
			}
		}
		fmt.Printf("ensemble at T = %g: distribution peaks at T = %g, mean T within 0.2: %v\n",
			T, temps[peak], mean.Data.([]float64)[0] > T-0.2 && mean.Data.([]float64)[0] < T+0.2)
	}
	// Output:
	// ensemble at T = 1: distribution peaks at T = 1, mean T within 0.2: true
	// ensemble at T = 2: distribution peaks at T = 2, mean T within 0.2: true
	// ensemble at T = 3: distribution peaks at T = 3, mean T within 0.2: true
}
