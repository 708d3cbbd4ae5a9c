package fss

import (
	"math"
	"testing"

	"github.com/rgml/rgml/plugins/internal/xrand"
)

// TestBinderLimits: U4 is 2/3 for m = ±1 (an ordered phase), 0 within
// its error for Gaussian m (a disordered phase), and undefined for m ≡ 0.
func TestBinderLimits(t *testing.T) {
	if u := Binder([]float64{1, -1, 1, 1, -1}); math.Abs(u-2.0/3) > 1e-15 {
		t.Errorf("U4(±1) = %g", u)
	}
	r := xrand.New(4)
	m := make([]float64, 200000)
	for i := range m {
		m[i] = r.Normal()
	}
	// For n Gaussian values the error of U4 is √(8/(3n)) (delta method:
	// var m⁴ = 96, var m² = 2, cov = 12), 0.0037 at n = 2·10^5: 0.02 is
	// 5σ, and a uniform m (U4 = 0.4) is far outside.
	if u := Binder(m); math.Abs(u) > 0.02 {
		t.Errorf("U4(Gaussian) = %g", u)
	}
	for i := range m {
		m[i] = 2*r.Float64() - 1
	}
	if u := Binder(m); math.Abs(u-0.4) > 0.02 {
		t.Errorf("U4(uniform) = %g, want 0.4", u)
	}
	if u := Binder([]float64{0, 0}); !math.IsNaN(u) {
		t.Errorf("U4(0) = %g", u)
	}
}

// scaling is a Binder curve of pure finite-size scaling,
// U4 = (1/3)(1 − tanh((T − tc)·L^(1/ν))), ν = 1, which is 1/3 at tc for
// every L.
func scaling(T, tc, L float64) float64 { return (1 - math.Tanh((T-tc)*L)) / 3 }

func curve(grid []float64, f func(T float64) float64) []float64 {
	u := make([]float64, len(grid))
	for i, T := range grid {
		u[i] = f(T)
	}
	return u
}

// TestCrossing: curves of pure scaling for L = 8 and 16 on a grid of step
// 0.02 (not containing T_c) cross at T_c to within 10^-4; curves whose L
// = 16 member is shifted by 0.01 (a correction to scaling) cross 0.02 away
// (the check can see a shift of half a grid step); curves that do not
// cross, or cross twice, are refused.
func TestCrossing(t *testing.T) {
	const tc = 2.269185
	var grid []float64
	for T := 2.0; T < 2.6; T += 0.02 {
		grid = append(grid, T)
	}
	u8 := curve(grid, func(T float64) float64 { return scaling(T, tc, 8) })
	u16 := curve(grid, func(T float64) float64 { return scaling(T, tc, 16) })
	x, err := Crossing(grid, u8, u16)
	if err != nil || math.Abs(x-tc) > 1e-4 {
		t.Errorf("crossing %.6f (%v), want %.6f", x, err, tc)
	}
	shifted := curve(grid, func(T float64) float64 { return scaling(T, tc+0.01, 16) })
	if x, err := Crossing(grid, u8, shifted); err != nil || math.Abs(x-tc) < 0.01 {
		t.Errorf("shifted curves cross at %.6f (%v): the shift is not seen", x, err)
	}
	parallel := curve(grid, func(T float64) float64 { return scaling(T, tc, 8) + 0.1 })
	if _, err := Crossing(grid, u8, parallel); err == nil {
		t.Error("curves that never cross gave a crossing")
	}
	wave := curve(grid, func(T float64) float64 { return scaling(T, tc, 8) + 0.01*math.Sin(40*T) })
	if _, err := Crossing(grid, u8, wave); err == nil {
		t.Error("curves that cross many times gave one crossing")
	}
	if _, err := Crossing(grid[:3], u8, u16); err == nil {
		t.Error("curves of different lengths accepted")
	}
}
