package sdk_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/go-plugin"

	"github.com/rgml/rgml/framework/sdk"
)

func TestLatticeNames(t *testing.T) {
	for _, c := range []struct {
		L, d         int
		sites        int
		shape, named string
	}{
		{6, 3, 216, "6×6×6", "6×6×6 lattice"},
		{6, 2, 36, "6×6", "6×6 lattice"},
		{6, 0, 36, "6×6", "6×6 lattice"}, // absent: the square lattice
		{64, 1, 64, "64", "L = 64 chain"},
	} {
		if got := sdk.LatticeSites(c.L, c.d); got != c.sites {
			t.Errorf("LatticeSites(%d, %d) = %d, want %d", c.L, c.d, got, c.sites)
		}
		if got := sdk.Shape(c.L, c.d); got != c.shape {
			t.Errorf("Shape(%d, %d) = %q, want %q", c.L, c.d, got, c.shape)
		}
		if got := sdk.Lattice(c.L, c.d); got != c.named {
			t.Errorf("Lattice(%d, %d) = %q, want %q", c.L, c.d, got, c.named)
		}
	}
	if got := sdk.LatticeSites(1<<40, 3); got != 0 {
		t.Errorf("LatticeSites overflowing: %d, want 0", got)
	}
}

// dimLearner returns, as its weights, the lattice its data arrived with:
// [L, d, sites] of the training set, of the test set and of an Apply.
type dimLearner struct{ meanLearner }

func lattice(L, d, sites int) sdk.Tensor {
	return sdk.Tensor{Name: "W", Shape: []int{3}, Data: []int64{int64(L), int64(d), int64(sites)}}
}

func (dimLearner) Train(ctx context.Context, req sdk.TrainRequest, ev sdk.TrainEvents) ([]sdk.Tensor, error) {
	out := []sdk.Tensor{lattice(req.Train.Size, req.Train.Dimension, req.Train.Sites())}
	if req.Test != nil {
		t := lattice(req.Test.Size, req.Test.Dimension, req.Test.Sites())
		t.Name = "test"
		out = append(out, t)
	}
	return out, nil
}

func (dimLearner) Apply(ctx context.Context, req sdk.ApplyRequest) ([]sdk.Tensor, error) {
	return []sdk.Tensor{lattice(req.Size, req.Dimension, req.Sites())}, nil
}

// The lattice's dimension reaches the learner with the data and with an
// Apply; a dataset of a dimension learners do not take is refused in one
// line.
func TestDimensionCrossesTheWire(t *testing.T) {
	client, _ := plugin.TestPluginGRPCConn(t, false, sdk.PluginSet(sdk.ServeConfig{Learner: dimLearner{}}))
	defer client.Close()
	raw, err := client.Dispense(sdk.KindLearner)
	if err != nil {
		t.Fatal(err)
	}
	l := raw.(sdk.Learner)
	ctx := context.Background()
	cube := sdk.Dataset{Size: 2, Dimension: 3, Configs: []int8{1, 1, 1, 1, -1, -1, -1, -1, 1, -1, 1, -1, 1, -1, 1, -1}}
	test := cube
	w, err := l.Train(ctx, sdk.TrainRequest{Train: cube, Test: &test}, &recorder{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"W", "test"} {
		got, _ := sdk.FindTensor(w, name)
		if v, _ := got.Data.([]int64); len(v) != 3 || v[0] != 2 || v[1] != 3 || v[2] != 8 {
			t.Errorf("%s: the learner saw [L d sites] = %v, want [2 3 8]", name, got.Data)
		}
	}
	out, err := l.Apply(ctx, sdk.ApplyRequest{Operation: "project", Size: 4, Dimension: 1, Weights: []sdk.Tensor{{Name: "W", Shape: []int{1}, Data: []float32{1}}}})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := out[0].Data.([]int64); len(v) != 3 || v[1] != 1 || v[2] != 4 {
		t.Errorf("apply: the learner saw [L d sites] = %v, want [4 1 4]", out[0].Data)
	}

	// No dimension (an older host): 8 values are two 2×2 configurations.
	flat := sdk.Dataset{Size: 2, Configs: cube.Configs[:8]}
	if _, err := l.Train(ctx, sdk.TrainRequest{Train: flat}, &recorder{}); err != nil {
		t.Errorf("a dataset of no declared dimension (an older host): %v", err)
	}

	for _, c := range []struct {
		name string
		d    sdk.Dataset
		want string
	}{
		{"four dimensions", sdk.Dataset{Size: 2, Dimension: 4, Configs: make([]int8, 16)}, "lattice dimension 4: learners and analyzers take d = 1 … 3"},
	} {
		_, err := l.Train(ctx, sdk.TrainRequest{Train: c.d}, &recorder{})
		if !errors.Is(err, sdk.ErrInvalidArgument) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line InvalidArgument with %q", c.name, err, c.want)
		}
	}
}

func TestDatasetCheckNamesLattice(t *testing.T) {
	d := sdk.Dataset{Size: 2, Dimension: 3, Configs: make([]int8, 12)}
	if err := d.Check("training set"); err == nil || !strings.Contains(err.Error(), "12 values are not a whole number of 2×2×2 configurations") {
		t.Errorf("12 values of a 2×2×2 lattice: %v", err)
	}
}
