package fss

import (
	"fmt"
	"math"
)

// Binder returns the Binder cumulant U4 = 1 − ⟨m⁴⟩/(3⟨m²⟩²) of the
// magnetisations m (per spin, either sign): 2/3 in an ordered phase, 0 for
// Gaussian m (a disordered phase), and at T_c a universal value its curves
// for different L share, up to corrections to scaling. It is NaN when
// ⟨m²⟩ = 0 or m is empty.
func Binder(m []float64) float64 {
	var m2, m4 float64
	for _, v := range m {
		v2 := v * v
		m2 += v2
		m4 += v2 * v2
	}
	n := float64(len(m))
	m2, m4 = m2/n, m4/n
	if !(m2 > 0) {
		return math.NaN()
	}
	return 1 - m4/(3*m2*m2)
}

// Crossing returns the temperature at which two curves on the same grid,
// u1(T) and u2(T) (e.g. U4 of two sizes), cross: the one sign change of
// u1 − u2 between neighbouring grid points, placed by linear interpolation
// (exact for curves linear between the grid points; its error otherwise
// is of order the grid step squared times the curves' curvature). The grid
// must increase. Curves that do not cross on the grid, or cross more than
// once, are an error: a study must then widen or refine its grid rather
// than take one of several crossings.
func Crossing(T, u1, u2 []float64) (float64, error) {
	if len(T) != len(u1) || len(T) != len(u2) || len(T) < 2 {
		return math.NaN(), fmt.Errorf("fss: crossing of curves with %d temperatures and %d, %d values: need ≥ 2, equal lengths", len(T), len(u1), len(u2))
	}
	var found []float64
	for i := 0; i+1 < len(T); i++ {
		if !(T[i+1] > T[i]) {
			return math.NaN(), fmt.Errorf("fss: temperatures must increase (T[%d] = %v, T[%d] = %v)", i, T[i], i+1, T[i+1])
		}
		d0, d1 := u1[i]-u2[i], u1[i+1]-u2[i+1]
		switch {
		case d0 == 0:
			found = append(found, T[i])
		case d0*d1 < 0:
			found = append(found, T[i]+(T[i+1]-T[i])*d0/(d0-d1))
		}
	}
	if d := u1[len(T)-1] - u2[len(T)-1]; d == 0 {
		found = append(found, T[len(T)-1])
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return math.NaN(), fmt.Errorf("fss: the curves do not cross on [%v, %v]: widen the temperature grid", T[0], T[len(T)-1])
	default:
		return math.NaN(), fmt.Errorf("fss: the curves cross %d times on [%v, %v] (first at %.4g): refine the grid or reduce the noise", len(found), T[0], T[len(T)-1], found[0])
	}
}
