// Package exact gives exact thermodynamic averages of the Blume-Capel model
// on small periodic L×L lattices (L ≤ 4) by enumerating all 3^(L²) states
// once into a histogram n(B, S2, M) of the bond sum B = Σ_<ij> s_i s_j (2L²
// bonds, each once), the number of non-zero spins S2 = Σ_i s_i² and the
// magnetisation M = Σ_i s_i. Averages at any (T, Δ, J) are then sums over
// the histogram with weights exp((J·B − Δ·S2)/T).
//
// The enumeration goes row by row: the 3^L configurations of one row are
// tabulated with their in-row bond sums, and a state is a tuple of rows, so
// the 3^16 ≈ 4.3·10^7 states of the 4×4 lattice take a fraction of a
// second.
package exact
