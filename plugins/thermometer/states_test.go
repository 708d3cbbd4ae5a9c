package thermometer

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// pottsSynth returns perClass configurations of each of three classes on
// an L×L lattice of states {0, 1, 2}: class k has each site in state k with
// probability 0.8, else uniform; labelled "T" = k + 1; the state space is
// declared.
func pottsSynth(L, perClass int, seed uint64) sdk.Dataset {
	r := xrand.New(seed)
	sites, n := L*L, 3*perClass
	d := sdk.Dataset{Size: L, Configs: make([]int8, n*sites), Labels: map[string][]float64{"T": make([]float64, n)},
		StateSpace: []int8{2, 0, 1}}
	for a := range n {
		k := a % 3
		d.Labels["T"][a] = float64(k + 1)
		for i := range sites {
			s := int8(k)
			if r.Float64() >= 0.8 {
				s = int8(r.Below(3))
			}
			d.Configs[a*sites+i] = s
		}
	}
	return d
}

// Data of a state space beyond {−1, 0, +1} are read one-hot: W1 has
// sites·q rows, site i in state s_k being input i·q + k (checked against a
// float64 forward pass of the weights on explicit one-hot inputs); the
// classes are learnt, a training resumes to the same bits, and a value
// outside the states is refused in one line.
func TestOneHotInputs(t *testing.T) {
	l := grpcLearner(t)
	ctx := context.Background()
	train := pottsSynth(4, 60, 1)
	req := sdk.TrainRequest{Hyper: sdk.Params{"hidden": 8, "epochs": 60, "lr": 0.3}, Seed: 2, Label: "T", Train: train, CheckpointEvery: 30}
	rec := &recorder{}
	w, err := l.Train(ctx, req, rec)
	if err != nil {
		t.Fatal(err)
	}
	if W1, _ := sdk.FindTensor(w, TensorW1); !slices.Equal(W1.Shape, []int{48, 8}) {
		t.Fatalf("W1 has shape %v, want [48 8] (16 sites × 3 states)", W1.Shape)
	}
	if st, ok := sdk.FindTensor(w, TensorStates); !ok || !slices.Equal(st.Data.([]int8), []int8{0, 1, 2}) {
		t.Fatalf("states %v, want [0 1 2]", st.Data)
	}
	if acc := rec.progress[len(rec.progress)-1].Metrics[MetricTrainAccuracy]; acc < 0.95 {
		t.Errorf("train accuracy %g on separable classes", acc)
	}
	req.Resume = &rec.checkpoints[0]
	resumed, err := l.Train(ctx, req, &recorder{})
	if err != nil {
		t.Fatal(err)
	}
	sameTensors(t, "resumed", w, resumed)

	test := pottsSynth(4, 10, 3)
	out, err := l.Apply(ctx, sdk.ApplyRequest{Operation: OpPredict, Size: 4, Weights: w,
		Inputs: []sdk.Tensor{{Name: TensorConfigs, Shape: []int{30, 16}, Data: test.Configs}}})
	if err != nil {
		t.Fatal(err)
	}
	probs, _ := sdk.FindTensor(out, TensorProbabilities)
	W1, b1 := f64(w, TensorW1), f64(w, TensorB1)
	W2, b2 := f64(w, TensorW2), f64(w, TensorB2)
	for a := range 30 {
		z2 := slices.Clone(b1)
		for i, s := range test.Configs[a*16 : (a+1)*16] {
			for j := range z2 {
				z2[j] += W1[(i*3+int(s))*8+j]
			}
		}
		u := slices.Clone(b2)
		for j := range z2 {
			z2[j] = math.Tanh(z2[j])
			for c := range u {
				u[c] += z2[j] * W2[j*3+c]
			}
		}
		z := 0.0
		for c := range u {
			u[c] = math.Exp(u[c])
			z += u[c]
		}
		for c := range u {
			if got := float64(probs.Data.([]float32)[a*3+c]); math.Abs(got-u[c]/z) > 1e-5 {
				t.Fatalf("configuration %d, class %d: probability %g, one-hot forward pass %g", a, c, got, u[c]/z)
			}
		}
	}
	bad := slices.Clone(test.Configs)
	bad[17] = -1
	_, err = l.Apply(ctx, sdk.ApplyRequest{Operation: OpPredict, Weights: w,
		Inputs: []sdk.Tensor{{Name: TensorConfigs, Shape: []int{30, 16}, Data: bad}}})
	if !errors.Is(err, sdk.ErrInvalidArgument) || !strings.Contains(err.Error(), "site 1: value -1 is not one of the states [0 1 2]") {
		t.Errorf("predict with a value outside the states: %v", err)
	}
	// ±1 data keep their direct inputs: no states.
	w, err = l.Train(ctx, sdk.TrainRequest{Hyper: sdk.Params{"hidden": 4, "epochs": 2}, Seed: 1, Label: "T", Train: synthData(4, 10, 1)}, &recorder{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sdk.FindTensor(w, TensorStates); ok || w[0].Shape[0] != 16 {
		t.Errorf("±1 data: W1 %v, states present %v", w[0].Shape, ok)
	}
}

func f64(ts []sdk.Tensor, name string) []float64 {
	t, _ := sdk.FindTensor(ts, name)
	var out []float64
	for _, v := range t.Data.([]float32) {
		out = append(out, float64(v))
	}
	return out
}
