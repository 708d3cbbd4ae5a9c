package thermometer

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/blumecapel"
)

// bcGrid samples Blume-Capel configurations (L = 8, the paper's
// Metropolis protocol) at every (T, Δ) of the grid, labelled T and Delta.
func bcGrid(t *testing.T, ts, deltas []float64, perPoint int, seed uint64) sdk.Dataset {
	t.Helper()
	const L = 8
	var points []sdk.Params
	for _, T := range ts {
		for _, d := range deltas {
			points = append(points, sdk.Params{"T": T, "Delta": d})
		}
	}
	m := blumecapel.New()
	desc, _ := m.Describe(context.Background())
	req, err := desc.Validate(sdk.SampleRequest{Points: points, Size: L, PerPoint: perPoint, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	configs := make([]int8, len(points)*perPoint*L*L)
	err = m.Sample(context.Background(), req, func(c sdk.SampleChunk) error {
		copy(configs[(c.Point*perPoint+c.First)*L*L:], c.Configs)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ds := sdk.Dataset{Size: L, Configs: configs, Labels: map[string][]float64{}}
	for _, p := range points {
		for k := 0; k < perPoint; k++ {
			ds.Labels["T"] = append(ds.Labels["T"], p["T"])
			ds.Labels["Delta"] = append(ds.Labels["Delta"], p["Delta"])
		}
	}
	return ds
}

// A (T, Δ) thermometer trained on Blume-Capel Monte Carlo data of a 3×3
// grid (ordered, disordered, empty, both sides of the transition line)
// recovers the grid point of held-out configurations: its most probable
// class is the right one for at least 30 % of the 360 of them, 2.7×
// chance (1/9; a chance classifier's accuracy has σ = 0.017, so 0.3 is
// 11σ above it). Measured: 0.39. The low-T ordered points at Δ = 0 and 1.5
// are nearly identical configurations, which caps the accuracy.
// predict returns the classes as a 2-column tensor and a 2-value mean.
func TestJointTemperatureDelta(t *testing.T) {
	ts, deltas := []float64{0.4, 1.2, 3}, []float64{0, 1.5, 2.5}
	train, test := bcGrid(t, ts, deltas, 120, 1), bcGrid(t, ts, deltas, 40, 2)
	th := NewWithOptions(Options{Workers: 2})
	ctx := context.Background()
	rec := &recorder{}
	w, err := th.Train(ctx, sdk.TrainRequest{Label: "T,Delta", Train: train, Test: &test, Seed: 1,
		Hyper: sdk.Params{"hidden": 64, "epochs": 1000, "test_every": 1000, "lr": 0.3}}, rec)
	if err != nil {
		t.Fatal(err)
	}
	cl, _ := sdk.FindTensor(w, TensorClasses)
	if !slices.Equal(cl.Shape, []int{9, 2}) || cl.Data.([]float64)[2] != 0.4 || cl.Data.([]float64)[3] != 1.5 {
		t.Fatalf("classes %v %v, want the 9 (T, Δ) pairs sorted by T then Δ", cl.Shape, cl.Data)
	}
	acc := rec.progress[len(rec.progress)-1].Metrics[MetricTestAccuracy]
	t.Logf("held-out accuracy %.3f (chance 0.111)", acc)
	if acc < 0.3 {
		t.Errorf("held-out accuracy %.3f < 0.3", acc)
	}
	// predict on the held-out configurations of one grid point.
	sites := test.Sites()
	var pick []int8
	for i := 0; i < test.Len(); i++ {
		if test.Labels["T"][i] == 3 && test.Labels["Delta"][i] == 0 {
			pick = append(pick, test.Configs[i*sites:(i+1)*sites]...)
		}
	}
	out, err := th.Apply(ctx, sdk.ApplyRequest{Operation: OpPredict, Weights: w,
		Inputs: []sdk.Tensor{{Name: TensorConfigs, Shape: []int{len(pick) / sites, sites}, Data: pick}}})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := sdk.FindTensor(out, TensorClasses)
	m, _ := sdk.FindTensor(out, TensorMean)
	if !slices.Equal(c.Shape, []int{9, 2}) || !slices.Equal(m.Shape, []int{2}) {
		t.Fatalf("predict: classes %v, mean %v", c.Shape, m.Shape)
	}
	if mean := m.Data.([]float64); mean[0] < 2 {
		t.Errorf("configurations at (T, Δ) = (3, 0) read as mean (T, Δ) = %v", mean)
	}
	// Errors: three labels, a test point off the grid.
	if _, err := th.Train(ctx, sdk.TrainRequest{Label: "T,Delta,T", Train: train, Hyper: sdk.Params{"epochs": 1}}, &recorder{}); err == nil ||
		!strings.Contains(err.Error(), "at most 2") {
		t.Errorf("three labels: %v", err)
	}
	off := bcGrid(t, []float64{0.4}, []float64{1}, 2, 3)
	if _, err := th.Train(ctx, sdk.TrainRequest{Label: "T,Delta", Train: train, Test: &off, Hyper: sdk.Params{"epochs": 1}}, &recorder{}); err == nil ||
		!strings.Contains(err.Error(), "not among") {
		t.Errorf("test point off the grid: %v", err)
	}
}
