package fixedpoint

import (
	"fmt"
	"math"
	"slices"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/correlations"
	"github.com/rgml/rgml/plugins/internal/fss"
)

// orderedAbove: a flow whose first reading has ⟨|m|⟩ above it started
// from the ordered end, else from the disordered end.
const orderedAbove = 0.5

// equilibrium is one L's equilibrium curves, ascending in T.
type equilibrium struct {
	T                           []float64
	energy, absM, binder, gHalf correlations.Curve
	cv, cvErr                   []float64
}

// flowPoint is one flow's last reading and the temperatures it implies.
type flowPoint struct {
	L, class      int // class indexes fixedStudy.classes
	seed          float64
	ordered       bool
	value, valErr [5]float64 // fpObs at the last iteration
	T, TErr       [4]float64 // implied by observables
	planeU4       []float64  // U4 and ⟨|m|⟩L^{1/8} at every iteration
	planeML       []float64
}

// fpObs: the fixed-point observables reported (the scaled forms imply
// the same temperatures at one L as ⟨|m|⟩ and G(L/2)).
var fpObs = []string{"energy", "abs_m", "binder", "mL", "GL"}

type fixedStudy struct {
	nu      float64
	Ls      []int
	eq      map[int]*equilibrium
	classes []string
	flows   []flowPoint
	dim     int
}

func study(t *table, nu float64, fixedHidden, dim int) (*fixedStudy, error) {
	s := &fixedStudy{nu: nu, eq: map[int]*equilibrium{}, dim: dim}
	for k := range t.k {
		if t.lin("by_iteration", k) == 1 {
			continue
		}
		L := int(t.lin("L", k))
		if _, dup := s.eq[L]; dup {
			return nil, sdk.InvalidArgument("two analyses of equilibrium data at L = %d: give one per L", L)
		}
		eq, err := newEquilibrium(t, k)
		if err != nil {
			return nil, sdk.InvalidArgument("equilibrium analysis %d (L = %d): %v", k, L, err)
		}
		s.eq[L] = eq
		s.Ls = append(s.Ls, L)
	}
	slices.Sort(s.Ls)
	if len(s.Ls) == 0 {
		return nil, sdk.InvalidArgument("no analysis of equilibrium data among the inputs (by_iteration = 0): the temperatures need one per L")
	}
	for k := range t.k {
		if t.lin("by_iteration", k) != 1 {
			continue
		}
		L := int(t.lin("L", k))
		eq, ok := s.eq[L]
		if !ok {
			return nil, sdk.InvalidArgument("flow analysis %d is at L = %d, and no equilibrium analysis is (have L = %v)", k, L, s.Ls)
		}
		s.flows = append(s.flows, s.flowPoint(t, k, L, eq, fixedHidden))
	}
	if len(s.flows) == 0 {
		return nil, sdk.InvalidArgument("no analysis of a flow among the inputs (by_iteration = 1)")
	}
	return s, nil
}

func newEquilibrium(t *table, k int) (*equilibrium, error) {
	rows := t.sortedRows(k)
	eq := &equilibrium{T: t.col("group", rows)}
	for i := 1; i < len(eq.T); i++ {
		if !(eq.T[i] > eq.T[i-1]) {
			return nil, fmt.Errorf("temperature %v appears twice", eq.T[i])
		}
	}
	if len(eq.T) < 3 || math.IsInf(eq.T[len(eq.T)-1], 0) {
		return nil, fmt.Errorf("need ≥ 3 finite temperatures, have %v", eq.T)
	}
	curve := func(name string) correlations.Curve {
		return correlations.Curve{T: eq.T, Value: t.col(name, rows), Err: t.col(name+"_err", rows)}
	}
	eq.energy, eq.absM, eq.binder, eq.gHalf = curve("energy"), curve("abs_m"), curve("binder"), curve("G_half")
	eq.cv, eq.cvErr = t.col("specific_heat", rows), t.col("specific_heat_err", rows)
	return eq, nil
}

func (s *fixedStudy) class(hidden float64, L, fixedHidden int) int {
	name := "all"
	switch {
	case math.IsNaN(hidden):
	case int(hidden) == fixedHidden:
		name = fmt.Sprintf("Nh=%d", fixedHidden)
	default:
		name = fmt.Sprintf("r=%.2f", hidden/float64(sdk.LatticeSites(L, s.dim)))
	}
	if i := slices.Index(s.classes, name); i >= 0 {
		return i
	}
	s.classes = append(s.classes, name)
	return len(s.classes) - 1
}

func (s *fixedStudy) flowPoint(t *table, k, L int, eq *equilibrium, fixedHidden int) flowPoint {
	rows := t.sortedRows(k)
	last := rows[len(rows)-1:]
	p := flowPoint{L: L, class: s.class(t.lin("flow/rbm/hidden", k), L, fixedHidden), seed: t.lin("flow/rbm/seed", k)}
	p.ordered = t.col("abs_m", rows[:1])[0] > orderedAbove
	one := func(name string) (float64, float64) { return t.col(name, last)[0], t.col(name+"_err", last)[0] }
	scaleM, scaleG := math.Pow(float64(L), 1.0/8), math.Pow(float64(L), 1.0/4)
	e, eErr := one("energy")
	m, mErr := one("abs_m")
	u, uErr := one("binder")
	g, gErr := one("G_half")
	p.value = [5]float64{e, m, u, m * scaleM, g * scaleG}
	p.valErr = [5]float64{eErr, mErr, uErr, mErr * scaleM, gErr * scaleG}
	for i, c := range []struct {
		curve correlations.Curve
		v, e  float64
	}{{eq.energy, e, eErr}, {eq.absM, m, mErr}, {eq.binder, u, uErr}, {eq.gHalf, g, gErr}} {
		p.T[i], p.TErr[i] = implied(c.curve, c.v, c.e)
	}
	um := t.col("binder", rows)
	for i, v := range t.col("abs_m", rows) {
		p.planeU4 = append(p.planeU4, um[i])
		p.planeML = append(p.planeML, v*scaleM)
	}
	return p
}

