package sdk_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"

	"github.com/rgml/rgml/framework/sdk"
)

// meanLearner "learns" the mean configuration, enough to exercise every
// message of the Learner protocol.
type meanLearner struct{}

func (meanLearner) Describe(context.Context) (sdk.LearnerDescription, error) {
	return sdk.LearnerDescription{
		Info: sdk.Info{Name: "mean", Version: "0"},
		Hyperparameters: []sdk.ParamSpec{
			{Name: "epochs", Doc: "epochs", Kind: sdk.Int, Default: 3, HasMin: true, Min: 1},
		},
		Operations:  []sdk.Operation{{Name: "project", Doc: "configs · W"}},
		WeightNames: []string{"W"},
	}, nil
}

func (meanLearner) Train(ctx context.Context, req sdk.TrainRequest, ev sdk.TrainEvents) ([]sdk.Tensor, error) {
	sites, n := req.Train.Sites(), req.Train.Len()
	W := make([]float32, sites)
	for i, v := range req.Train.Configs {
		W[i%sites] += float32(v) / float32(n)
	}
	start := 0
	if req.Resume != nil {
		start = req.Resume.Epoch
	}
	epochs := int(req.Hyper["epochs"])
	for e := start + 1; e <= epochs; e++ {
		if err := ev.Progress(sdk.Progress{Epoch: e, Epochs: epochs, Metrics: map[string]float64{"loss": 1 / float64(e)}}); err != nil {
			return nil, err
		}
		if req.CheckpointEvery > 0 && e%req.CheckpointEvery == 0 {
			if err := ev.Checkpoint(sdk.Checkpoint{Epoch: e, Tensors: []sdk.Tensor{{Name: "W", Shape: []int{sites}, Data: W}}}); err != nil {
				return nil, err
			}
		}
	}
	return []sdk.Tensor{{Name: "W", Shape: []int{sites}, Data: W}}, nil
}

func (meanLearner) Apply(ctx context.Context, req sdk.ApplyRequest) ([]sdk.Tensor, error) {
	w, _ := sdk.FindTensor(req.Weights, "W")
	in, ok := sdk.FindTensor(req.Inputs, "configs")
	if !ok {
		return nil, sdk.InvalidArgument("no configs")
	}
	W, c := w.Data.([]float32), in.Data.([]int8)
	out := make([]float64, len(c)/len(W))
	for i, v := range c {
		out[i/len(W)] += float64(v) * float64(W[i%len(W)])
	}
	return []sdk.Tensor{{Name: "projection", Shape: []int{len(out)}, Data: out}}, nil
}

type recorder struct {
	progress    []sdk.Progress
	checkpoints []sdk.Checkpoint
}

func (r *recorder) Progress(p sdk.Progress) error { r.progress = append(r.progress, p); return nil }
func (r *recorder) Checkpoint(c sdk.Checkpoint) error {
	r.checkpoints = append(r.checkpoints, c)
	return nil
}

