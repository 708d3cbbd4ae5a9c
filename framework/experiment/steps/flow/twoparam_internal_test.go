package flow

import (
	"math"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// TestTwoParamObservablesNeedTheLattice: the (T, Δ) read-out counts
// bonds of a hypercubic lattice, so it does so only for data whose model
// declares that lattice and spin values; for any other (a triangular
// lattice, none declared, Potts states) |m|, s², nn and the nearest grid
// point are NaN rather than a square lattice's reading.
func TestTwoParamObservablesNeedTheLattice(t *testing.T) {
	const L, n = 3, 2
	up := make([]int8, n*L*L)
	for i := range up {
		up[i] = 1
	}
	all := sdk.Dataset{Size: L, Configs: up, Labels: map[string][]float64{"T": {1, 2}, "Delta": {0, 0}}}
	out := []sdk.Tensor{{Name: "distribution", Shape: []int{2}, Data: []float64{0.5, 0.5}},
		{Name: "classes", Shape: []int{2, 2}, Data: []float64{1, 0, 2, 0}}}
	for _, c := range []struct {
		states  []int8
		lattice string
		defined bool
	}{
		{[]int8{-1, 1}, sdk.LatticeHypercubic, true},
		{[]int8{-1, 0, 1}, sdk.LatticeHypercubic, true},
		{[]int8{-1, 1}, "", false},
		{[]int8{-1, 1}, "triangular-periodic", false},
		{[]int8{0, 1, 2}, sdk.LatticeHypercubic, false},
		{nil, sdk.LatticeHypercubic, false},
	} {
		if got := SpinObservablesDefined(c.states, c.lattice); got != c.defined {
			t.Errorf("%v on %q: defined %v, want %v", c.states, c.lattice, got, c.defined)
		}
		all.StateSpace = c.states
		res := &FlowResult{Labels: []string{"T", "Delta"}, Iterations: []int64{0}, TMean: make([]float64, 1), TMode: make([]float64, 1), lattice: c.lattice}
		if err := res.ReadOut(0, out, up, n, L, all); err != nil {
			t.Fatal(err)
		}
		j := res.Joint
		if c.defined && (j.AbsM[0] != 1 || j.NN[0] != 2 || j.EqT[0] != 1) {
			t.Errorf("%v on %q: |m| %g, nn %g, eq T %g; want 1, 2, 1", c.states, c.lattice, j.AbsM[0], j.NN[0], j.EqT[0])
		}
		if !c.defined && !(math.IsNaN(j.AbsM[0]) && math.IsNaN(j.S2[0]) && math.IsNaN(j.NN[0]) && math.IsNaN(j.EqT[0])) {
			t.Errorf("%v on %q: |m| %g, s² %g, nn %g, eq T %g; want NaN", c.states, c.lattice, j.AbsM[0], j.S2[0], j.NN[0], j.EqT[0])
		}
	}
}
