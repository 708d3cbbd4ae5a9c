package rbm

import (
	"context"
	"math"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// epochs = 0 returns the initial weights untrained, W_ia ~ N(0, init_std²)
// with zero biases: the random-weight control of Veiga & Vicente (2020).
// Through the gRPC shims, as the host calls it.
func TestUntrainedRandomWeights(t *testing.T) {
	l := grpcLearner(t)
	ds := lowTData(10, 30, 0.1, 1)
	const std = 0.3
	rec := &recorder{}
	p := sdk.Params{ParamHidden: 64, ParamEpochs: 0, ParamInitStd: std}
	w, err := l.Train(context.Background(), sdk.TrainRequest{Hyper: p, Seed: 5, Train: ds, CheckpointEvery: 1}, rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.progress) != 0 || len(rec.checkpoints) != 0 {
		t.Errorf("an untrained RBM reported %d progress events and %d checkpoints", len(rec.progress), len(rec.checkpoints))
	}
	W := f32(t, w, TensorW)
	if len(W) != 100*64 {
		t.Fatalf("W has %d elements, want 100·64", len(W))
	}
	var s, s2 float64
	for _, v := range W {
		s += float64(v)
		s2 += float64(v) * float64(v)
	}
	n := float64(len(W))
	mean, sd := s/n, math.Sqrt(s2/n-(s/n)*(s/n))
	// 6400 Gaussian draws: the mean's standard error is std/80, the
	// standard deviation's about std/113; 5 of each.
	if math.Abs(mean) > 5*std/80 || math.Abs(sd-std) > 5*std/113 {
		t.Errorf("W: mean %.4f, std %.4f; want N(0, %v²)", mean, sd, std)
	}
	for _, name := range []string{TensorBV, TensorBH} {
		for _, v := range f32(t, w, name) {
			if v != 0 {
				t.Fatalf("%s is not zero: %v", name, v)
			}
		}
	}
	// The same seed gives the same weights; the default init_std is 0.01.
	w2, err := l.Train(context.Background(), sdk.TrainRequest{Hyper: p, Seed: 5, Train: ds}, &recorder{})
	if err != nil {
		t.Fatal(err)
	}
	if string(tensorBytes(t, w, TensorW)) != string(tensorBytes(t, w2, TensorW)) {
		t.Error("the same seed gave other random weights")
	}
	w3, err := l.Train(context.Background(), sdk.TrainRequest{Hyper: sdk.Params{ParamHidden: 64, ParamEpochs: 0}, Seed: 5, Train: ds}, &recorder{})
	if err != nil {
		t.Fatal(err)
	}
	W3 := f32(t, w3, TensorW)
	for i := range W3 {
		if d := float64(W3[i]) - float64(W[i])*InitStd/std; math.Abs(d) > 1e-6 {
			t.Fatalf("W[%d] = %v with the default init_std, want %v·%v/%v", i, W3[i], W[i], InitStd, std)
		}
	}
}
