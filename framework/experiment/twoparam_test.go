package experiment_test

import (
	"math"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/sdk"
)

// SpinObservables on hand-counted 3×3 periodic configurations.
func TestSpinObservables(t *testing.T) {
	const L = 3
	up := []int8{1, 1, 1, 1, 1, 1, 1, 1, 1}
	// One zero in the middle of an up background: m = 8, s² = 8, and of
	// the 18 bonds the 4 touching the zero count 0.
	hole := []int8{1, 1, 1, 1, 0, 1, 1, 1, 1}
	// A column of −1 (x = 0): m = 3, s² = 9; bonds along y inside the
	// column +1 (3), along x: the 6 bonds between column 0 and its
	// neighbours (x = 1 and, periodically, x = 2) are −1, the 3 between
	// x = 1 and x = 2 are +1, and the 6 along y of columns 1, 2 are +1:
	// 3 + 3 + 6 − 6 = 6.
	col := []int8{-1, -1, -1, 1, 1, 1, 1, 1, 1}
	for _, c := range []struct {
		name      string
		s         []int8
		m, q, bnd float64
	}{
		{"up", up, 1, 1, 2}, {"hole", hole, 8.0 / 9, 8.0 / 9, 14.0 / 9}, {"column", col, 3.0 / 9, 1, 6.0 / 9},
	} {
		m, q, nn := experiment.SpinObservables(c.s, 1, L)
		if math.Abs(m-c.m) > 1e-12 || math.Abs(q-c.q) > 1e-12 || math.Abs(nn-c.bnd) > 1e-12 {
			t.Errorf("%s: |m| %g, s² %g, nn %g; want %g, %g, %g", c.name, m, q, nn, c.m, c.q, c.bnd)
		}
	}
	// Averages over configurations; the sign of m does not matter.
	down := []int8{-1, -1, -1, -1, -1, -1, -1, -1, -1}
	m, q, nn := experiment.SpinObservables(append(append([]int8{}, hole...), down...), 2, L)
	if math.Abs(m-(8.0/9+1)/2) > 1e-12 || math.Abs(q-(8.0/9+1)/2) > 1e-12 || math.Abs(nn-(14.0/9+2)/2) > 1e-12 {
		t.Errorf("two configurations: %g %g %g", m, q, nn)
	}
}

// GridObservables groups a labelled dataset by (T, Δ); Nearest and
// columnTemperature read flowed observables against it.
func TestGridReadings(t *testing.T) {
	const L = 3
	up := []int8{1, 1, 1, 1, 1, 1, 1, 1, 1}
	col := []int8{-1, -1, -1, 1, 1, 1, 1, 1, 1}
	zero := make([]int8, 9)
	var configs []int8
	for _, c := range [][]int8{col, up, up, zero} {
		configs = append(configs, c...)
	}
	ds := sdk.Dataset{Size: L, Configs: configs, Labels: map[string][]float64{
		"T": {2, 1, 1, 1}, "Delta": {0, 0, 0, 3}}}
	g := experiment.GridObservables(ds, "T", "Delta")
	if len(g) != 3 || g[0] != (experiment.GridPoint{T: 1, Delta: 0, AbsM: 1, S2: 1, NN: 2, N: 2}) ||
		g[1].Delta != 3 || g[1].S2 != 0 || g[2].T != 2 || math.Abs(g[2].AbsM-1.0/3) > 1e-12 {
		t.Fatalf("grid %+v", g)
	}
	if p, ok := experiment.Nearest(g, 0.05, 0.1, 0); !ok || p.Delta != 3 {
		t.Errorf("nearest to an almost empty lattice: %+v", p)
	}
	// |m| = 2/3 is halfway between T = 1 (|m| 1) and T = 2 (|m| 1/3) at Δ = 0.
	T, s2, nn, ok := columnTemperature(g, 0, 2.0/3)
	if !ok || math.Abs(T-1.5) > 1e-12 || math.Abs(s2-1) > 1e-12 || math.Abs(nn-(2+6.0/9)/2) > 1e-12 {
		t.Errorf("columnTemperature: %g %g %g %v", T, s2, nn, ok)
	}
	if _, _, _, ok := columnTemperature(g, 0, 0.1); ok {
		t.Errorf("|m| outside the column's range was interpolated")
	}
	if experiment.GridObservables(sdk.Dataset{Size: L, Configs: up, Labels: map[string][]float64{"T": {1}}}, "T", "Delta") != nil {
		t.Errorf("a dataset without Delta labels has a grid")
	}
}

// columnTemperature returns, in the column Δ = delta of grid (sorted by T
// then Δ, as GridObservables returns it), the temperature T* at which the
// Monte Carlo |m| equals absM, interpolated linearly between the first two
// neighbouring temperatures whose |m| bracket it, and the Monte Carlo ⟨s²⟩
// and nn interpolated at T*. ok is false when no pair brackets absM (|m|
// out of the column's range). It is a thermometer-free temperature of
// flowed configurations at a given Δ: docs/blume-capel.md's T* column
// was computed with it.
func columnTemperature(grid []experiment.GridPoint, delta, absM float64) (t, s2, nn float64, ok bool) {
	var col []experiment.GridPoint
	for _, g := range grid {
		if g.Delta == delta {
			col = append(col, g)
		}
	}
	for i := 0; i+1 < len(col); i++ {
		a, b := col[i], col[i+1]
		if a.AbsM == b.AbsM || (a.AbsM-absM)*(b.AbsM-absM) > 0 {
			continue
		}
		f := (absM - a.AbsM) / (b.AbsM - a.AbsM)
		return a.T + f*(b.T-a.T), a.S2 + f*(b.S2-a.S2), a.NN + f*(b.NN-a.NN), true
	}
	return math.NaN(), math.NaN(), math.NaN(), false
}
