package fixedpoint

import (
	"fmt"
	"math"
	"slices"

	"github.com/rgml/rgml/framework/sdk"
	curves "github.com/rgml/rgml/plugins/internal/implied"
)

// orderedAbove: a flow whose first reading has ⟨|m|⟩ above it started
// from the ordered end, else from the disordered end.
const orderedAbove = 0.5

// equilibrium is one L's equilibrium curves, ascending in T.
type equilibrium struct {
	T                           []float64
	energy, absM, binder, gHalf curves.Curve
	cv, cvErr                   []float64
}

// flowPoint is one flow's last reading and the temperatures it implies.
type flowPoint struct {
	L, class      int // class indexes fixedStudy.classes
	seed          float64
	ordered       bool
	value, valErr [5]float64 // fpObs at the last iteration
	T, TErr       [4]float64 // implied by observables
	out           [4]int     // why T is not used in T*: outUsed, outCold, …
	planeU4       []float64  // U4 and ⟨|m|⟩L^{β/ν} at every iteration
	planeML       []float64
}

// fpObs: the fixed-point observables reported (the scaled forms imply
// the same temperatures at one L as ⟨|m|⟩ and G(L/2)).
var fpObs = []string{"energy", "abs_m", "binder", "mL", "GL"}

// exponents are the critical exponents the analysis assumes: ν of the
// fit, β/ν and η of the scaled observables.
type exponents struct{ nu, betaNu, eta float64 }

// scaleM and scaleG are the factors L^{β/ν} and L^{d−2+η} of the scaled
// observables at L on a lattice of dimension dim.
func (e exponents) scaleM(L int) float64 { return math.Pow(float64(L), e.betaNu) }
func (e exponents) scaleG(L, dim int) float64 {
	return math.Pow(float64(L), float64(dim)-2+e.eta)
}

// mLabel and gLabel name the scaled observables with their exponents.
func (e exponents) mLabel() string { return fmt.Sprintf("⟨|m|⟩·L^%s", expo(e.betaNu)) }
func (e exponents) gLabel(dim int) string {
	return fmt.Sprintf("G(L/2)·L^%s", expo(float64(dim)-2+e.eta))
}

// expo writes an exponent as a fraction where it is a simple one (1/8,
// 1/4), else with five significant digits (0.51815, 1.0363: the 3D
// Ising class's as given).
func expo(x float64) string {
	for _, q := range []int{1, 2, 3, 4, 8} {
		if p := x * float64(q); math.Abs(p-math.Round(p)) < 1e-9 {
			if q == 1 {
				return fmt.Sprintf("{%d}", int(math.Round(p)))
			}
			return fmt.Sprintf("{%d/%d}", int(math.Round(p)), q)
		}
	}
	return fmt.Sprintf("{%.5g}", x)
}

type fixedStudy struct {
	exponents
	nu      float64
	refT    float64 // drawn beside T*(L) when > 0
	Ls      []int
	eq      map[int]*equilibrium
	classes []netClass
	flows   []flowPoint
	dim     int
}

func study(t *table, ex exponents, refT float64, fixedHidden, dim int) (*fixedStudy, error) {
	s := &fixedStudy{exponents: ex, nu: ex.nu, refT: refT, eq: map[int]*equilibrium{}, dim: dim}
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
	if err := s.ambiguousFixed(fixedHidden); err != nil {
		return nil, err
	}
	return s, nil
}

// ambiguousFixed refuses a study in which N_h = fixed_hidden at some L is
// also N_h/N_v of a ratio class (within ratioTol): N_h rounded at that L
// makes the ratio's networks fixed_hidden, and their flows would be
// counted with the fixed class's, silently (and twice over when the
// spec's two trainings are the same one), leaving the ratio class with
// no flow at L, which is what is checked.
func (s *fixedStudy) ambiguousFixed(fixedHidden int) error {
	for _, L := range s.Ls {
		r := float64(fixedHidden) / float64(sdk.LatticeSites(L, s.dim))
		for c, o := range s.classes {
			if !o.fixed && !math.IsNaN(o.ratio) && math.Abs(r/o.ratio-1) < ratioTol && !s.hasFlows(c, L) {
				return sdk.InvalidArgument("at L = %d N_h = %d (fixed_hidden) is also N_h/N_v = %.3f of class %s: its networks cannot be told apart; give another fixed_hidden or ratio",
					L, fixedHidden, r, s.label(c))
			}
		}
	}
	return nil
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
	curve := func(name string) curves.Curve {
		return curves.Curve{T: eq.T, Value: t.col(name, rows), Err: t.col(name+"_err", rows)}
	}
	eq.energy, eq.absM, eq.binder, eq.gHalf = curve("energy"), curve("abs_m"), curve("binder"), curve("G_half")
	eq.cv, eq.cvErr = t.col("specific_heat", rows), t.col("specific_heat_err", rows)
	return eq, nil
}

// netClass is a class of networks: N_h = fixed_hidden at every L, or a
// ratio N_h/N_v (N_h rounded at each L, so members differ by up to a
// few per cent; ratioTol joins them). Its label is named from its member
// of the largest N_v, where the rounding matters least.
type netClass struct {
	fixed      bool
	ratio      float64
	labelSites int
}

