// Package thermometer is the "thermometer" learner plugin: the supervised
// neural network with which Iso, Shiba and Yokoo (2018), Sec. 2.4,
// measure the temperature of a set of Ising configurations, as an
// sdk.Learner (serve it with cmd/rgml-plugin-thermometer).
//
// # The network, eqs. (31)–(36)
//
// A configuration σ of the L×L lattice (site (x, y) at index x·L + y; of
// L^d sites on a lattice of another dimension d) is the input row
// z1 = σ ∈ {±1}^{N_v}, N_v = L² (L^d) (values −1, 0 and +1 alike). Data
// of any other state space s_0 < … < s_{q−1} (the one their model declares,
// sdk.Dataset.StateSpace, else the values they hold; a Potts model's {0, 1,
// 2}) are read one-hot: z1 has N_v·q entries, entry i·q + k being
// δ(σ_i, s_k), so that no order or spacing of the values is implied; W1
// then has N_v·q rows and the weights carry "states" int8 [q] (states.go).
// With N configurations stacked as the rows of Z1 (N×N_v),
//
//	Z2 = tanh(Z1 W1 + b1)            (32), W1: N_v×hidden, b1: hidden
//	Z3 = softmax(Z2 W2 + b2)         (33)–(34), W2: hidden×classes, b2: classes
//
// Row A of Z3 is the probability of configuration A to belong to each
// class. The classes are the sorted distinct values of the label named by
// TrainRequest.Label in the training set (the paper's 25 temperatures
// T = 0, 0.25, …, 6); nothing about them is hard-coded. With d_A the
// one-hot encoding (35) of A's class, the loss is the mean cross-entropy
//
//	L = −(1/N) Σ_A log Z3[A, class of A]                            (36)
//
// computed from the float32 probabilities: a class probability that
// underflows to 0 makes the loss +Inf, which stops the training (below).
//
// # Training, eqs. (37)–(40)
//
// Gradient descent with learning rate ε (hyper-parameter lr, 0.1), on the
// whole training set per step by default (batch = 0), for `epochs` steps
// (7500):
//
//	Δ3  = Z3 − d
//	δW2 = −ε/N Z2ᵀ Δ3,    δb2 = −ε/N Σ_A Δ3[A]                      (38)
//	Δ2  = (Δ3 W2ᵀ) ⊙ (1 − Z2²)                                       (40)
//	δW1 = −ε/N Z1ᵀ Δ2,    δb1 = −ε/N Σ_A Δ2[A]                      (39)
//
// (1 − Z2² = tanh′), all computed from the weights before the step. With
// batch = B > 0 each epoch visits the training set in a fresh random order
// in batches of B (the last one smaller), N being the batch's size, one
// step per batch. weight_decay λ > 0 adds −ε·λ·W to the steps of W1 and W2
// (not the biases); the reported losses exclude the penalty.
//
// Initialisation: W1 ~ N(0, 2/(N_v + hidden)) and W2 ~ N(0, 2/(hidden +
// classes)), Glorot (Xavier) normal, drawn in that order, row-major, by the
// Box–Muller transform from a xoshiro256** generator seeded with
// TrainRequest.Seed (SplitMix64 expansion; package plugins/internal/xrand);
// the biases start at 0. The same generator then orders the mini-batches
// (Fisher–Yates), so a training is a function of the request alone.
//
// # Hyper-parameters
//
//	hidden        int    64    1…16384  tanh hidden units
//	epochs        int    7500  > 0      epochs
//	lr            float  0.1   > 0      learning rate ε
//	batch         int    0     ≥ 0      mini-batch size; 0 or ≥ N: full batch
//	weight_decay  float  0     ≥ 0      L2 decay of W1, W2
//	test_every    int    10    ≥ 1      epochs between test-loss evaluations
//
// # Progress, checkpoints, failure
//
// Train reports progress events with the metrics train_loss and
// train_accuracy (of the epoch's forward passes, i.e. for full-batch
// training of the weights the epoch starts from), learning_rate,
// weight_norm (the Frobenius norm of (W1, W2) after the epoch) and, when a
// test set is given, test_loss and test_accuracy (after the epoch's step)
// every test_every epochs and at the last epoch: the curves of Fig. 4.
// The history's reports follow a schedule of epochs, so that two runs of
// one training keep the same history: the first and the last epoch, every
// epoch with a test evaluation and, without a test set, about 500 epochs
// evenly spaced. Between them, live events (sdk.Progress.Live, at most one
// per MinEventInterval, 50 ms) only show progress; the host keeps them out
// of the history.
//
// Every TrainRequest.CheckpointEvery epochs Train emits a checkpoint: the
// weight tensors, "rng" (int64 [4], the generator's state) and "epoch"
// (int64 []). A training resumed from it (TrainRequest.Resume, with the
// same request otherwise) ends with the very bits of an uninterrupted one.
// A loss or weight that becomes NaN or ±Inf (too large a learning rate)
// stops the training with an sdk.FailedPrecondition error naming the
// epoch. The context is checked before every epoch.
//
// # Tensors
//
// Train returns "W1" float32 [N_v, hidden] ([N_v·q, hidden] for one-hot
// inputs), "b1" float32 [hidden], "W2" float32 [hidden, classes], "b2"
// float32 [classes], "classes" float64 [classes] (the label values,
// ascending) and, for one-hot inputs, "states" int8 [q]; predict then
// encodes its configurations over these states and refuses other values.
//
// Apply's operation "predict" takes "configs" int8 [N, N_v] and returns
// "probabilities" float32 [N, classes] (each configuration's row of Z3),
// "distribution" float64 [classes] (their mean over the N configurations:
// the ensemble's temperature distribution of Figs. 5–11), "classes"
// float64 [classes] and "mean" float64 [] (Σ classes·distribution, the
// mean measured temperature).
//
// # Implementation
//
// Everything is float32. The configurations are processed in chunks of
// 256 rows on all cores (Options.Workers goroutines, default GOMAXPROCS),
// each chunk's work staying in cache: its five products run on the GEMM
// micro-kernels of package plugins/internal/kernels (AVX-512 or AVX2
// assembly as the CPU allows, pure Go elsewhere; OpenBLAS, each call on its
// caller's thread, only in a build with it on a CPU without the assembly
// kernels), on padded copies of the weights; between them the bias and
// tanh are one pass over Z2, the softmax with the loss, the accuracy, Δ3
// and ΣΔ3 one sweep over the chunk's logits (exp vectorised over the whole
// chunk, and on AVX-512 the shift too, then four rows at a time), and Δ2
// with ΣΔ2 one pass. Each group of chunks writes its own
// partial gradient sums, which are then added in a fixed order, so the
// results do not depend on the number of goroutines. An epoch allocates
// nothing. Backend reports what does the products.
//
// BenchmarkEpoch times an epoch at the paper's size (N = 25 000, N_v = 100,
// hidden 64, 25 classes) beside the same epoch in float32 numpy
// (testdata/numpy_epoch.py, interleaved); BenchmarkChunkProducts each
// chunk product; BenchmarkPredict times predict.
package thermometer
