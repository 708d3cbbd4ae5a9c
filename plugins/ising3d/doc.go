// Package ising3d is the three-dimensional Ising model as an rgml model
// plugin (sdk.Model): Monte Carlo samplers and per-configuration
// observables on the simple cubic lattice.
//
// # Model and conventions
//
// Spins s = ±1 on an L×L×L simple cubic lattice with periodic boundaries,
// J = 1, k_B = 1:
//
//	H = −Σ_<ij> s_i s_j,
//
// each nearest-neighbour bond counted once (3L³ bonds: from every site to
// (x+1, y, z), (x, y+1, z) and (x, y, z+1); for L = 2 each neighbouring
// pair is joined by two bonds). A configuration is L³ int8 values, site
// (x, y, z) at index (x·L + y)·L + z (x-major, the host's hypercubic
// order). The one parameter is the temperature T ≥ 0 (default T_c);
// T = 0 is run as T = 10^-6, T = inf as β = 0.
//
// The model declares Dimension 3, the hypercubic-periodic lattice, state
// space {−1, +1} and one reference, the critical temperature of the
// infinite lattice T_c = 1/K_c ≈ 4.5115232 with K_c = 0.221654626(5)
// (Ferrenberg, Xu and Landau, Phys. Rev. E 97, 043301 (2018)).
//
// Observables, per configuration: "energy", E/L³; "magnetization", M/L³
// (signed); "abs_magnetization", |M|/L³.
//
// This is a second model beside plugins/ising rather than a dimension
// parameter of it: a model's description declares one lattice dimension
// and one set of references, and T_c differs between d = 2 and d = 3.
//
// # Algorithms
//
//   - wolff (default): Wolff's single-cluster algorithm (U. Wolff, Phys.
//     Rev. Lett. 62, 361 (1989)), p_add = 1 − exp(−2/T), with the 2D
//     plugin's schedule: thermalisation sweeps grow clusters until L³
//     spins have flipped, then n_c = round(L³/⟨size⟩) clusters per
//     production sweep (⟨size⟩ from the second half of thermalisation),
//     one configuration every Sweeps sweeps (defaults 200 and 5).
//
//   - metropolis: random-site single-spin Metropolis chains (a sweep is L³
//     attempts; defaults 1000 thermalisation sweeps, 10 between
//     configurations), with the 2D plugin's branch-free kernel over six
//     neighbours.
//
// At T = 4.51 wolff chains read after every sweep have integrated
// autocorrelation times τ_int(E) = 1.11, 1.12, 1.17 sweeps and τ_int(|m|)
// = 0.98, 1.00, 1.02 (± 0.05) at L = 6, 8, 10
// (TestWolffAutocorrelationTimes), below the default 5 sweeps between
// configurations.
//
// Both run mc.ChainsPerPoint = 8 independent chains per point from random
// starts, seeded from the request seed in the domain of (algorithm, L, T)
// as in package plugins/internal/mc, so the same request gives the same
// bytes on any number of workers.
//
// # Exact checks
//
// Package exact enumerates the 2×2×2 (2^8) and 3×3×3 (2^27, about a
// second) tori; TestAgainstEnumeration compares both samplers' energy,
// ⟨|m|⟩ and ⟨m²⟩ with it at T = 3, 4.5 and 6 within 4σ, and checks that
// the comparison fails at 1.1·T and for the energy of the 2D bond count.
// docs/ising-3d.md has the study of the RBM flow on this model.
package ising3d
