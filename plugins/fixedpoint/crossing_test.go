package fixedpoint

import (
	"math"
	"slices"
	"testing"

	curves "github.com/rgml/rgml/plugins/internal/implied"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// u4 is a Binder curve of finite-size scaling with ν = 1 and an
// asymmetric shape (as the 2D Ising model's: steep on the ordered side),
// which every L takes at tc (so every pair crosses there).
func u4(T, tc, L float64) float64 {
	x := (T - tc) * L / 4
	return (1 - math.Tanh(x+0.3*x*x)) / 3
}

// noisyEq is an equilibrium curve of U4 at L on grid with Gaussian noise
// of sigma on every point (and sigma as its error).
func noisyEq(r *xrand.RNG, grid []float64, f func(T float64) float64, sigma float64) *equilibrium {
	v, e := make([]float64, len(grid)), make([]float64, len(grid))
	for i, T := range grid {
		v[i], e[i] = f(T)+sigma*r.Normal(), sigma
	}
	return &equilibrium{T: grid, binder: curves.Curve{T: grid, Value: v, Err: e}}
}

func grid(from, to, step float64) []float64 {
	var g []float64
	for i := 0; from+float64(i)*step <= to+1e-9; i++ {
		g = append(g, from+float64(i)*step)
	}
	return g
}

// oldBinderCrossing is the rule binderCrossing replaced (kept here for
// the power check): the most significant sign change of the difference,
// linearly interpolated, error that of the difference over its slope.
func oldBinderCrossing(a, b *equilibrium) (float64, float64) {
	var T, d, e2 []float64
	for i, t := range a.T {
		if j := slices.Index(b.T, t); j >= 0 {
			T = append(T, t)
			d = append(d, a.binder.Value[i]-b.binder.Value[j])
			e2 = append(e2, a.binder.Err[i]*a.binder.Err[i]+b.binder.Err[j]*b.binder.Err[j])
		}
	}
	best, bestZ := -1, 0.0
	for i := 0; i+1 < len(T); i++ {
		if d[i]*d[i+1] > 0 || d[i] == d[i+1] || math.IsNaN(d[i]*d[i+1]) {
			continue
		}
		if z := math.Abs(d[i+1]-d[i]) / math.Sqrt(e2[i]+e2[i+1]); best < 0 || z > bestZ {
			best, bestZ = i, z
		}
	}
	if best < 0 {
		return math.NaN(), math.NaN()
	}
	i := best
	slope := (d[i+1] - d[i]) / (T[i+1] - T[i])
	return T[i] - d[i]/slope, math.Abs(math.Sqrt((e2[i]+e2[i+1])/2) / slope)
}

// TestBinderCrossingCoverage: 3 000 pairs of noisy U4 curves (L = 16 and
// 24, σ = 0.01 and 0.001 per point on a grid of step 0.02 that does not
// hold the crossing, 2.269): the crossing is resolved in ≥ 95 % of the
// draws, and the true one lies within the reported error in at least
// 68 % of them (less 4 binomial σ); half the error covers less (the
// error is not inflated to twice its size). Power: without the
// interpolation's term the coverage at σ = 0.01 is 0.53 (the bracket
// then spans several grid steps of a curved difference), and the old
// rule's error covers the true crossing in 0.34 of the draws, which the
// test also checks.
func TestBinderCrossingCoverage(t *testing.T) {
	const tc, draws = 2.269, 3000
	g := grid(2.0, 2.6, 0.02)
	for _, sigma := range []float64{0.01, 0.001} {
		r := xrand.New(25)
		var resolved, inside, insideHalf, oldInside int
		var sumErr float64
		for range draws {
			a := noisyEq(r, g, func(T float64) float64 { return u4(T, tc, 16) }, sigma)
			b := noisyEq(r, g, func(T float64) float64 { return u4(T, tc, 24) }, sigma)
			c := binderCrossing(a, b)
			if x, e := oldBinderCrossing(a, b); math.Abs(x-tc) <= e {
				oldInside++
			}
			if c.status != crossResolved {
				continue
			}
			resolved++
			sumErr += c.Err
			if d := math.Abs(c.T - tc); d <= c.Err {
				inside++
				if d <= c.Err/2 {
					insideHalf++
				}
			}
		}
		n := float64(resolved)
		band := 4 * math.Sqrt(0.6827*(1-0.6827)/n)
		cov, half := float64(inside)/n, float64(insideHalf)/n
		t.Logf("σ = %g: resolved %d of %d, mean error %.4f, coverage %.3f (half the error %.3f; the old rule's %.3f of all draws)",
			sigma, resolved, draws, sumErr/n, cov, half, float64(oldInside)/draws)
		if resolved < draws*95/100 {
			t.Errorf("σ = %g: resolved in %d of %d draws, want ≥ 95 %%", sigma, resolved, draws)
		}
		if cov < 0.6827-band {
			t.Errorf("σ = %g: coverage %.3f, want ≥ %.3f", sigma, cov, 0.6827-band)
		}
		if half >= 0.6827-band {
			t.Errorf("σ = %g: half the error covers %.3f: the error is more than twice what it needs", sigma, half)
		}
		if old := float64(oldInside) / draws; sigma == 0.01 && old >= 0.6827-band {
			t.Errorf("σ = %g: the old rule covers %.3f: the check has no power", sigma, old)
		}
	}
}

// TestBinderCrossingUnresolved: curves that do not differ (both sizes at
// one curve, noise only: the L = 24/32 data of 300 configurations per T
// near T_c are like this) give no crossing in at least 95 % of draws,
// status crossNone; the old rule gave one (with an error that excluded
// the whole grid's middle) in nearly every draw, which is the power check.
// Curves that cross three times give crossSeveral, and fewer than two
// common temperatures crossTooFew; each NaN.
func TestBinderCrossingUnresolved(t *testing.T) {
	const tc, draws = 2.269, 1000
	g := grid(2.0, 2.6, 0.02)
	r := xrand.New(7)
	var none, old int
	for range draws {
		same := func(T float64) float64 { return u4(T, tc, 16) }
		a, b := noisyEq(r, g, same, 0.01), noisyEq(r, g, same, 0.01)
		c := binderCrossing(a, b)
		if c.status == crossNone && math.IsNaN(c.T) && math.IsNaN(c.Err) {
			none++
		}
		if x, e := oldBinderCrossing(a, b); !math.IsNaN(x) && e < 0.1 {
			old++
		}
	}
	t.Logf("identical curves: no crossing in %d of %d draws; the old rule gave one ± < 0.1 in %d", none, draws, old)
	if none < draws*95/100 {
		t.Errorf("identical curves: no crossing in %d of %d draws, want ≥ 95 %%", none, draws)
	}
	if old < draws*95/100 {
		t.Errorf("the old rule gave a crossing in only %d of %d draws: the check has no power", old, draws)
	}
	wave := noisyEq(r, g, func(T float64) float64 { return u4(T, tc, 16) + 0.05*math.Sin(20*T) }, 0.001)
	flat := noisyEq(r, g, func(T float64) float64 { return u4(T, tc, 16) }, 0.001)
	if c := binderCrossing(flat, wave); c.status != crossSeveral || !math.IsNaN(c.T) {
		t.Errorf("curves crossing several times: %+v, want status %d and NaN", c, crossSeveral)
	}
	short := &equilibrium{T: g[:1], binder: curves.Curve{T: g[:1], Value: []float64{0.5}, Err: []float64{0.01}}}
	if c := binderCrossing(short, flat); c.status != crossTooFew || !math.IsNaN(c.T) {
		t.Errorf("one common temperature: %+v, want status %d and NaN", c, crossTooFew)
	}
}
