// Package correlations is the "correlations" analyzer plugin: equilibrium
// observables of ±1 configurations on an L×L periodic square lattice
// (sites i = x·L + y), grouped by a label — the temperature of a dataset or
// the iteration of an RBM flow — and the temperature each implies.
//
// Per group, with N = L² spins, m = (1/N) Σ_i s_i and e = −(1/N) Σ_i s_i
// (s_(x+1,y) + s_(x,y+1)) (the Ising energy per spin, J = 1):
//
//   - ⟨e⟩ and ⟨|m|⟩ with standard errors (configurations taken as
//     independent);
//   - the susceptibility χ = N (⟨m²⟩ − ⟨|m|⟩²)/T (with group "iteration",
//     where no T is known, χT = N (⟨m²⟩ − ⟨|m|⟩²)), and the Binder
//     cumulant U = 1 − ⟨m⁴⟩/(3⟨m²⟩²), errors by jackknife over 20 blocks;
//   - G(r) = ⟨s_i s_j⟩ with j r steps from i along x or y (periodic),
//     averaged over i and both directions, r = 0 … L/2, and the connected
//     G_c(r) = G(r) − ⟨m⟩² (⟨m⟩ the signed group mean);
//   - a correlation length ξ fitted to G_c(r) ≈ A cosh((r − L/2)/ξ) over
//     r = 1 … L/2 (the periodic form of e^(−r/ξ)), weighted by the
//     errors, over 0.05 ≤ ξ ≤ 100 L; NaN where G_c(1) ≤ 0 (no correlation
//     to fit). xi_limit flags a ξ at a bound of that range (+1 at the top:
//     G_c flat over the lattice, ξ only "at least" it; −1 at the bottom),
//     which the xi figure declares, so that the host draws it as a limit.
//
// Thermometer-free temperatures (Veiga & Vicente 2020 showed that a
// thermometer reads ≈ T_c even for flows of a random RBM): each group's
// ⟨e⟩ is matched to the exact equilibrium curve ⟨e⟩(T) of the L×L torus
// (Kaufman's solution, package plugins/ising/exact), and, when a Monte
// Carlo reference dataset at the same L is given, ⟨|m|⟩ and G(L/2) are
// matched to its curves. The curve is made monotone (pool-adjacent-
// violators) and inverted by linear interpolation; the error is half the
// spread of the temperatures implied by value ± √(σ² + σ_ref²). A value
// outside the curve's range implies no temperature (NaN). A thermometer's
// readings, when given, are averaged per group beside them.
package correlations
