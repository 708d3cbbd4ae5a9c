package rbm

import (
	"context"
	"math"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/linalg"
)

// Version is the learner's version, reported by Describe.
const Version = "1.0.0"

// Hyper-parameter names.
const (
	ParamHidden      = "hidden"
	ParamEpochs      = "epochs"
	ParamLR          = "lr"
	ParamBatch       = "batch"
	ParamK           = "k"
	ParamPersistent  = "persistent"
	ParamMomentum    = "momentum"
	ParamWeightDecay = "weight_decay"
	ParamSampling    = "sampling"
	ParamPLLEvery    = "pll_every"
	ParamInitStd     = "init_std"
	ParamVisible     = "visible"
)

// Operation names of Apply.
const (
	OpFlow        = "flow"
	OpReconstruct = "reconstruct"
	OpHidden      = "hidden"
)

// Weight and checkpoint tensor names.
const (
	TensorW          = "W"
	TensorBV         = "b_v"
	TensorBH         = "b_h"
	TensorWVelocity  = "W_velocity"
	TensorBVVelocity = "b_v_velocity"
	TensorBHVelocity = "b_h_velocity"
	TensorChains     = "chains"
	TensorRNG        = "rng"
	TensorEpoch      = "epoch"
)

// Limits on the sizes a request may ask for.
const (
	MaxHidden = 1 << 16
	MaxK      = 1000
	// MaxIterations bounds the iteration counts of the flow operation.
	MaxIterations = 1 << 24
	// MaxFlowOutput bounds the size in bytes of the flow's output.
	MaxFlowOutput = 1 << 32
)

// InitStd is the default standard deviation of the initial weights (the
// init_std hyper-parameter).
const InitStd = 0.01

// Metrics reported with the training's progress.
const (
	MetricReconstructionError = "reconstruction_error"
	MetricPLL                 = "pseudo_log_likelihood"
	MetricWeightNorm          = "weight_norm"
	MetricLearningRate        = "learning_rate"
)

// Learner is the ±1 restricted Boltzmann machine as an sdk.Learner. It
// holds no state between calls and is safe for concurrent use.
type Learner struct {
	workers int
}

var _ sdk.Learner = (*Learner)(nil)

// New returns the RBM learner. It selects the BLAS backend (linalg.Init).
func New() sdk.Learner { return NewWithWorkers(0) }

// NewWithWorkers returns the RBM learner running its elementwise passes
// (and, on the pure-Go backend, its matrix products) on workers goroutines;
// 0 means GOMAXPROCS. The results do not depend on it.
func NewWithWorkers(workers int) *Learner {
	linalg.Init()
	return &Learner{workers: workers}
}

// Describe implements sdk.Learner.
func (l *Learner) Describe(context.Context) (sdk.LearnerDescription, error) {
	return Description(), nil
}

