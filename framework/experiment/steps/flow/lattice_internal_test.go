package flow

import (
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// A (T, Δ) thermometer's read-out measures square-lattice observables
// (SpinObservables): on a flow of a cubic lattice's data it is refused,
// not computed with the wrong bonds.
func TestTwoParameterReadoutRefusesOtherLattices(t *testing.T) {
	const n, L = 1, 2
	all := sdk.Dataset{Size: L, Dimension: 3, Configs: make([]int8, 8),
		Labels: map[string][]float64{"T": {1}, "Delta": {0}}}
	res := &FlowResult{Iterations: []int64{0}, TMean: make([]float64, 1), TMode: make([]float64, 1)}
	out := []sdk.Tensor{{Name: "distribution", Shape: []int{1}, Data: []float64{1}},
		{Name: "classes", Shape: []int{1, 2}, Data: []float64{1, 0}}}
	err := res.ReadOut(0, out, make([]int8, 8), n, L, all)
	if err == nil || !strings.Contains(err.Error(), "not those of the 2×2×2 lattice") {
		t.Errorf("err = %v, want a refusal naming the 2×2×2 lattice", err)
	}
}
