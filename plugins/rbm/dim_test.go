package rbm

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// Configurations of a cubic lattice or a chain flow through weights of
// their N_v = L^d visible units; a lattice whose L^d is not N_v is refused
// naming its shape.
func TestFlowOtherDimensions(t *testing.T) {
	l := grpcLearner(t)
	ctx := context.Background()
	its := sdk.Tensor{Name: "iterations", Shape: []int{2}, Data: []int64{0, 3}}
	for _, c := range []struct{ L, d int }{{2, 3}, {8, 1}} {
		w := randomWeights(8, 5, 0.5, 1)
		req := sdk.ApplyRequest{Operation: OpFlow, Size: c.L, Dimension: c.d, Weights: w,
			Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{10, 8}, Data: randomConfigs(10, 8, 1)}, its}}
		out, err := l.Apply(ctx, req)
		if err != nil {
			t.Fatalf("L = %d, d = %d: %v", c.L, c.d, err)
		}
		if fc, _ := sdk.FindTensor(out, "configs"); fc.Len() != 2*10*8 {
			t.Errorf("L = %d, d = %d: flowed configs %v", c.L, c.d, fc.Shape)
		}
	}
	w := randomWeights(8, 5, 0.5, 1)
	_, err := l.Apply(ctx, sdk.ApplyRequest{Operation: OpFlow, Size: 3, Dimension: 3, Weights: w,
		Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{10, 8}, Data: randomConfigs(10, 8, 1)}, its}})
	if !errors.Is(err, sdk.ErrFailedPrecondition) || !strings.Contains(err.Error(), "3×3×3 = 27 sites") {
		t.Errorf("a 3×3×3 lattice for N_v = 8: %v", err)
	}
}
