// Package exact gives exact reference results for the two-dimensional Ising
// model of package ising: an L×L square lattice with periodic boundaries,
// J = 1, k_B = 1, H = −Σ_<ij> s_i s_j over the 2L² nearest-neighbour bonds
// (each bond once; for L = 2 the torus joins each neighbouring pair by two
// bonds, and both count).
//
// Two independent routes:
//
//   - Enumerate / Spectrum.At visits all 2^(L²) states (L ≤ 5; L = 4 is
//     65 536 states) and builds the joint density of states g(E, M). Any
//     average then follows exactly: ln Z, ⟨E⟩/N, the specific heat per spin
//     C/N = (⟨E²⟩ − ⟨E⟩²)/(N T²), ⟨|m|⟩ and ⟨m²⟩ with m = M/N. Weights are
//     shifted by the ground-state energy, so nothing overflows at any T > 0.
//
//   - Kaufman evaluates the exact partition function of the finite torus
//     (B. Kaufman, "Crystal statistics. II. Partition function evaluated by
//     spinor analysis", Phys. Rev. 76, 1232 (1949); A. E. Ferdinand and
//     M. E. Fisher, "Bounded and inhomogeneous Ising models. I. Specific-heat
//     anomaly of a finite lattice", Phys. Rev. 185, 832 (1969)):
//
//     Z = ½ (2 sinh 2K)^(N/2) Σ_{i=1..4} Z_i,  K = 1/T,
//
//     with Z_1, Z_2 (Z_3, Z_4) the products over odd (even) l of
//     2 cosh(Lγ_l/2), 2 sinh(Lγ_l/2), cosh γ_l = cosh 2K coth 2K − cos(lπ/L),
//     and γ_0 = 2K + ln tanh K with its sign (negative above T_c). The energy
//     E/N = −(∂ ln Z/∂K)/N and the specific heat C/N = K² (∂² ln Z/∂K²)/N
//     are computed from analytic derivatives, for any L ≥ 2.
//
// The tests check the two routes against each other for L = 2…5 (to
// 1e-9 relative) and Kaufman against the T → 0 limit (E/N → −2) and the
// high-temperature series ln Z/N = ln 2 + 2 ln cosh K + tanh⁴K + O(tanh⁶K).
// Tc is Onsager's critical temperature of the infinite lattice (L. Onsager,
// Phys. Rev. 65, 117 (1944)).
//
// SpecificHeatPeak locates the maximum of Kaufman's C(T) for one L: the
// finite lattice's T_c(L) by the specific-heat definition (checked against
// the enumerated C at L = 3, 4 and against Ferdinand and Fisher's
// asymptotics, shift 0.3603·T_c/L and height (8K_c²/π) ln L).
package exact