const ratioTol = 0.1

func (s *fixedStudy) class(hidden float64, L, fixedHidden int) int {
	sites := sdk.LatticeSites(L, s.dim)
	c := netClass{ratio: math.NaN()}
	switch {
	case math.IsNaN(hidden):
	case int(hidden) == fixedHidden:
		c = netClass{fixed: true, ratio: float64(fixedHidden)}
	default:
		c.ratio = hidden / float64(sites)
	}
	for i, o := range s.classes {
		same := o.fixed == c.fixed && (o.ratio == c.ratio || (math.IsNaN(o.ratio) && math.IsNaN(c.ratio)) ||
			(!c.fixed && math.Abs(c.ratio/o.ratio-1) < ratioTol))
		if same {
			if !c.fixed && sites > o.labelSites {
				s.classes[i].ratio, s.classes[i].labelSites = c.ratio, sites
			}
			return i
		}
	}
	c.labelSites = sites
	s.classes = append(s.classes, c)
	return len(s.classes) - 1
}

// label names class c in result names: "Nh=16", "r=0.16", or "all" for
// flows whose network's N_h is unknown.
func (s *fixedStudy) label(c int) string {
	switch o := s.classes[c]; {
	case o.fixed:
		return fmt.Sprintf("Nh=%g", o.ratio)
	case math.IsNaN(o.ratio):
		return "all"
	default:
		return fmt.Sprintf("r=%.2f", o.ratio)
	}
}

func (s *fixedStudy) flowPoint(t *table, k, L int, eq *equilibrium, fixedHidden int) flowPoint {
	rows := t.sortedRows(k)
	last := rows[len(rows)-1:]
	p := flowPoint{L: L, class: s.class(t.lin("flow/rbm/hidden", k), L, fixedHidden), seed: t.lin("flow/rbm/seed", k)}
	p.ordered = t.col("abs_m", rows[:1])[0] > orderedAbove
	one := func(name string) (float64, float64) { return t.col(name, last)[0], t.col(name+"_err", last)[0] }
	scaleM, scaleG := s.scaleM(L), s.scaleG(L, s.dim)
	e, eErr := one("energy")
	m, mErr := one("abs_m")
	u, uErr := one("binder")
	g, gErr := one("G_half")
	p.value = [5]float64{e, m, u, m * scaleM, g * scaleG}
	p.valErr = [5]float64{eErr, mErr, uErr, mErr * scaleM, gErr * scaleG}
	for i, c := range []struct {
		curve curves.Curve
		v, e  float64
	}{{eq.energy, e, eErr}, {eq.absM, m, mErr}, {eq.binder, u, uErr}, {eq.gHalf, g, gErr}} {
		p.T[i], p.TErr[i] = implied(c.curve, c.v, c.e)
		p.out[i] = leftOut(c.curve, c.v, p.T[i])
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
func implied(c curves.Curve, v, e float64) (float64, float64) {
	if math.IsNaN(v) || slices.ContainsFunc(c.Value, math.IsNaN) {
		return math.NaN(), math.NaN()
	}
	return c.Implied(v, e)
}

// Why a flow's reading implies no temperature and is left out of T*.
const (
	outUsed       = iota
	outCold       // beyond the equilibrium curve's value at its lowest T
	outHot        // beyond its value at its highest T
	outUnmeasured // the reading or the curve is not measured (NaN)
)

// outNames name the reasons in result names (T*_OBS@CLASS_out_NAME).
var outNames = []string{outCold: "cold", outHot: "hot", outUnmeasured: "unmeasured"}

// leftOut says why the reading v, which implies T on curve c, is left out
// of T* (outUsed when it is not): outside the curve's range, on the side
// of the end whose value it is nearer.
func leftOut(c curves.Curve, v, T float64) int {
	switch {
	case !math.IsNaN(T) && !math.IsInf(T, 0):
		return outUsed
	case math.IsNaN(v) || slices.ContainsFunc(c.Value, math.IsNaN):
		return outUnmeasured
	case math.IsInf(T, 1):
		return outHot
	}
	n := len(c.Value)
	if math.Abs(v-c.Value[0]) <= math.Abs(v-c.Value[n-1]) {
		return outCold
	}
	return outHot
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
		if p.out[o] == outUsed {
			ts, es = append(ts, p.T[o]), append(es, p.TErr[o])
		}
	}
	return combine(ts, es)
}

// leftOutCount counts the flows of class at L whose reading of observable
// o is left out of T* for reason why.
func (s *fixedStudy) leftOutCount(class, L, o, why int) int {
	n := 0
	for _, p := range s.flows {
		if p.class == class && p.L == L && p.out[o] == why {
			n++
		}
	}
	return n
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

// hasFlows reports whether class c has a flow at L.
func (s *fixedStudy) hasFlows(c, L int) bool {
	return slices.ContainsFunc(s.flows, func(p flowPoint) bool { return p.class == c && p.L == L })
}
