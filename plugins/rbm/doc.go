// Package rbm is the restricted Boltzmann machine of Iso, Shiba and Yokoo,
// "Scale-invariant feature extraction of neural network and
// renormalization group flow" (KEK-TH-2029, 2018), as an rgml
// learner plugin (sdk.Learner). The binary is cmd/rgml-plugin-rbm.
//
// # Model
//
// N_v = L^d visible units v_i = ±1 (the spins of an L×L configuration, or
// of a lattice of the dimension d = 1, 2, 3 its dataset declares, in the
// dataset's x-major site order) and N_h hidden units h_a = ±1 (the
// hyper-parameter "hidden"), with the energy of eq. (2),
//
//	Φ(v, h) = −(Σ_ia W_ia v_i h_a + Σ_i b_i^v v_i + Σ_a b_a^h h_a),
//
// p(v, h) ∝ e^{−Φ}. The conditionals factorise (eqs. (15)–(16)):
// p(h_a = ±1 | v) = 1/(1 + e^{∓2(Σ_i W_ia v_i + b_a^h)}), so that
//
//	⟨h_a⟩_v = tanh(Σ_i W_ia v_i + b_a^h)    (17)
//	⟨v_i⟩_h = tanh(Σ_a W_ia h_a + b_i^v)    (18)
//
// and p(h_a = +1 | v) = (1 + ⟨h_a⟩_v)/2, p(v_i = +1 | h) = (1 + ⟨v_i⟩_h)/2.
//
// The weights are three float32 tensors: "W" of shape [N_v, N_h],
// row-major (W_ia at W[i*N_h+a]), "b_v" [N_v] and "b_h" [N_h].
//
// The visible units follow the training set's state space
// (sdk.Dataset.StateSpace, or the data's values if none is declared): ±1
// units for {−1, +1}; spin-1 units (VisibleSpin1) for {−1, 0, +1}, with a
// second bias c_i on v_i² (tensor "c_v"): p(v_i | h) ∝ exp(v_i a_i + v_i²
// c_i), mean-field training and the flow using ⟨v_i⟩ and ⟨v_i²⟩
// (spin1.go); and q-state categorical units (VisibleCategorical) for any
// other state space s_0 < … < s_{q−1}: one-hot v_ik, p(v_i = s_k | h) ∝
// exp(b_ik + Σ_a W_iak h_a), mean-field training and the flow using the q
// probabilities, weights W [N_v, q, N_h], b_v [N_v, q] and "states" int8
// [q] (categorical.go). The hyper-parameter "visible" overrides the choice
// and is refused when its units cannot hold the data (docs/learners.md).
//
// # Training
//
// The default is the paper's (Sec. 2.2): mean-field contrastive divergence
// CD-1, eqs. (25)–(28), on the full batch of N configurations v0:
//
//	h1 = tanh(v0 W + b_h)      (25)
//	v1 = tanh(h1 Wᵀ + b_v)     (26)
//	h2 = tanh(v1 W + b_h)
//	δW   = ε/N (v0ᵀ h1 − v1ᵀ h2)
//	δb_v = ε/N Σ_A (v0 − v1)
//	δb_h = ε/N Σ_A (h1 − h2)   (23), (24), (27), (28)
//
// with ε = 0.1 ("lr") for 5000 epochs ("epochs"). The initial weights are
// W_ia ~ N(0, init_std²) (default 0.01, InitStd), drawn with math/rand/v2's NormFloat64 from
// a xoshiro256** stream seeded by the request's seed; the biases start at
// zero. Options beyond the paper (defaults give the paper's algorithm):
//
//   - "batch" > 0: mini-batches of that size drawn from a fresh random
//     permutation each epoch (the last one may be smaller); gradients are
//     averaged over the batch.
//   - "k": CD-k, k Gibbs steps v → h → v in the negative phase.
//   - "persistent" = 1: PCD; one chain per batch row continues from where
//     the previous step left it, starting from training configurations drawn at random.
//   - "sampling" = 1: the hidden units that generate each negative-phase v
//     are sampled ±1 rather than set to their means; the positive phase
//     and the visible units stay mean-field.
//   - "momentum" μ and "weight_decay" λ: Δθ ← μΔθ + ε(g − λW) (λ for W
//     only), θ ← θ + Δθ.
//
// Progress is reported after the first and the last epoch and otherwise
// at most every 50 ms, with the metrics
//
//   - reconstruction_error: the mean over configurations and sites of
//     (v0 − v1)² during the epoch's steps (v1 of the first negative step;
//     with sampling its h was sampled); with persistent chains, the
//     mean-field reconstruction error of the current weights on the
//     evaluation subset (below);
//   - pseudo_log_likelihood: on the first report after every "pll_every"
//     epochs (and the last), the stochastic pseudo-log-likelihood per spin:
//     the mean of log p(v_i | v_{−i}) = log σ(F(ṽ) − F(v)) over an
//     evaluation subset of at most 1000 configurations evenly spaced
//     through the training set, one uniformly random site i each (ṽ is v
//     with v_i flipped, F(v) = −Σ b_i^v v_i − Σ_a log 2cosh(Σ_i W_ia v_i +
//     b_a^h) the free energy); the sites are drawn from a stream of the
//     seed and the epoch, so measuring never changes the training;
//   - weight_norm: the Frobenius norm of W;
//   - learning_rate: ε.
//
// Samples counts the configurations processed since epoch 0.
//
// A checkpoint (every CheckpointEvery epochs) holds W, b_v, b_h, their
// momentum buffers W_velocity, b_v_velocity, b_h_velocity, the persistent
// chains "chains" [batch, N_v] (PCD only), the training's xoshiro256**
// state "rng" (int64 [4], the uint64 words bit for bit) and "epoch"
// (int64 [1]). Resuming from it gives bit-identical weights to the
// uninterrupted training.
//
// A weight or bias that becomes NaN, ±Inf or larger than MaxAbsWeight in
// magnitude stops the training with a FailedPrecondition error naming the
// epoch; with checkpointing on, the state at the end of the previous
// epoch is sent as a checkpoint first unless the host already holds it.
//
// # Operations
//
//   - "flow": the RBM flow of Sec. 2.3, eqs. (29)–(30), with stochastic
//     units: from each input configuration, one iteration draws h given v
//     and then v' given h with the probabilities above. Inputs "configs"
//     (int8 ±1, [N, N_v] or [N, L, L]) and "iterations" (int64,
//     non-decreasing, ≥ 0); output "configs" int8 [len(iterations), N,
//     N_v], iteration 0 being the input. Configurations are sampled in
//     blocks of 64, block b drawing from xoshiro256** seeded with
//     Derive(seed, 3, b) (SplitMix64(SplitMix64(SplitMix64(seed) ⊕ 3) ⊕ b),
//     package plugins/internal/xrand), so the output depends on the seed
//     only.
//   - "reconstruct": v1 = tanh(tanh(v W + b_h) Wᵀ + b_v), float32 [N, N_v].
//   - "hidden": ⟨h⟩ = tanh(v W + b_h), float32 [N, N_h].
//
// Configurations whose number of sites differs from the rows of W are a
// FailedPrecondition error naming both.
//
// # Computation
//
// Everything runs in float32 on buffers allocated before the first epoch
// (an epoch allocates nothing), whose rows are padded with zeros to
// multiples of 16 values and whose matrices are padded to multiples of 4
// rows, as package plugins/internal/kernels wants them. Its GEMM
// micro-kernels (AVX-512 or AVX2 assembly as the CPU allows, pure Go with
// float64 sums elsewhere) do the products, and its fused passes the tanh (a
// float32 rational approximation, within 1e-6 relative) with the bias
// addition, the column sums and the squared error. Only in a build with
// OpenBLAS (-tags openblas) on a CPU without the assembly kernels do the
// products go to OpenBLAS (plugins/internal/linalg) instead. Backend
// reports which.
//
// On the kernels, a gradient step runs block by block (fused.go): each
// block of 64 configurations goes through the whole of CD-k or PCD while
// it stays in cache, and its gradient terms are added to one of at most 16
// partial sums. Blocks, and groups of blocks, are handed out to GOMAXPROCS
// goroutines as they free up, and every sum is taken in an order that does
// not depend on who computes what: results do not depend on the number of
// goroutines. Categorical units run their block-wise step on q−1 of the
// q columns of each site (catstep.go). The flow runs every block of 64
// configurations through all its iterations on one goroutine, without
// synchronisation. With OpenBLAS, each product is one call over the whole
// batch.
package rbm
