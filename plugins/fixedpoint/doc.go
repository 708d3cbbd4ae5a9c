// Package fixedpoint is the "fixedpoint" analyzer plugin: where RBM flows
// of several lattice sizes go, read without a thermometer, and how that
// fixed point T*(L) scales with L (issue 25, docs/finite-size.md).
//
// It reads earlier analyses (an analysis of analyses; the host's rule is
// in framework/experiment/steps/analyze/analyses.go): per L one analysis
// of equilibrium data (by_iteration = 0: rows are temperatures) and any
// number of analyses of flows (by_iteration = 1: rows are iterations),
// each with the energy per site, ⟨|m|⟩, U4, G(L/2) and, for equilibrium
// data, the specific heat, with errors (what the correlations analyzer
// gives), and per flow its RBM's N_h and training seed from the lineage.
//
// Per flow: the last iteration's energy, ⟨|m|⟩, U4, ⟨|m|⟩·L^{β/ν} and
// G(L/2)·L^{d−2+η} (parameters beta_over_nu and eta; by default β/ν = 1/8,
// η = 1/4 of the 2D Ising class), and the
// temperature the first four imply on the equilibrium curve of the same
// L (plugins/internal/implied: Curve, made monotone, inverted linearly; the scaled
// forms imply the same temperatures as ⟨|m|⟩ and G(L/2)). A flow whose
// first reading has ⟨|m|⟩ > 0.5 started from the ordered end, otherwise
// from the disordered end.
//
// Networks are classed by N_h: fixed_hidden (default 16) is "Nh=16" at
// every L, any other N_h by its ratio N_h/N_v (ratios within 10 % of
// each other are one class, as N_h rounded at each L makes them), named
// to two decimals from its member of the largest L ("r=0.16"). A study
// in which fixed_hidden at some L is a ratio class's N_h/N_v and that
// class has no flow there is refused (its networks would be taken for
// the fixed class's).
// T*(L) per class and observable (T*_OBS@CLASS, from both ends and from
// each end, with _err and the number of flows _n) is the mean over the
// flows (seeds × ends); its error the larger of the flows' standard error
// of the mean and the root-sum-square of their own errors over n. A flow
// whose reading lies outside its L's equilibrium curve implies no
// temperature and is left out; T*_OBS@CLASS_out_cold, _out_hot and
// _out_unmeasured count those per L (beyond the curve's value at its
// lowest T, at its highest, or not measured), and the T*(L) figure's
// title gives their total.
//
// T_c(L) two ways: the specific-heat peak (peak.go: the vertex of the
// weighted parabola through every C within 5 % of the largest, its
// error the fit's), and the crossing of U4(T) of L with the next larger L
// (crossing.go): the difference of the two curves counts only where it is
// ≥ 3 of its errors from zero; the crossing is resolved when those
// significant signs change exactly once, and is then the zero of the
// weighted straight line through the difference from the last significant
// point of one sign to the first of the other, its error propagated from
// both curves' errors through that fit plus the interpolation's (the
// shift of the zero when a parabola through one more point is fitted).
// Otherwise Tc_binder is NaN and Tc_binder_status says why (1: no
// significant sign change, 2: several, 3: fewer than two common
// temperatures); Tc_binder_lo and _hi bracket a resolved crossing. Each
// series is fitted with fss.FitPowerLaw over its sizes that are not NaN:
// fit@NAME = [T(∞), its error, a, its error, χ², dof, p, n], n the sizes
// used.
//
// Figures: per class T*(L) of each observable against 1/L beside both
// T_c(L) (and T_ref, the parameter reference_T, when given), its title
// naming the unresolved crossings; tables (rgml analyses show) of T_c(L)
// with the crossings' status and per class of the flows used and left
// out; per L the
// flows in the (U4, ⟨|m|⟩L^{β/ν}) plane, one path per class and end (the
// mean over its seeds at each reading), beside the equilibrium curve.
package fixedpoint