// Description returns the learner's description (what Describe returns).
func Description() sdk.LearnerDescription {
	return sdk.LearnerDescription{
		Info: sdk.Info{
			Name:    "rbm",
			Version: Version,
			Doc: "Restricted Boltzmann machine with ±1 visible units v_i (i < N_v = L^d, L² on the square lattice) and ±1 hidden units h_a " +
				"(a < N_h), energy Φ = −(Σ W_ia v_i h_a + Σ b_i^v v_i + Σ b_a^h h_a), so that " +
				"⟨h_a⟩ = tanh(Σ_i W_ia v_i + b_a^h) and ⟨v_i⟩ = tanh(Σ_a W_ia h_a + b_i^v) " +
				"(Iso, Shiba, Yokoo 2018, eqs. (15)–(18)). Default training is the paper's: mean-field CD-1 of " +
				"eqs. (25)–(28), h1 = tanh(v0 W + b_h), v1 = tanh(h1 Wᵀ + b_v), h2 = tanh(v1 W + b_h), " +
				"δW = ε/N (v0ᵀh1 − v1ᵀh2), δb_v = ε/N Σ(v0 − v1), δb_h = ε/N Σ(h1 − h2), full batch, ε = 0.1, " +
				"5000 epochs. Initialisation: W_ia ~ N(0, init_std²) (init_std = 0.01) drawn from the request's seed, " +
				"b_v = b_h = 0; epochs = 0 returns these initial weights untrained (a random-weight control). " +
				"Weights: W float32 [N_v, N_h] (W[i*N_h+a]), b_v float32 [N_v], b_h float32 [N_h]. " +
				"Other state spaces than ±1 get spin-1 or q-state categorical visible units (hyper-parameter visible). " +
				"Computed in float32 (tanh to 1e-6 relative); matrix products on " + Backend() + ".",
		},
		Hyperparameters: []sdk.ParamSpec{
			{Name: ParamHidden, Doc: "number of hidden units N_h (the paper: 16, 36, 64, 81, 100, 225, 400)",
				Kind: sdk.Int, Default: 64, HasMin: true, Min: 0, MinExclusive: true, HasMax: true, Max: MaxHidden},
			{Name: ParamEpochs, Doc: "training epochs (passes over the training set; the paper: 5000); 0 returns " +
				"the initial random weights untrained (the random-weight control of Veiga & Vicente 2020)",
				Kind: sdk.Int, Default: 5000, HasMin: true, Min: 0},
			{Name: ParamInitStd, Doc: "standard deviation of the initial weights W_ia ~ N(0, init_std²) " +
				"(0.01 by default; larger values make the random-weight control with epochs = 0 less trivial)",
				Kind: sdk.Float, Default: InitStd, HasMin: true, Min: 0, HasMax: true, Max: 10},
			{Name: ParamLR, Doc: "learning rate ε of eq. (24) (the paper: 0.1); the gradient is averaged over the batch",
				Kind: sdk.Float, Default: 0.1, HasMin: true, Min: 0, MinExclusive: true},
			{Name: ParamBatch, Doc: "configurations per gradient step; 0 (or ≥ N) = full batch, as in the paper. " +
				"Mini-batches are drawn from a fresh random permutation every epoch",
				Kind: sdk.Int, Default: 0, HasMin: true, Min: 0},
			{Name: ParamK, Doc: "CD-k: Gibbs steps v → h → v of the negative phase (the paper: 1)",
				Kind: sdk.Int, Default: 1, HasMin: true, Min: 1, HasMax: true, Max: MaxK},
			{Name: ParamPersistent, Doc: "1: persistent CD (PCD): the negative phase continues one chain per row of the " +
				"batch from where the previous step left it, starting from training configurations drawn at random; " +
				"0: the chain starts at the data (the paper)",
				Kind: sdk.Bool, Default: 0, HasMin: true, Min: 0, HasMax: true, Max: 1},
			{Name: ParamMomentum, Doc: "momentum μ: Δ ← μΔ + ε·gradient, θ ← θ + Δ (0: plain gradient steps, the paper)",
				Kind: sdk.Float, Default: 0, HasMin: true, Min: 0, HasMax: true, Max: 1, MaxExclusive: true},
			{Name: ParamWeightDecay, Doc: "L2 weight decay λ on W: the gradient of W gets −λW (biases are not decayed)",
				Kind: sdk.Float, Default: 0, HasMin: true, Min: 0},
			{Name: ParamSampling, Doc: "0: mean-field negative phase (the paper's eqs. (25)–(26)); 1: the hidden units " +
				"that generate each negative-phase v are sampled ±1 with p(h_a = +1) = (1 + ⟨h_a⟩)/2; the " +
				"positive phase and the visible units stay mean-field",
				Kind: sdk.Bool, Default: 0, HasMin: true, Min: 0, HasMax: true, Max: 1},
			{Name: ParamVisible, Doc: "visible units: −1 (default): chosen from the state space the dataset's model " +
				"declares (or, if it declares none, the values of the data): ±1 for {−1, +1}, spin-1 for {−1, 0, +1}, " +
				"categorical for any other; 0: ±1 (the paper's); 1: spin-1, v_i ∈ {−1, 0, +1} with " +
				"a second visible bias c_i on v_i² (energy term −Σ c_i v_i², weights tensor \"c_v\" [N_v]), so that " +
				"p(v_i | h) ∝ exp(v_i a_i + v_i² c_i), a_i = Σ_a W_ia h_a + b_i^v; mean-field CD uses ⟨v_i⟩ and " +
				"⟨v_i²⟩ = 2e^{c_i}cosh a_i / (1 + 2e^{c_i}cosh a_i); 2: q-state categorical (Potts) units over the " +
				"state space s_0 < … < s_{q−1}, one-hot v_ik, p(v_i = s_k | h) ∝ exp(b_ik + Σ_a W_iak h_a), weights " +
				"W [N_v, q, N_h], b_v [N_v, q] and \"states\" int8 [q]; mean-field CD uses the q probabilities " +
				"(docs/learners.md). Units that do not hold the data's values are refused",
				Kind: sdk.Int, Default: VisibleAuto, HasMin: true, Min: VisibleAuto, HasMax: true, Max: VisibleCategorical},
			{Name: ParamPLLEvery, Doc: "report the pseudo-log-likelihood every this many epochs (0: never); see the " +
				"pseudo_log_likelihood metric",
				Kind: sdk.Int, Default: 100, HasMin: true, Min: 0},
		},
		Operations: []sdk.Operation{
			{Name: OpFlow, Doc: "the RBM flow of eqs. (29)–(30) with stochastic ±1 units: inputs \"configs\" " +
				"(int8 ±1, [N, N_v] or [N, L, L]) and \"iterations\" (int64, non-decreasing, ≥ 0, e.g. 0, 1, 2, 5, " +
				"10, …, 1000); one iteration is v → h → v' with p(h_a = +1) = (1 + ⟨h_a⟩_v)/2 and " +
				"p(v'_i = +1) = (1 + ⟨v_i⟩_h)/2. Output \"configs\" int8 [len(iterations), N, N_v], iteration 0 " +
				"being the input. Seeded; configurations are processed in blocks of 64, each with its own " +
				"random stream, so the output does not depend on the number of threads. With spin-1 weights (tensor c_v), " +
				"the configurations are in {−1, 0, +1} and v'_i is drawn with p(±1) = (⟨v_i²⟩ ± ⟨v_i⟩)/2, p(0) = 1 − ⟨v_i²⟩; " +
				"with categorical weights (tensor states), the configurations take the values of states and v'_i = states[k] " +
				"is drawn with p(k) ∝ exp(b_ik + Σ_a W_iak h_a)"},
			{Name: OpReconstruct, Doc: "mean-field reconstruction v1 = tanh(tanh(v W + b_h) Wᵀ + b_v): input \"configs\" " +
				"(int8 ±1, [N, N_v]); output \"reconstruction\" float32 [N, N_v]; with spin-1 weights (c_v) v1 = ⟨v⟩ of " +
				"the spin-1 units given ⟨h⟩; with categorical weights (states) the distributions p(v_i = states[k] | ⟨h⟩), " +
				"float32 [N, N_v, q]"},
			{Name: OpHidden, Doc: "hidden expectations ⟨h⟩ = tanh(v W + b_h): input \"configs\" (int8 ±1, [N, N_v]); " +
				"output \"hidden\" float32 [N, N_h]"},
		},
		// c_v is there too for spin-1 units, states for categorical ones.
		WeightNames: []string{TensorW, TensorBV, TensorBH},
	}
}

