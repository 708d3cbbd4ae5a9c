package fixedpoint

import (
	"fmt"
	"math"
	"strings"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/fss"
)

// Fit rows: each fit@NAME result holds these, in this order.
// (n: the number of sizes fitted, those whose value is not NaN).
var fitFields = []string{"T_inf", "T_inf_err", "a", "a_err", "chi2", "dof", "p", "n"}

func vec(name string, v []float64) sdk.Tensor {
	return sdk.Tensor{Name: name, Shape: []int{len(v)}, Data: v}
}

func nans(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = math.NaN()
	}
	return v
}

// answer lays the study out as result tensors and figures.
func (s *fixedStudy) answer() sdk.Analysis {
	nL := len(s.Ls)
	L, invL := make([]float64, nL), make([]float64, nL)
	for i, l := range s.Ls {
		L[i], invL[i] = float64(l), 1/float64(l)
	}
	a := sdk.Analysis{Results: []sdk.Tensor{vec("L", L), vec("inv_L", invL)}}
	cv, cvErr := nans(nL), nans(nL)
	for i, l := range s.Ls {
		cv[i], cvErr[i] = s.eq[l].cvPeak()
	}
	cross := s.crossings()
	ub, ubErr := cross["Tc_binder"], cross["Tc_binder_err"]
	if s.refT > 0 {
		ref := make([]float64, nL)
		for i := range ref {
			ref[i] = s.refT
		}
		a.Results = append(a.Results, vec("T_ref", ref))
	}
	a.Results = append(a.Results, vec("Tc_cv", cv), vec("Tc_cv_err", cvErr))
	for _, name := range crossNames {
		a.Results = append(a.Results, vec(name, cross[name]))
	}
	a.Results = append(a.Results, vec("fit_fields_index", []float64{0, 1, 2, 3, 4, 5, 6, 7}))
	a.Results = append(a.Results, s.fit("fit@Tc_cv", L, cv, cvErr), s.fit("fit@Tc_binder", L, ub, ubErr))
	a.Figures = append(a.Figures, sdk.Figure{Name: "Tc", Kind: sdk.FigureTable, X: "L",
		Title:  "T_c(L): the specific-heat peak and the U4 crossing with the next L (status 0 resolved, 1 no significant sign change, 2 several, 3 too few temperatures)",
		Series: append([]string{"Tc_cv", "Tc_cv_err"}, crossNames...)})
	unresolved := s.unresolvedNote(cross["Tc_binder_status"])
	for c := range s.classes {
		class := s.label(c)
		f := sdk.Figure{Name: "Tstar_" + class, Kind: sdk.FigureLine, X: "inv_L", XLabel: "1/L", YLabel: "T",
			Title: fmt.Sprintf("T*(L) of the flows (%s) and T_c(L)%s%s", class, unresolved, s.leftOutNote(c))}
		counts := sdk.Figure{Name: "flows_" + class, Kind: sdk.FigureTable, X: "L",
			Title: fmt.Sprintf("flows (%s) in T*(L) per observable (_n) and left out: reading beyond the equilibrium curve's cold or hot end, or not measured", class)}
		for o, obs := range observables {
			a.Results = append(a.Results, s.tStarSeries(c, o, class, obs, L)...)
			name := fmt.Sprintf("T*_%s@%s", obs, class)
			f.Series, f.Errors = append(f.Series, name), append(f.Errors, name+"_err")
			counts.Series = append(counts.Series, name+"_n")
			for why := outCold; why <= outUnmeasured; why++ {
				v := make([]float64, nL)
				for i, l := range s.Ls {
					v[i] = float64(s.leftOutCount(c, l, o, why))
				}
				a.Results = append(a.Results, vec(name+"_out_"+outNames[why], v))
				counts.Series = append(counts.Series, name+"_out_"+outNames[why])
			}
		}
		for o, obs := range fpObs {
			v, e := nans(nL), nans(nL)
			for i, l := range s.Ls {
				v[i], e[i] = s.fpValue(c, l, o)
			}
			name := fmt.Sprintf("fp_%s@%s", obs, class)
			a.Results = append(a.Results, vec(name, v), vec(name+"_err", e))
		}
		f.Series = append(f.Series, "Tc_cv", "Tc_binder")
		f.Errors = append(f.Errors, "Tc_cv_err", "Tc_binder_err")
		if s.refT > 0 {
			f.Series, f.Errors = append(f.Series, "T_ref"), append(f.Errors, "")
		}
		a.Figures = append(a.Figures, f, counts)
	}
	a.Results = append(a.Results, s.perFlow()...)
	s.planes(&a)
	return a
}

