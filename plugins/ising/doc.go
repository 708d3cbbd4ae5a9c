// Package ising is the two-dimensional Ising model as an rgml model plugin
// (sdk.Model): Monte Carlo samplers, per-configuration observables, and the
// fast kernels behind them.
//
// # Model and conventions
//
// Spins s = ±1 on an L×L square lattice with periodic boundaries, J = 1,
// k_B = 1:
//
//	H = −Σ_<ij> s_i s_j,
//
// each nearest-neighbour bond counted once (2L² bonds: from every site to
// (x+1, y) and to (x, y+1); for L = 2 each neighbouring pair is joined by
// two bonds). This is the model of Iso, Shiba and Yokoo, "Scale-invariant
// feature extraction of neural network and renormalization group flow",
// Phys. Rev. E 97, 053304 (2018), Sec. 2.1: their Eq. (10), a sum over
// sites of s_i times its four neighbours, counts each bond twice as
// printed, but their flip energy dE = 2 s_i Σ_nn s_j (Eq. (13)) is that of
// H above, which the samplers use. A configuration is L²
// int8 values, site (x, y) at index x*L + y (x-major). The one parameter is
// the temperature T ≥ 0 (default 2.269); T = 0 is run as T = 10^-6
// (ZeroTemperature), as in the paper's footnote 4.
//
// Observables, per configuration: "energy", E/L², and "magnetization",
// M/L² = (1/L²) Σ_i s_i (signed).
//
// # Algorithms
//
//   - metropolis-paper (default): the paper's protocol. Every configuration
//     is its own chain: a uniformly random start, then 100·L² single-spin
//     Metropolis attempts at uniformly random sites, each accepted with
//     probability min(1, exp(−dE/T)). A nonzero SampleRequest.Sweeps
//     replaces the 100 (Sweeps·L² attempts). There is no thermalisation
//     (the description says NoThermalization: a request that sets one is
//     refused).
//     Below T_c, 100 sweeps from a random start do not always reach
//     equilibrium (domains and stripes can survive): that is the paper's
//     data, reproduced on purpose. Use metropolis or wolff for equilibrium
//     samples.
//
//   - metropolis: a Markov chain of random-site single-spin Metropolis
//     updates (a sweep is L² attempts; random-site order satisfies detailed
//     balance move by move). Each chain starts at random, runs
//     Thermalization sweeps (default 1000) and then records a configuration
//     after every Sweeps sweeps (default 10).
//
//   - wolff: Wolff's single-cluster algorithm (U. Wolff, Phys. Rev. Lett.
//     62, 361 (1989)): a cluster grows from a random site over bonds to
//     equal spins with probability p_add = 1 − exp(−2/T) and is flipped.
//     A thermalisation sweep grows clusters until L² spins have flipped;
//     then the mean cluster size over the second half of thermalisation
//     fixes n_c = round(L²/⟨size⟩) clusters per production sweep, so that
//     configurations are read at times independent of the chain's state.
//     Defaults: 200 thermalisation sweeps, a configuration every 5 sweeps.
//     SampleChunk.Attempts counts clusters, Accepted flipped spins.
//     Measured at T = 2.269 (TestWolffAutocorrelationTimes, Sokal's
//     windowed estimate, package plugins/internal/autocorr): L²/⟨size⟩ is
//     1.5 at L = 8 and 2.2 at L = 32, so a sweep is n_c = 2 clusters, and
//     the integrated
//     autocorrelation time of the energy is 1.1 sweeps at L = 8, 1.4 at
//     L = 16 and 2.1 at L = 32 (of |m|: 1.0, 1.2, 1.7), so the default 5
//     sweeps between configurations exceed it up to L = 32.
//
// # Parallelism and reproducibility
//
// Work is cut into jobs that do not depend on the machine (package
// plugins/internal/mc): for metropolis-paper, blocks of at most 64
// configurations (configuration i of a point seeded with Derive(s_p, 0, i));
// for metropolis and wolff, ChainsPerPoint = 8 chains per point, chain c
// producing configurations [c·n/8, (c+1)·n/8) from seed Derive(s_p, 1, c).
// s_p is the request seed in the domain of (algorithm, L, T) (xrand.Domain)
// and Derive(s, i, j) = SplitMix64(SplitMix64(SplitMix64(s) ⊕ i) ⊕ j)
// (package plugins/internal/xrand). Each seed feeds a xoshiro256** generator, one per
// chain. The jobs run on GOMAXPROCS workers (Options.Workers), so the same
// request gives the same bytes on any number of cores, whatever the chunk
// size. The context is checked every 2^16 attempts (well under a millisecond
// at small L).
//
// # Kernel
//
// Chain.MetropolisAttempts is branch-free: one 64-bit random number per
// attempt, its high 32 bits choosing the site by multiply-shift
// ((r>>32)·L²>>32), its low 32 bits compared with a table of acceptance
// thresholds round(2^32·min(1, exp(−dE/T))) indexed by s_i·Σ_nn s_j; the
// neighbours come from a precomputed table; the flip is an XOR with a mask
// made from the comparison's borrow bit. About 5 ns per attempt at L = 10
// on one core, against ≈ 31 ns for a straightforward implementation (see
// BenchmarkMetropolisAttempt). Acceptance probabilities are thus exact to
// 2^-32 (those below 2^-33, e.g. exp(−8/T) for T < 0.35, round to 0).
//
// Exact reference results (enumeration for L ≤ 5, Kaufman's finite-torus
// partition function for any L) are in package
// github.com/rgml/rgml/plugins/ising/exact; the tests compare the samplers
// with them.
package ising
