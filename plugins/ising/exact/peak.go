package exact

import (
	"fmt"
	"math"
)

// SpecificHeatPeak returns the temperature where the exact specific heat
// per spin of the L×L torus (Kaufman) is largest, and that largest value:
// the finite lattice's T_c(L) by the specific-heat definition, which a
// finite-size study's measured peaks are compared with.
//
// The peak is bracketed on a grid of step 0.005 over [1, 5] (it lies
// within a few per cent of T_c for L ≥ 4, where C has one maximum) and
// then located by golden-section search to 1e-10.
func SpecificHeatPeak(L int) (T, C float64, err error) {
	if L < 2 {
		return 0, 0, fmt.Errorf("exact: SpecificHeatPeak needs L ≥ 2, got %d", L)
	}
	c := func(t float64) float64 {
		th, e := Kaufman(L, t)
		if e != nil {
			err = e
			return math.NaN()
		}
		return th.SpecificHeat
	}
	const lo, hi, step = 1.0, 5.0, 0.005
	best, bestC := lo, math.Inf(-1)
	for t := lo; t <= hi; t += step {
		if v := c(t); v > bestC {
			best, bestC = t, v
		}
	}
	if err != nil {
		return 0, 0, err
	}
	a, b := best-step, best+step
	g := (math.Sqrt(5) - 1) / 2
	x1, x2 := b-g*(b-a), a+g*(b-a)
	f1, f2 := c(x1), c(x2)
	for b-a > 1e-10 {
		if f1 < f2 {
			a, x1, f1 = x1, x2, f2
			x2 = a + g*(b-a)
			f2 = c(x2)
		} else {
			b, x2, f2 = x2, x1, f1
			x1 = b - g*(b-a)
			f1 = c(x1)
		}
	}
	T = (a + b) / 2
	return T, c(T), err
}
