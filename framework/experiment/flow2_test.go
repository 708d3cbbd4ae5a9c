package experiment_test

import (
	"math"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
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
