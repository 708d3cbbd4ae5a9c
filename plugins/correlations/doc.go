// Package correlations is the "correlations" analyzer plugin: equilibrium
// observables of configurations of any model, grouped by a label — the
// temperature of a dataset or the iteration of an RBM flow — and the
// temperature each implies. It knows no model: what it needs of one the
// host hands over from the model plugin that sampled the data.
//
// Per group, with N = L² sites:
//
//   - ⟨e⟩ and ⟨|m|⟩ of the model's own energy per site and order parameter
//     (its Observables, data/observables/energy and …/magnetization), with
//     standard errors from 20 contiguous blocks;
//   - the susceptibility χ = N (⟨m²⟩ − ⟨|m|⟩²)/T (with group "iteration",
//     where no T is known, χT = N (⟨m²⟩ − ⟨|m|⟩²)), and the Binder
//     cumulant U = 1 − ⟨m⁴⟩/(3⟨m²⟩²), errors by jackknife over the blocks;
//   - only where the model declares the periodic hypercubic lattice
//     (sdk.LatticeHypercubic, d = 1, 2, 3; sites x-major, i = x·L + y in
//     two) and G = 1: G(r) with j r steps from i along one axis,
//     averaged over i and the d axes,
//     r = 0 … L/2 — ⟨s_i s_j⟩ for spin states (a subset of {−1, 0, 1}
//     holding ±1), ⟨δ(s_i, s_j)⟩ − 1/q for any other q states — and the
//     connected G_c(r) = G(r) − (Σ_k ū_k² − c), ū the group means of the
//     site densities (the mean site value for spins, c = 0; the fraction
//     in each state for q states, c = 1/q); a correlation length ξ fitted
//     to G_c(r) ≈ A cosh((r − L/2)/ξ) over r = 1 … L/2 (the periodic form
//     of e^(−r/ξ)), weighted by the errors, over 0.05 ≤ ξ ≤ 100 L; NaN
//     where G_c(1) ≤ 0. xi_limit flags a ξ at a bound of that range (+1 at
//     the top: G_c flat over the lattice, ξ only "at least" it; −1 at the
//     bottom), which the xi figure declares, so that the host draws it as
//     a limit;
//   - per temperature (not per flow iteration) the specific heat per site
//     C = sites·(⟨e²⟩ − ⟨e⟩²)/T² with its jackknife error, and G(L/2)
//     alone as the series G_half (what an analysis of analyses reads).
//
// Thermometer-free temperatures (Veiga & Vicente 2020 showed that a
// thermometer reads ≈ T_c even for flows of a random RBM): each group's
// ⟨e⟩ is matched to the model's exact curve at this L when it has one
// (data/exact/T, data/exact/energy), otherwise to the Monte Carlo
// reference's energy; ⟨|m|⟩ and G(L/2) are matched to the reference's
// curves, measured the same way. A curve is made monotone (pool-adjacent-
// violators) and inverted by linear interpolation; the error is half the
// spread of the temperatures implied by value ± √(σ² + σ_ref²). A value
// outside the curve's range implies no temperature (NaN), except past the
// hot end of the model's exact curve, which goes on towards T → ∞: there
// T = +Inf (an energy above every temperature of the curve, as a
// random-weight flow's often is). A thermometer's
// readings, when given, are averaged per group beside them.
package correlations