// hyper are the resolved hyper-parameters.
type hyper struct {
	hidden, epochs, batch, k, pllEvery int
	visible                            int
	states                             []int8 // the dataset's declared state space, or nil
	lr, momentum, decay                float32
	initStd                            float64
	persistent, sampling               bool
}

func hyperOf(p sdk.Params) (hyper, error) {
	p, err := sdk.ResolveParams(Description().Hyperparameters, p)
	if err != nil {
		return hyper{}, err
	}
	h := hyper{
		hidden: int(p[ParamHidden]), epochs: int(p[ParamEpochs]), batch: int(p[ParamBatch]),
		k: int(p[ParamK]), pllEvery: int(p[ParamPLLEvery]),
		lr: float32(p[ParamLR]), momentum: float32(p[ParamMomentum]), decay: float32(p[ParamWeightDecay]),
		persistent: p[ParamPersistent] == 1, sampling: p[ParamSampling] == 1,
		initStd: p[ParamInitStd], visible: int(p[ParamVisible]),
	}
	if f := float64(h.lr); math.IsInf(f, 0) || f == 0 {
		return h, sdk.InvalidArgument("parameter %s = %v is not a positive float32", ParamLR, p[ParamLR])
	}
	if math.IsInf(float64(h.decay), 0) {
		return h, sdk.InvalidArgument("parameter %s = %v does not fit a float32", ParamWeightDecay, p[ParamWeightDecay])
	}
	return h, nil
}