func TestLearnerOverGRPC(t *testing.T) {
	client, _ := plugin.TestPluginGRPCConn(t, false, sdk.PluginSet(sdk.ServeConfig{Learner: meanLearner{}}))
	defer client.Close()
	raw, err := client.Dispense(sdk.KindLearner)
	if err != nil {
		t.Fatal(err)
	}
	l := raw.(sdk.Learner)
	ctx := context.Background()

	// 30 000 configurations of 10×10: 3 MB, several chunks.
	const n, sites = 30000, 100
	configs := make([]int8, n*sites)
	T := make([]float64, n)
	for i := range configs {
		configs[i] = int8(1 - 2*((i/sites+i%sites)%3/2))
	}
	for i := range T {
		T[i] = float64(i % 25)
	}
	ds := sdk.Dataset{Size: 10, Configs: configs, Labels: map[string][]float64{"T": T}}
	rec := &recorder{}
	w, err := l.Train(ctx, sdk.TrainRequest{Hyper: sdk.Params{"epochs": 5}, Train: ds, CheckpointEvery: 2, Seed: 1}, rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.progress) != 5 || rec.progress[4].Epoch != 5 || rec.progress[4].Metrics["loss"] != 0.2 {
		t.Errorf("progress: %+v", rec.progress)
	}
	if len(rec.checkpoints) != 2 || rec.checkpoints[1].Epoch != 4 || len(rec.checkpoints[1].Tensors) != 1 {
		t.Errorf("checkpoints: %+v", rec.checkpoints)
	}
	W, ok := sdk.FindTensor(w, "W")
	if !ok || len(W.Data.([]float32)) != sites {
		t.Fatalf("weights: %+v", w)
	}
	want := make([]float32, sites)
	for i, v := range configs {
		want[i%sites] += float32(v) / n
	}
	for i := range want {
		if W.Data.([]float32)[i] != want[i] {
			t.Fatalf("W[%d] = %v, want %v", i, W.Data.([]float32)[i], want[i])
		}
	}

	// Resume from the epoch-4 checkpoint: only epoch 5 remains.
	rec2 := &recorder{}
	_, err = l.Train(ctx, sdk.TrainRequest{Hyper: sdk.Params{"epochs": 5}, Train: ds, Resume: &rec.checkpoints[1]}, rec2)
	if err != nil || len(rec2.progress) != 1 || rec2.progress[0].Epoch != 5 {
		t.Errorf("resume: %v, %+v", err, rec2.progress)
	}

	// Hyper-parameters are validated by the shim, typed on the wire.
	_, err = l.Train(ctx, sdk.TrainRequest{Hyper: sdk.Params{"epochs": 0}, Train: ds}, &recorder{})
	if !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Errorf("epochs=0: %v", err)
	}
	_, err = l.Train(ctx, sdk.TrainRequest{Hyper: sdk.Params{"lr": 1}, Train: ds}, &recorder{})
	if !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Errorf("unknown hyper-parameter: %v", err)
	}

	out, err := l.Apply(ctx, sdk.ApplyRequest{Operation: "project", Size: 10, Weights: w,
		Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{n, sites}, Data: configs}}})
	if err != nil {
		t.Fatal(err)
	}
	p, ok := sdk.FindTensor(out, "projection")
	if !ok || len(p.Data.([]float64)) != n {
		t.Fatalf("apply output: %+v", out)
	}
	if _, err := l.Apply(ctx, sdk.ApplyRequest{Operation: "nope", Weights: w}); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Errorf("unknown operation: %v", err)
	}
	if _, err := l.Apply(ctx, sdk.ApplyRequest{Operation: "project"}); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Errorf("missing weights: %v", err)
	}
}

// A tensor the client cannot encode is the caller's mistake, reported at
// once (not a hang waiting for the server).
func TestApplyUnencodableTensor(t *testing.T) {
	client, _ := plugin.TestPluginGRPCConn(t, false, sdk.PluginSet(sdk.ServeConfig{Learner: meanLearner{}}))
	defer client.Close()
	raw, _ := client.Dispense(sdk.KindLearner)
	_, err := raw.(sdk.Learner).Apply(context.Background(), sdk.ApplyRequest{Operation: "project",
		Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{2}, Data: []string{"a", "b"}}}})
	if !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Fatalf("got %v", err)
	}
}

// slowLearner's Apply takes a while and sends nothing meanwhile.
type slowLearner struct{ meanLearner }

func (slowLearner) Apply(ctx context.Context, req sdk.ApplyRequest) ([]sdk.Tensor, error) {
	select {
	case <-time.After(350 * time.Millisecond):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return []sdk.Tensor{{Name: "x", Shape: []int{1}, Data: []float64{1}}}, nil
}

func TestApplyHeartbeats(t *testing.T) {
	client, _ := plugin.TestPluginGRPCConn(t, false, sdk.PluginSet(sdk.ServeConfig{Learner: slowLearner{}, HeartbeatInterval: 50 * time.Millisecond}))
	defer client.Close()
	raw, _ := client.Dispense(sdk.KindLearner)
	var beats atomic.Int32
	ctx := sdk.WithHeartbeat(context.Background(), func() { beats.Add(1) })
	out, err := raw.(sdk.Learner).Apply(ctx, sdk.ApplyRequest{Operation: "project",
		Weights: []sdk.Tensor{{Name: "W", Shape: []int{1}, Data: []float32{1}}}})
	if err != nil || len(out) != 1 {
		t.Fatalf("apply: %v %v", out, err)
	}
	// About 7 heartbeats plus the output; at least 3 even on a slow machine.
	if n := beats.Load(); n < 3 {
		t.Errorf("%d messages during a 350 ms operation with 50 ms heartbeats", n)
	}
}
