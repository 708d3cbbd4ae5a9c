// Package blumecapel is the two-dimensional Blume-Capel model as an rgml
// model plugin (sdk.Model), written against framework/sdk only: a new
// statistical model is a plugin, not a host change.
//
// # Model and conventions
//
// Spins s_i ∈ {−1, 0, +1} on an L×L square lattice with periodic
// boundaries, k_B = 1:
//
//	H = −J Σ_<ij> s_i s_j + Δ Σ_i s_i²,
//
// each of the 2L² nearest-neighbour bonds counted once (from every site to
// (x+1, y) and (x, y+1)), as in the Ising plugin. Parameters: T ≥ 0
// (default 1; T = 0 runs as 10^-6), the crystal field Δ (default 0) and the
// exchange J > 0 (default 1). Δ → −∞ is the Ising model; the transition
// line is second order from (Δ, T) = (0, 1.693) down to the tricritical
// point (Δ_t, T_t) = (1.9660(1), 0.6080(1)) and first order beyond it
// (Kwak, Jeong, Lee, Kim, Phys. Rev. E 92, 022134 (2015)), ending at
// Δ = 2J, T = 0. References declares that boundary at J = 1 (the
// tricritical point and both lines, each with its source) for the
// report's phase diagrams. A configuration is L² int8 values, site (x, y)
// at index x*L + y.
//
// Observables, per configuration: "energy" E/L², "magnetization" M/L²
// (signed) and "density" (1/L²) Σ_i s_i², whose mean is ⟨s²⟩. The Binder
// cumulant U = 1 − ⟨m⁴⟩/(3⟨m²⟩²) is a moment of the magnetisations
// (Binder).
//
// # Algorithms
//
//   - metropolis-paper (default): the Ising plugin's paper protocol. Every
//     configuration from its own uniformly random start after 100·L²
//     Metropolis attempts at uniformly random sites (Sweeps replaces 100).
//   - metropolis: Markov chains of the same moves, Thermalization sweeps
//     (default 1000), one configuration every Sweeps sweeps (default 10).
//   - hybrid: a sweep is one Metropolis sweep (which moves spins to and
//     from 0) then n_c Wolff clusters on the non-zero spins (flipping the
//     signs of a cluster leaves Σ s_i² alone, so Wolff's algorithm for the
//     Ising model on the occupied sites is exact); n_c is the mean number
//     of clusters per thermalisation sweep, over its second half, each of
//     which grew clusters until as many spins had flipped as were non-zero.
//     Defaults: 200 thermalisation sweeps, a configuration every 2 sweeps.
//     It stays efficient near the second-order line, where single-site
//     moves slow down critically.
//
// A Metropolis move proposes one of the two other states of the site, ½
// each (a symmetric proposal), and accepts it with min(1, exp(−dE/T)),
// dE = −J(s'−s)h + Δ(s'²−s²), h the sum of the four neighbours. The kernel
// (Chain.MetropolisAttempts) is the Ising kernel's with a 6×9 threshold
// table: one 64-bit random number per attempt (site from the high 32 bits,
// proposal from bit 31, acceptance from the low 31 bits), branch-free.
//
// # Reproducibility
//
// Work is cut into jobs independent of the machine and seeded per chain
// from the request seed in the domain of (algorithm, L, T, Δ, J) by the
// code the Ising plugin uses too (plugins/internal/mc and xrand): the same
// request gives the same bytes on any number of cores.
//
// Exact references (enumeration of all 3^(L²) states, L ≤ 4) are in
// package github.com/rgml/rgml/plugins/blumecapel/exact.
package blumecapel