// crossNames are the results of the U4 crossings, per L (of L with the
// next larger L; NaN at the largest).
var crossNames = []string{"Tc_binder", "Tc_binder_err", "Tc_binder_status", "Tc_binder_lo", "Tc_binder_hi"}

// crossings computes the U4 crossing of each L with the next.
func (s *fixedStudy) crossings() map[string][]float64 {
	nL := len(s.Ls)
	out := map[string][]float64{}
	for _, name := range crossNames {
		out[name] = nans(nL)
	}
	for i := 0; i+1 < nL; i++ {
		c := binderCrossing(s.eq[s.Ls[i]], s.eq[s.Ls[i+1]])
		for name, v := range map[string]float64{"Tc_binder": c.T, "Tc_binder_err": c.Err,
			"Tc_binder_status": float64(c.status), "Tc_binder_lo": c.lo, "Tc_binder_hi": c.hi} {
			out[name][i] = v
		}
	}
	return out
}

// unresolvedNote names, for a figure's title, the pairs of sizes whose
// U4 crossing is unresolved and why ("" when every one is resolved).
func (s *fixedStudy) unresolvedNote(status []float64) string {
	var parts []string
	for i := 0; i+1 < len(s.Ls); i++ {
		if r, ok := crossReason[int(status[i])]; ok {
			parts = append(parts, fmt.Sprintf("L = %d/%d (%s)", s.Ls[i], s.Ls[i+1], r))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "; U4 crossing unresolved at " + strings.Join(parts, ", ")
}

// leftOutNote says, for a figure's title, how many flow readings of
// class c imply no temperature and are left out of T*(L).
func (s *fixedStudy) leftOutNote(c int) string {
	n := 0
	for o := range observables {
		for _, l := range s.Ls {
			for why := outCold; why <= outUnmeasured; why++ {
				n += s.leftOutCount(c, l, o, why)
			}
		}
	}
	switch n {
	case 0:
		return ""
	case 1:
		return "; 1 flow reading outside the equilibrium curves left out"
	}
	return fmt.Sprintf("; %d flow readings outside the equilibrium curves left out", n)
}

// tStarSeries: T*(L) of one class and observable from both ends, from
// each end, the number of flows, and the fit of the both-ends series.
func (s *fixedStudy) tStarSeries(c, o int, class, obs string, L []float64) []sdk.Tensor {
	nL := len(s.Ls)
	name := fmt.Sprintf("T*_%s@%s", obs, class)
	var out []sdk.Tensor
	ordered, disordered := true, false
	for _, end := range []struct {
		suffix string
		end    *bool
	}{{"", nil}, {",end=ordered", &ordered}, {",end=disordered", &disordered}} {
		v, e, n := nans(nL), nans(nL), make([]float64, nL)
		for i, l := range s.Ls {
			var k int
			v[i], e[i], k = s.tStar(c, l, o, end.end)
			n[i] = float64(k)
		}
		out = append(out, vec(name+end.suffix, v), vec(name+end.suffix+"_err", e), vec(name+end.suffix+"_n", n))
		if end.end == nil {
			out = append(out, s.fit("fit@"+name, L, v, e))
		}
	}
	return out
}

// fit fits T(L) = T(∞) + a·L^(−1/ν) over the finite points; NaN fields
// when fewer than two remain.
func (s *fixedStudy) fit(name string, L, T, e []float64) sdk.Tensor {
	var l, t, se []float64
	for i := range L {
		if !math.IsNaN(T[i]) && e[i] > 0 {
			l, t, se = append(l, L[i]), append(t, T[i]), append(se, e[i])
		}
	}
	f, err := fss.FitPowerLaw(l, t, se, s.nu)
	if err != nil {
		v := nans(len(fitFields))
		v[len(v)-1] = float64(len(l))
		return vec(name, v)
	}
	return vec(name, []float64{f.TInf, f.TInfErr, f.A, f.AErr, f.Chi2, float64(f.Dof), f.P, float64(len(l))})
}

// perFlow: each flow's L, class, seed, end and implied temperatures.
func (s *fixedStudy) perFlow() []sdk.Tensor {
	n := len(s.flows)
	cols := map[string][]float64{}
	names := []string{"flow_L", "flow_class", "flow_seed", "flow_ordered"}
	for _, obs := range observables {
		names = append(names, "flow_T_"+obs, "flow_T_"+obs+"_err")
	}
	for _, name := range names {
		cols[name] = make([]float64, n)
	}
	for i, p := range s.flows {
		cols["flow_L"][i], cols["flow_class"][i], cols["flow_seed"][i] = float64(p.L), float64(p.class), p.seed
		if p.ordered {
			cols["flow_ordered"][i] = 1
		}
		for o, obs := range observables {
			cols["flow_T_"+obs][i], cols["flow_T_"+obs+"_err"][i] = p.T[o], p.TErr[o]
		}
	}
	var out []sdk.Tensor
	for _, name := range names {
		out = append(out, vec(name, cols[name]))
	}
	return out
}

// planes adds per L the flows in the (U4, ⟨|m|⟩L^{β/ν}) plane beside the
// equilibrium curve: per class and end the mean over its flows (seeds) at
// each iteration, as one path, and the curve over T. All share one x
// tensor; each series is NaN where the others' points are.
func (s *fixedStudy) planes(a *sdk.Analysis) {
	for _, l := range s.Ls {
		var x []float64
		series := map[string][]float64{}
		var names []string
		add := func(name string, u, m []float64) {
			if _, ok := series[name]; !ok {
				names = append(names, name)
				series[name] = nans(len(x))
			}
			for _, other := range names {
				if other != name {
					series[other] = append(series[other], nans(len(u))...)
				}
			}
			x, series[name] = append(x, u...), append(series[name], m...)
		}
		for c := range s.classes {
			for _, end := range []bool{true, false} {
				if u, m := s.meanPath(c, l, end); u != nil {
					add(fmt.Sprintf("%s,%s@L=%d", s.label(c), endName(end), l), u, m)
				}
			}
		}
		eq := s.eq[l]
		curve := make([]float64, len(eq.T))
		for i := range eq.T {
			curve[i] = eq.absM.Value[i] * s.scaleM(l)
		}
		add(fmt.Sprintf("equilibrium@L=%d", l), eq.binder.Value, curve)
		at := fmt.Sprintf("@L=%d", l)
		a.Results = append(a.Results, vec("U4"+at, x))
		f := sdk.Figure{Name: fmt.Sprintf("plane_L%d", l), Kind: sdk.FigureLine, X: "U4" + at,
			XLabel: "U4", YLabel: s.mLabel(), Title: fmt.Sprintf("L = %d: flows in the (U4, ⟨|m|⟩L^%s) plane", l, expo(s.betaNu))}
		for _, name := range names {
			a.Results = append(a.Results, vec(name, series[name]))
			f.Series = append(f.Series, name)
		}
		a.Figures = append(a.Figures, f)
	}
}

func endName(ordered bool) string {
	if ordered {
		return "from ordered"
	}
	return "from disordered"
}

// meanPath is the mean over the flows of class c at L from one end of U4
// and ⟨|m|⟩L^{β/ν} at each reading (nil when there are none, or their
// readings differ in number).
func (s *fixedStudy) meanPath(c, l int, ordered bool) (u, m []float64) {
	n := 0
	for _, p := range s.flows {
		if p.class != c || p.L != l || p.ordered != ordered {
			continue
		}
		if u == nil {
			u, m = make([]float64, len(p.planeU4)), make([]float64, len(p.planeU4))
		}
		if len(p.planeU4) != len(u) {
			return nil, nil
		}
		for i := range u {
			u[i] += p.planeU4[i]
			m[i] += p.planeML[i]
		}
		n++
	}
	for i := range u {
		u[i] /= float64(n)
		m[i] /= float64(n)
	}
	return u, m
}
