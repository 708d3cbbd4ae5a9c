package fixedpoint

import (
	"fmt"
	"math"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/fss"
)

// Fit rows: each fit@NAME result holds these, in this order.
var fitFields = []string{"T_inf", "T_inf_err", "a", "a_err", "chi2", "dof", "p"}

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
	cv, cvErr, ub, ubErr := nans(nL), nans(nL), nans(nL), nans(nL)
	for i, l := range s.Ls {
		cv[i], cvErr[i] = s.eq[l].cvPeak()
		if i+1 < nL {
			ub[i], ubErr[i] = binderCrossing(s.eq[l], s.eq[s.Ls[i+1]])
		}
	}
	if s.refT > 0 {
		ref := make([]float64, nL)
		for i := range ref {
			ref[i] = s.refT
		}
		a.Results = append(a.Results, vec("T_ref", ref))
	}
	a.Results = append(a.Results, vec("Tc_cv", cv), vec("Tc_cv_err", cvErr), vec("Tc_binder", ub), vec("Tc_binder_err", ubErr))
	a.Results = append(a.Results, vec("fit_fields_index", []float64{0, 1, 2, 3, 4, 5, 6}))
	a.Results = append(a.Results, s.fit("fit@Tc_cv", L, cv, cvErr), s.fit("fit@Tc_binder", L, ub, ubErr))
	for c := range s.classes {
		class := s.label(c)
		f := sdk.Figure{Name: "Tstar_" + class, Kind: sdk.FigureLine, X: "inv_L", XLabel: "1/L", YLabel: "T",
			Title: fmt.Sprintf("T*(L) of the flows (%s) and T_c(L)", class)}
		for o, obs := range observables {
			a.Results = append(a.Results, s.tStarSeries(c, o, class, obs, L)...)
			name := fmt.Sprintf("T*_%s@%s", obs, class)
			f.Series, f.Errors = append(f.Series, name), append(f.Errors, name+"_err")
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
		a.Figures = append(a.Figures, f)
	}
	a.Results = append(a.Results, s.perFlow()...)
	s.planes(&a)
	return a
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
		return vec(name, nans(len(fitFields)))
	}
	return vec(name, []float64{f.TInf, f.TInfErr, f.A, f.AErr, f.Chi2, float64(f.Dof), f.P})
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
