package implied

import "math"

// Curve is an equilibrium reference: an observable at ascending
// temperatures, with its one-sigma errors (nil for an exact curve).
type Curve struct {
	T, Value, Err []float64
	// ToInfinity says that the curve's hottest point is followed by the
	// limit T → ∞ (the exact energy, which reaches 0 only there): a value
	// past that point implies T = +Inf, not "no temperature".
	ToInfinity bool
}

// monotone returns the curve's values made monotone by pool-adjacent-
// violators (least squares, weighted by 1/err² when errors are given), in
// the direction of its overall trend.
func (c Curve) monotone() []float64 {
	n := len(c.Value)
	up := c.Value[n-1] >= c.Value[0]
	sign := 1.0
	if !up {
		sign = -1
	}
	type block struct {
		v, w float64
		n    int
	}
	var bs []block
	for i, v := range c.Value {
		w := 1.0
		if c.Err != nil && c.Err[i] > 0 {
			w = 1 / (c.Err[i] * c.Err[i])
		}
		bs = append(bs, block{sign * v, w, 1})
		for len(bs) > 1 && bs[len(bs)-2].v > bs[len(bs)-1].v {
			a, b := bs[len(bs)-2], bs[len(bs)-1]
			bs = bs[:len(bs)-2]
			bs = append(bs, block{(a.v*a.w + b.v*b.w) / (a.w + b.w), a.w + b.w, a.n + b.n})
		}
	}
	out := make([]float64, 0, n)
	for _, b := range bs {
		for range b.n {
			out = append(out, sign*b.v)
		}
	}
	return out
}

// invert returns the temperature at which the monotone values y reach v,
// by linear interpolation (the middle of a flat stretch that equals v),
// or NaN when v lies outside [min y, max y].
func invert(T, y []float64, v float64) float64 {
	n := len(y)
	lo, hi := math.Min(y[0], y[n-1]), math.Max(y[0], y[n-1])
	if math.IsNaN(v) || v < lo || v > hi {
		return math.NaN()
	}
	first, last := -1, -1
	for i := 0; i < n; i++ {
		if y[i] == v {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first >= 0 {
		return (T[first] + T[last]) / 2
	}
	for i := 0; i+1 < n; i++ {
		if (y[i]-v)*(y[i+1]-v) < 0 {
			return T[i] + (v-y[i])*(T[i+1]-T[i])/(y[i+1]-y[i])
		}
	}
	return math.NaN()
}

// Implied returns the temperature at which the curve takes the value v
// measured with error sigma, and its error: half the spread of the
// temperatures implied by v ± √(σ² + σ_ref²), σ_ref the curve's error
// interpolated there. A bound beyond the curve's range is replaced by the
// range's end. T is NaN when v itself lies outside the range, except past
// the hot end of a curve that goes on to T → ∞ (ToInfinity): there T is
// +Inf, with error NaN.
func (c Curve) Implied(v, sigma float64) (T, err float64) {
	y := c.monotone()
	T = invert(c.T, y, v)
	if math.IsNaN(T) {
		if c.ToInfinity && c.pastHotEnd(y, v) {
			return math.Inf(1), math.NaN()
		}
		return T, math.NaN()
	}
	s := sigma
	if c.Err != nil {
		s = math.Hypot(sigma, interp(c.T, c.Err, T))
	}
	clampT := func(v float64) float64 {
		t := invert(c.T, y, v)
		if !math.IsNaN(t) {
			return t
		}
		// Beyond the range: the end the value is past.
		if (v > y[len(y)-1]) == (y[len(y)-1] >= y[0]) {
			return c.T[len(c.T)-1]
		}
		return c.T[0]
	}
	a, b := clampT(v-s), clampT(v+s)
	return T, math.Abs(b-a) / 2
}

// pastHotEnd reports whether v lies beyond the value y takes at the
// curve's hottest point, in the direction the curve rises or falls.
func (c Curve) pastHotEnd(y []float64, v float64) bool {
	n := len(y)
	if y[n-1] >= y[0] {
		return v > y[n-1]
	}
	return v < y[n-1]
}

func interp(x, y []float64, at float64) float64 {
	for i := 0; i+1 < len(x); i++ {
		if at >= x[i] && at <= x[i+1] {
			if x[i+1] == x[i] {
				return y[i]
			}
			return y[i] + (at-x[i])*(y[i+1]-y[i])/(x[i+1]-x[i])
		}
	}
	if at < x[0] {
		return y[0]
	}
	return y[len(y)-1]
}
