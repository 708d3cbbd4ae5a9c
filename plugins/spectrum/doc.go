// Package spectrum is the "spectrum" analyzer plugin: the structure of an
// RBM's weight matrix W [N_v, N_h] (Iso, Shiba and Yokoo 2018, Sec. 4,
// eqs. (41)–(48), Figs. 12–17).
//
// From W alone it computes
//
//   - WWᵀ, the N_v × N_v matrix whose elements Fig. 12 maps;
//   - its eigenvalues λ_a in descending order and the orthonormal
//     eigenvectors u_a (columns, same order), Figs. 16–17 (log scale);
//     N_h < N_v gives N_v − N_h zero eigenvalues;
//   - the singular values σ_a of W (descending), an independent route:
//     λ_a = σ_a²;
//   - the off-diagonal decay of Fig. 13, D(r) = (1/N_v) Σ_i (WWᵀ)_ij /
//     √((WWᵀ)_ii (WWᵀ)_jj) with j the site r steps from i along one lattice
//     direction (periodic), for r = 0 … L/2, along each direction and
//     averaged over both.
//
// Sites are indexed i = x·L + y (the paper's order, Sec. 4.2), so i ± 1 are
// y-neighbours and i ± L x-neighbours. The paper's footnote 11 calls j = i + 1
// the x direction; here "decay_y" is the decay towards i + 1 (wrapping
// within the row, (x, y + r mod L)), "decay_x" towards i + L ((x + r mod L, y)),
// and the figure draws their average "decay": the Ising model is isotropic
// and a trained W has no preferred axis, so the average halves the noise.
//
// A categorical (q-state) RBM's W [N_v, q, N_h] is analysed as the
// N_v × q·N_h matrix of its weights centred over the q states (see
// weightMatrix): one row per site, free of the softmax's gauge.
//
// Given configurations v with temperature labels T, it also computes
// eq. (47), ⟨vᵀWWᵀv⟩ = ⟨|vᵀW|²⟩, at each temperature with its standard
// error (configurations taken as independent), raw (Fig. 15) and minus its
// value at the reference temperature, 6 by default (Fig. 14). By eq. (48)
// this equals Σ_a ⟨c_a²⟩ λ_a with c_a = u_a·v.
package spectrum