// implied is the temperature the curve gives value v ± e (NaN when the
// curve or v is not measured).
func implied(c correlations.Curve, v, e float64) (float64, float64) {
	if math.IsNaN(v) || slices.ContainsFunc(c.Value, math.IsNaN) {
		return math.NaN(), math.NaN()
	}
	return c.Implied(v, e)
}

// tStar combines the flows of one class at one L (from one end, or both
// when end is nil) into T*(L) for observable o: the mean over flows,
// with the larger of their spread's standard error and the mean of their
// own errors over √n (one flow: its own error). NaN without a finite one.
func (s *fixedStudy) tStar(class, L, o int, end *bool) (mean, err float64, n int) {
	var ts, es []float64
	for _, p := range s.flows {
		if p.class != class || p.L != L || (end != nil && p.ordered != *end) {
			continue
		}
		if v := p.T[o]; !math.IsNaN(v) && !math.IsInf(v, 0) {
			ts, es = append(ts, v), append(es, p.TErr[o])
		}
	}
	return combine(ts, es)
}

func combine(ts, es []float64) (mean, err float64, n int) {
	n = len(ts)
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	var se2 float64
	for i, v := range ts {
		mean += v
		se2 += es[i] * es[i]
	}
	mean /= float64(n)
	own := math.Sqrt(se2) / float64(n)
	if n == 1 {
		return mean, own, 1
	}
	var ss float64
	for _, v := range ts {
		ss += (v - mean) * (v - mean)
	}
	spread := math.Sqrt(ss / float64(n-1) / float64(n))
	return mean, math.Max(spread, own), n
}

// fpValue is the mean fixed-point value of fpObs[o] over one class's
// flows at L, with the same error rule as tStar.
func (s *fixedStudy) fpValue(class, L, o int) (float64, float64) {
	var vs, es []float64
	for _, p := range s.flows {
		if p.class == class && p.L == L && !math.IsNaN(p.value[o]) {
			vs, es = append(vs, p.value[o]), append(es, p.valErr[o])
		}
	}
	m, e, _ := combine(vs, es)
	return m, e
}

// cvPeak is T_c(L) of the specific-heat peak: the vertex of the parabola
// through the largest C and its neighbours, its error propagated from
// their errors (numerically); NaN when the peak is at an end of the grid.
func (eq *equilibrium) cvPeak() (float64, float64) {
	i := -1
	for j, v := range eq.cv {
		if !math.IsNaN(v) && (i < 0 || v > eq.cv[i]) {
			i = j
		}
	}
	if i <= 0 || i >= len(eq.cv)-1 || math.IsNaN(eq.cv[i-1]) || math.IsNaN(eq.cv[i+1]) {
		return math.NaN(), math.NaN()
	}
	x := eq.T[i-1 : i+2]
	y := slices.Clone(eq.cv[i-1 : i+2])
	t0 := vertex(x, y)
	var v float64
	for j := range 3 {
		h := eq.cvErr[i-1+j]
		if !(h > 0) {
			continue
		}
		y[j] += h
		d := vertex(x, y) - t0
		y[j] -= h
		v += d * d
	}
	return t0, math.Sqrt(v)
}

// vertex is the x of the extremum of the parabola through three points,
// kept within them.
func vertex(x, y []float64) float64 {
	d1 := (y[1] - y[0]) / (x[1] - x[0])
	d2 := (y[2] - y[1]) / (x[2] - x[1])
	a := (d2 - d1) / (x[2] - x[0])
	if !(a < 0) {
		return x[1]
	}
	v := (x[0]+x[1])/2 - d1/(2*a)
	return math.Max(x[0], math.Min(x[2], v))
}

// binderCrossing is where the U4 curves of two sizes cross on their
// common temperatures (fss.Crossing), with the error of the difference
// at the crossing over its slope; NaN when they do not cross once.
func binderCrossing(a, b *equilibrium) (float64, float64) {
	var T, u1, u2, e2 []float64
	for i, t := range a.T {
		if j := slices.Index(b.T, t); j >= 0 {
			T = append(T, t)
			u1, u2 = append(u1, a.binder.Value[i]), append(u2, b.binder.Value[j])
			e2 = append(e2, a.binder.Err[i]*a.binder.Err[i]+b.binder.Err[j]*b.binder.Err[j])
		}
	}
	tc, err := fss.Crossing(T, u1, u2)
	if err != nil {
		return math.NaN(), math.NaN()
	}
	i := max(0, min(len(T)-2, interval(T, tc)))
	slope := ((u1[i+1] - u2[i+1]) - (u1[i] - u2[i])) / (T[i+1] - T[i])
	sd := math.Sqrt((e2[i] + e2[i+1]) / 2)
	return tc, math.Abs(sd / slope)
}

// interval is the index of the grid interval holding t.
func interval(T []float64, t float64) int {
	for i := 0; i+1 < len(T); i++ {
		if t <= T[i+1] {
			return i
		}
	}
	return len(T) - 2
}
