package fixedpoint

import (
	"math"
	"slices"
)

// crossZ is how many standard errors the difference of two U4 curves
// must be from zero at a temperature for its sign there to count. At 3σ
// a temperature where the curves do not differ (deep in either phase,
// both at their limit) shows a sign by chance once in 370; at 2σ, with
// ten such temperatures on a grid, one study in five would show a
// spurious second crossing.
const crossZ = 3

// Status of a Binder crossing (the result Tc_binder_status).
const (
	crossResolved = 0 // one crossing, Tc_binder ± Tc_binder_err
	crossNone     = 1 // the difference has a significant sign on one side only, or nowhere
	crossSeveral  = 2 // its significant signs change more than once
	crossTooFew   = 3 // fewer than two common temperatures with errors
)

// crossReason is each status's meaning, as the figures' titles say it.
var crossReason = map[int]string{
	crossNone:    "no significant sign change",
	crossSeveral: "several significant sign changes",
	crossTooFew:  "fewer than two common temperatures",
}

// crossing is where the U4 curves of two sizes cross, or why that is not
// resolved (T and Err NaN then); lo and hi bracket it.
type crossing struct {
	T, Err, lo, hi float64
	status         int
}

// binderCrossing is where the U4 curves of two sizes cross on their
// common temperatures. The difference d = U4(L₁) − U4(L₂) counts only
// where it is at least crossZ times its error σ = √(σ₁² + σ₂²) from zero;
// the crossing is resolved when those significant signs change exactly
// once, between the last significant point of one sign (i₀) and the first
// of the other (i₁). It is placed where the straight line fitted to d
// over i₀ … i₁ (weights 1/σ², every point between them included) is
// zero; its error propagates the errors of both curves through that fit
// (scaled up by √(χ²/dof) when the line fits worse than its errors), and
// adds in quadrature the interpolation's: the largest shift of the zero
// when the fit is a parabola through the bracket and one neighbour
// outside it. Temperatures whose d or σ is not finite and positive are
// not used.
func binderCrossing(a, b *equilibrium) crossing {
	var T, d, s []float64
	for i, t := range a.T {
		j := slices.Index(b.T, t)
		if j < 0 {
			continue
		}
		dv := a.binder.Value[i] - b.binder.Value[j]
		sv := math.Hypot(a.binder.Err[i], b.binder.Err[j])
		if math.IsNaN(dv) || math.IsInf(dv, 0) || !(sv > 0) || math.IsInf(sv, 0) {
			continue
		}
		T, d, s = append(T, t), append(d, dv), append(s, sv)
	}
	c := crossing{T: math.NaN(), Err: math.NaN(), lo: math.NaN(), hi: math.NaN()}
	if len(T) < 2 {
		c.status = crossTooFew
		return c
	}
	i0, i1, changes := -1, -1, 0
	last := -1
	for i := range T {
		if math.Abs(d[i]) < crossZ*s[i] {
			continue
		}
		if last >= 0 && (d[i] > 0) != (d[last] > 0) {
			changes++
			i0, i1 = last, i
		}
		last = i
	}
	switch {
	case changes == 0:
		c.status = crossNone
		return c
	case changes > 1:
		c.status = crossSeveral
		return c
	}
	c.lo, c.hi = T[i0], T[i1]
	x, stat := lineZero(T[i0:i1+1], d[i0:i1+1], s[i0:i1+1])
	if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(stat) {
		// A flat fitted line (the points between pulling it level): the
		// chord between the bracket's ends, known to the bracket.
		x, stat = c.lo-d[i0]*(c.hi-c.lo)/(d[i1]-d[i0]), c.hi-c.lo
	}
	x = math.Max(c.lo, math.Min(c.hi, x))
	var interp float64
	for _, k := range []int{i0 - 1, i1 + 1} {
		if k < 0 || k >= len(T) {
			continue
		}
		lo, hi := min(i0, k), max(i1, k)
		if q, ok := parabolaZero(T[lo:hi+1], d[lo:hi+1], s[lo:hi+1], c.lo, c.hi, x); ok {
			interp = math.Max(interp, math.Abs(q-x))
		}
	}
	c.T, c.Err = x, math.Hypot(stat, interp)
	return c
}

// lineZero fits d = α + β(T − T̄) by weighted least squares (T̄ the
// weighted mean, so α and β are uncorrelated) and returns its zero
// T̄ − α/β with the error propagated from the fit's covariance, times
// √(χ²/dof) when that exceeds 1.
func lineZero(T, d, s []float64) (float64, float64) {
	var sw, st float64
	for i := range T {
		w := 1 / (s[i] * s[i])
		sw += w
		st += w * T[i]
	}
	tbar := st / sw
	var sd, stt, std float64
	for i := range T {
		w, u := 1/(s[i]*s[i]), T[i]-tbar
		sd += w * d[i]
		stt += w * u * u
		std += w * u * d[i]
	}
	alpha, beta := sd/sw, std/stt
	va, vb := 1/sw, 1/stt
	x := tbar - alpha/beta
	e := math.Sqrt(va/(beta*beta) + alpha*alpha*vb/(beta*beta*beta*beta))
	if dof := len(T) - 2; dof > 0 {
		var chi2 float64
		for i := range T {
			r := (d[i] - alpha - beta*(T[i]-tbar)) / s[i]
			chi2 += r * r
		}
		e *= math.Sqrt(math.Max(1, chi2/float64(dof)))
	}
	return x, e
}

// parabolaZero fits d = c₀ + c₁u + c₂u² (u = T − near) by weighted least
// squares and returns its zero in [lo, hi] nearest to near; false when it
// has none there or the fit is singular.
func parabolaZero(T, d, s []float64, lo, hi, near float64) (float64, bool) {
	u, w := make([]float64, len(T)), make([]float64, len(T))
	for i := range T {
		u[i], w[i] = T[i]-near, 1/(s[i]*s[i])
	}
	coef, _, ok := fitParabola(u, d, w)
	if !ok {
		return 0, false
	}
	c0, c1, c2 := coef[0], coef[1], coef[2]
	var roots []float64
	if c2 == 0 {
		if c1 == 0 {
			return 0, false
		}
		roots = []float64{-c0 / c1}
	} else if disc := c1*c1 - 4*c2*c0; disc >= 0 {
		q := -0.5 * (c1 + math.Copysign(math.Sqrt(disc), c1))
		roots = []float64{q / c2}
		if q != 0 {
			roots = append(roots, c0/q)
		}
	}
	best, ok := 0.0, false
	for _, r := range roots {
		if t := near + r; t >= lo && t <= hi && (!ok || math.Abs(r) < math.Abs(best-near)) {
			best, ok = t, true
		}
	}
	return best, ok
}
