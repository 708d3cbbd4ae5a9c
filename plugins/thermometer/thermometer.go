package thermometer

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/kernels"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// Version is the learner's version, reported by Describe.
const Version = "1.0.0"

// Name is the learner's name.
const Name = "thermometer"

// Hyper-parameter defaults (the paper's values, Sec. 2.4).
const (
	DefaultHidden       = 64
	DefaultEpochs       = 7500
	DefaultLearningRate = 0.1
	DefaultTestEvery    = 10

	// MaxHidden bounds the hidden layer (W1 is sites×hidden float32s).
	MaxHidden = 1 << 14
)

// OpPredict is the name of the Apply operation.
const OpPredict = "predict"

// Tensor names.
const (
	TensorW1      = "W1"      // float32 [sites, hidden]
	TensorB1      = "b1"      // float32 [hidden]
	TensorW2      = "W2"      // float32 [hidden, classes]
	TensorB2      = "b2"      // float32 [classes]
	TensorClasses = "classes" // float64 [classes], the label values, ascending

	// Checkpoints also hold these.
	TensorRNG   = "rng"   // int64 [4], the xoshiro256** state
	TensorEpoch = "epoch" // int64 [], the epochs done

	// Apply's input and outputs.
	TensorConfigs       = "configs"       // int8 [N, sites]
	TensorProbabilities = "probabilities" // float32 [N, classes]
	TensorDistribution  = "distribution"  // float64 [classes]
	TensorMean          = "mean"          // float64 []
)

// Metric names of the progress events.
const (
	MetricTrainLoss     = "train_loss"
	MetricTestLoss      = "test_loss"
	MetricTrainAccuracy = "train_accuracy"
	MetricTestAccuracy  = "test_accuracy"
	MetricLearningRate  = "learning_rate"
	MetricWeightNorm    = "weight_norm"
)

// MinEventInterval is the shortest time between two live progress events
// (reports between the scheduled ones, only to show progress).
const MinEventInterval = 50 * time.Millisecond

// historyPoints is about how many scheduled reports a training without a
// test set makes (see scheduled).
const historyPoints = 500

// scheduled reports whether epoch e reports to the history: the first and
// the last epoch, every epoch with a test evaluation and, without a test
// set, every ⌈epochs/historyPoints⌉-th. A schedule of epochs, not a clock,
// so that two runs of one training keep the same history.
func scheduled(e, epochs int, testDue, hasTest bool) bool {
	every := max(1, (epochs+historyPoints-1)/historyPoints)
	return e == 1 || e == epochs || testDue || (!hasTest && e%every == 0)
}

// Options tune how a Thermometer runs; none of them changes its results.
type Options struct {
	// Workers is the number of goroutines; 0 means runtime.GOMAXPROCS(0).
	Workers int
}

// Thermometer is the supervised temperature classifier of Sec. 2.4 as an
// sdk.Learner. It holds no state between calls and is safe for concurrent
// use.
type Thermometer struct {
	opts Options
}

var _ sdk.Learner = (*Thermometer)(nil)

// New returns the thermometer with default options.
func New() sdk.Learner { return NewWithOptions(Options{}) }

// NewWithOptions returns the thermometer with the given options.
func NewWithOptions(o Options) *Thermometer {
	initBLAS()
	return &Thermometer{opts: o}
}

// Describe implements sdk.Learner.
func (t *Thermometer) Describe(context.Context) (sdk.LearnerDescription, error) {
	return Description(), nil
}

// Description returns the learner's description (what Describe returns).
func Description() sdk.LearnerDescription {
	return sdk.LearnerDescription{
		Info: sdk.Info{
			Name:    Name,
			Version: Version,
			Doc: "Supervised temperature classifier of Iso, Shiba, Yokoo (2018), Sec. 2.4, eqs. (31)–(40): " +
				"an MLP with input z1 = σ (±1, L^d sites: L² on the square lattice), one tanh hidden layer Z2 = tanh(Z1 W1 + b1) and a softmax " +
				"output over the classes, Z3 = softmax(Z2 W2 + b2); the classes are the sorted distinct values of the " +
				"label (e.g. the 25 temperatures T), or, for a label \"T,Delta\", the distinct (T, Δ) pairs of the training " +
				"set sorted by T then Δ (classes then float64 [classes, 2], predict's mean [2]); inputs −1, 0 or +1 as they are, " +
				"the values of any other state space s_0 < … < s_{q−1} one-hot (input i·q + k = δ(σ_i, s_k); W1 [L²·q, hidden], " +
				"weights tensor states int8 [q]). Loss: mean cross-entropy −(1/N) Σ_A log Z3[A, class of A] (36); " +
				"gradient descent (37)–(40), full batch by default: δW2 = −ε/N Z2ᵀΔ3, δb2 = −ε/N ΣΔ3, " +
				"Δ2 = (Δ3 W2ᵀ) ⊙ (1 − Z2²), δW1 = −ε/N Z1ᵀΔ2, δb1 = −ε/N ΣΔ2, Δ3 = Z3 − one-hot. " +
				"Initialisation: W1 ~ N(0, 2/(L²+hidden)) and W2 ~ N(0, 2/(hidden+classes)) (Glorot normal) from the " +
				"seed's xoshiro256** stream, biases 0. float32 throughout. A training whose loss or weights become " +
				"NaN or ±Inf stops with FailedPrecondition naming the epoch.",
		},
		Hyperparameters: []sdk.ParamSpec{
			{Name: "hidden", Doc: "number of tanh hidden units (the paper: 64)", Kind: sdk.Int,
				Default: DefaultHidden, HasMin: true, Min: 0, MinExclusive: true, HasMax: true, Max: MaxHidden},
			{Name: "epochs", Doc: "training epochs (passes over the training set; the paper: 7500)", Kind: sdk.Int,
				Default: DefaultEpochs, HasMin: true, Min: 0, MinExclusive: true},
			{Name: "lr", Doc: "learning rate ε of eqs. (38)–(39) (the paper: 0.1)", Kind: sdk.Float,
				Default: DefaultLearningRate, HasMin: true, Min: 0, MinExclusive: true},
			{Name: "batch", Doc: "mini-batch size: 0 (or ≥ N) is full-batch gradient descent, the paper's; otherwise " +
				"each epoch visits the training set in a fresh random order (from the seed) in batches of this size, " +
				"N in eqs. (38)–(39) then being the batch's size", Kind: sdk.Int,
				Default: 0, HasMin: true, Min: 0},
			{Name: "weight_decay", Doc: "L2 weight decay λ on W1 and W2 (not the biases): each step adds −ε·λ·W; " +
				"0 (the paper) disables it; the reported losses exclude the penalty", Kind: sdk.Float,
				Default: 0, HasMin: true, Min: 0},
			{Name: "test_every", Doc: "epochs between two evaluations of the test loss (Fig. 4) when a test set is " +
				"given; the last epoch is always evaluated", Kind: sdk.Int,
				Default: DefaultTestEvery, HasMin: true, Min: 1},
		},
		Operations: []sdk.Operation{{
			Name: OpPredict,
			Doc: "input configs int8 [N, L^d] → probabilities float32 [N, classes] (each configuration's class " +
				"probabilities Z3), distribution float64 [classes] (their mean over the N configurations: the " +
				"ensemble's temperature distribution, Figs. 5–11), classes float64 [classes], mean float64 [] " +
				"(Σ classes·distribution); for joint labels classes is [classes, 2] (one (T, Δ) row per class) and mean [2]",
		}},
		WeightNames: []string{TensorW1, TensorB1, TensorW2, TensorB2, TensorClasses},
		NeedsLabel:  true,
	}
}

// hyper are the resolved hyper-parameters.
type hyper struct {
	hidden, epochs, batch, testEvery int
	lr, wd                           float32
}

// hyperOf resolves validated hyper-parameters; a rate of more than a
// float32 holds (1e300 becomes +Inf) is refused here, as the RBM does,
// rather than diverging at the first epoch.
func hyperOf(p sdk.Params) (hyper, error) {
	h := hyper{
		hidden: int(p["hidden"]), epochs: int(p["epochs"]), batch: int(p["batch"]),
		testEvery: int(p["test_every"]), lr: float32(p["lr"]), wd: float32(p["weight_decay"]),
	}
	if f := float64(h.lr); math.IsInf(f, 0) || f == 0 {
		return h, sdk.InvalidArgument("parameter lr = %v is not a positive float32", p["lr"])
	}
	if math.IsInf(float64(h.wd), 0) {
		return h, sdk.InvalidArgument("parameter weight_decay = %v does not fit a float32", p["weight_decay"])
	}
	return h, nil
}

// classify returns the sorted distinct values of label and each value's
// index among them.
func classify(name string, label []float64) (classes []float64, idx []int32, err error) {
	for i, v := range label {
		if math.IsInf(v, 1) {
			// T = ∞ data serve the RBM control trained on T = 0 and ∞; a
			// class at infinity has no place on the thermometer's scale.
			return nil, nil, sdk.InvalidArgument("training set: label %s of configuration %d is +Inf: the thermometer "+
				"reads finite temperatures only; leave T = inf out of its training set (e.g. --where T=0:6:0.25)", name, i)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, sdk.InvalidArgument("training set: label %s of configuration %d is %v", name, i, v)
		}
	}
	classes = slices.Clone(label)
	slices.Sort(classes)
	classes = slices.Compact(classes)
	if len(classes) < 2 {
		return nil, nil, sdk.InvalidArgument("training set: label %s takes %d distinct value(s) %v; the thermometer needs at least 2 classes",
			name, len(classes), classes)
	}
	idx, err = classIndices("training set", name, label, classes)
	return classes, idx, err
}

// classIndices maps each value of label to its index in classes.
func classIndices(what, name string, label, classes []float64) ([]int32, error) {
	idx := make([]int32, len(label))
	for i, v := range label {
		j, ok := slices.BinarySearch(classes, v)
		if !ok {
			return nil, sdk.InvalidArgument("%s: label %s = %v (configuration %d) is not among the %d training classes %v",
				what, name, v, i, len(classes), classes)
		}
		idx[i] = int32(j)
	}
	return idx, nil
}

// toX converts configurations of sites spins to the engine's input
// layout: rows of kernels.Pad4(sites) float32s, zero beyond the sites.
func toX(c []int8, sites int) []float32 {
	xs := kernels.Pad4(sites)
	n := len(c) / sites
	x := make([]float32, n*xs)
	for a := 0; a < n; a++ {
		for i, v := range c[a*sites : (a+1)*sites] {
			x[a*xs+i] = float32(v)
		}
	}
	return x
}

// Train implements sdk.Learner.
func (t *Thermometer) Train(ctx context.Context, req sdk.TrainRequest, events sdk.TrainEvents) ([]sdk.Tensor, error) {
	if err := kernels.Err(); err != nil {
		return nil, sdk.FailedPrecondition("%v", err)
	}
	req, err := Description().ValidateTrain(req)
	if err != nil {
		return nil, err
	}
	h, err := hyperOf(req.Hyper)
	if err != nil {
		return nil, err
	}
	names := strings.Split(req.Label, ",")
	var classes []float64
	var y []int32
	if len(names) == 1 {
		classes, y, err = classify(req.Label, req.Train.Labels[req.Label])
	} else {
		classes, y, err = classifyJoint(names, req.Train.Labels)
	}
	if err != nil {
		return nil, err
	}
	states, err := inputStates(req.Train)
	if err != nil {
		return nil, err
	}
	var testX []float32
	var testY []int32
	if req.Test != nil {
		if len(names) == 1 {
			l, ok := req.Test.Labels[req.Label]
			if !ok {
				return nil, sdk.InvalidArgument("test set has no label %q", req.Label)
			}
			testY, err = classIndices("test set", req.Label, l, classes)
		} else {
			testY, err = jointIndices("test set", names, req.Test.Labels, classes)
		}
		if err != nil {
			return nil, err
		}
		c, sites, err := encodeSet("test set", *req.Test, states)
		if err != nil {
			return nil, err
		}
		testX = toX(c, sites)
	}
	configs, sites, err := encodeSet("training set", req.Train, states)
	if err != nil {
		return nil, err
	}
	n := req.Train.Len()
	nt := newNet(sites, h.hidden, len(classes)/len(names))
	nt.states = states
	r := xrand.New(xrand.Domain(req.Seed, "thermometer/train"))
	start := 0
	if req.Resume != nil {
		if start, err = restore(nt, r, classes, h, req.Resume); err != nil {
			return nil, err
		}
	} else {
		nt.init(r)
	}

	tr := &trainer{h: h, net: nt, rng: r, x: toX(configs, sites), y: y, n: n}
	rows := n
	if h.batch > 0 && h.batch < n {
		rows = h.batch
		tr.perm = make([]int32, n)
		tr.xb = make([]float32, rows*kernels.Pad4(sites))
		tr.yb = make([]int32, rows)
	}
	p := newPool(t.opts.Workers)
	defer p.close()
	tr.eng = newEngine(nt, rows, len(testY), p)

	began := time.Now()
	var lastEvent time.Time
	for e := start + 1; e <= h.epochs; e++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		lossSum, correct := tr.epoch()
		trainLoss := lossSum / float64(n)
		if math.IsNaN(trainLoss) || math.IsInf(trainLoss, 0) {
			return nil, sdk.FailedPrecondition("training diverged at epoch %d: train loss %v (lr = %g; try a smaller learning rate)",
				e, trainLoss, h.lr)
		}
		norm := nt.weightNorm()
		if math.IsNaN(norm) || math.IsInf(norm, 0) {
			return nil, sdk.FailedPrecondition("training diverged at epoch %d: the weights are not finite (lr = %g; try a smaller learning rate)",
				e, h.lr)
		}
		testDue := testY != nil && (e%h.testEvery == 0 || e == h.epochs)
		var testLoss, testAcc float64
		if testDue {
			ls, c := tr.eng.evaluate(testX, testY, len(testY))
			testLoss, testAcc = ls/float64(len(testY)), float64(c)/float64(len(testY))
		}
		now := time.Now()
		sched := scheduled(e, h.epochs, testDue, testY != nil)
		if sched || now.Sub(lastEvent) >= MinEventInterval {
			m := map[string]float64{
				MetricTrainLoss:     trainLoss,
				MetricTrainAccuracy: float64(correct) / float64(n),
				MetricLearningRate:  float64(h.lr),
				MetricWeightNorm:    norm,
			}
			if testDue {
				m[MetricTestLoss], m[MetricTestAccuracy] = testLoss, testAcc
			}
			err := events.Progress(sdk.Progress{Epoch: e, Epochs: h.epochs, Metrics: m, Live: !sched,
				WallSeconds: now.Sub(began).Seconds(), Samples: int64(e) * int64(n)})
			if err != nil {
				return nil, err
			}
			lastEvent = now
		}
		if req.CheckpointEvery > 0 && e%req.CheckpointEvery == 0 {
			if err := events.Checkpoint(checkpoint(nt, r, classes, e)); err != nil {
				return nil, err
			}
		}
	}
	return weights(nt, classes, false), nil
}

// trainer runs epochs.
type trainer struct {
	h   hyper
	net *net
	rng *xrand.RNG
	eng *engine
	x   []float32 // N × Pad4(sites) (toX)
	y   []int32
	n   int
	// Mini-batches: the epoch's order and the gathered batch.
	perm []int32
	xb   []float32
	yb   []int32
}

// epoch runs one epoch and returns the summed loss (36) and the number of
// correct predictions over the training set, each configuration's taken
// before the update its batch makes: for full-batch training, the loss of
// the weights the epoch starts with.
func (tr *trainer) epoch() (lossSum float64, correct int) {
	if tr.perm == nil {
		lossSum, correct = tr.eng.gradient(tr.x, tr.y, tr.n)
		tr.net.step(tr.eng.grad, tr.h.lr, tr.h.wd)
		return lossSum, correct
	}
	// The order depends on the RNG state alone (which a checkpoint holds),
	// not on the previous epoch's.
	for i := range tr.perm {
		tr.perm[i] = int32(i)
	}
	tr.rng.ShuffleInt32(tr.perm)
	xs, b := kernels.Pad4(tr.net.sites), tr.h.batch
	for s := 0; s < tr.n; s += b {
		idx := tr.perm[s:min(s+b, tr.n)]
		for i, a := range idx {
			copy(tr.xb[i*xs:(i+1)*xs], tr.x[int(a)*xs:])
			tr.yb[i] = tr.y[a]
		}
		l, c := tr.eng.gradient(tr.xb, tr.yb[:len(idx)], len(idx))
		tr.net.step(tr.eng.grad, tr.h.lr, tr.h.wd)
		lossSum += l
		correct += c
	}
	return lossSum, correct
}

// weights returns the weight tensors; copied, they stay valid while the
// training goes on.
func weights(n *net, classes []float64, copied bool) []sdk.Tensor {
	cp := func(v []float32) []float32 {
		if copied {
			return slices.Clone(v)
		}
		return v
	}
	ts := []sdk.Tensor{
		{Name: TensorW1, Shape: []int{n.sites, n.hidden}, Data: cp(n.W1())},
		{Name: TensorB1, Shape: []int{n.hidden}, Data: cp(n.b1())},
		{Name: TensorW2, Shape: []int{n.hidden, n.classes}, Data: n.W2()},
		{Name: TensorB2, Shape: []int{n.classes}, Data: cp(n.b2())},
		{Name: TensorClasses, Shape: classShape(n.classes, len(classes)/n.classes), Data: slices.Clone(classes)},
	}
	if n.states != nil {
		ts = append(ts, sdk.Tensor{Name: TensorStates, Shape: []int{len(n.states)}, Data: slices.Clone(n.states)})
	}
	return ts
}

// checkpoint returns the state after epoch epochs.
func checkpoint(n *net, r *xrand.RNG, classes []float64, epoch int) sdk.Checkpoint {
	ts := weights(n, classes, true)
	ts = append(ts,
		sdk.Tensor{Name: TensorRNG, Shape: []int{4}, Data: r.StateInt64()},
		sdk.Tensor{Name: TensorEpoch, Shape: []int{}, Data: []int64{int64(epoch)}})
	return sdk.Checkpoint{Epoch: epoch, Tensors: ts}
}

// restore loads a checkpoint into n and r and returns its epoch.
func restore(n *net, r *xrand.RNG, classes []float64, h hyper, ck *sdk.Checkpoint) (int, error) {
	if ck.Epoch < 0 || ck.Epoch > h.epochs {
		return 0, sdk.InvalidArgument("checkpoint: epoch %d is outside [0, %d] (epochs)", ck.Epoch, h.epochs)
	}
	if e, ok := sdk.FindTensor(ck.Tensors, TensorEpoch); ok {
		if v, ok := e.Data.([]int64); !ok || len(v) != 1 || int(v[0]) != ck.Epoch {
			return 0, sdk.InvalidArgument("checkpoint: tensor epoch %v does not match the checkpoint's epoch %d", e.Data, ck.Epoch)
		}
	}
	c, err := findClasses(ck.Tensors, n.classes, len(classes)/n.classes, "checkpoint")
	if err != nil {
		return 0, err
	}
	if !slices.Equal(c, classes) {
		return 0, sdk.InvalidArgument("checkpoint: made with classes %v, but the training set's are %v", c, classes)
	}
	if st, err := statesOf(ck.Tensors, n.sites, "checkpoint"); err != nil {
		return 0, err
	} else if !slices.Equal(st, n.states) {
		return 0, sdk.InvalidArgument("checkpoint: made with input states %v, but the training set's are %v", st, n.states)
	}
	if err := loadWeights(n, ck.Tensors, "checkpoint"); err != nil {
		return 0, err
	}
	s, ok := sdk.FindTensor(ck.Tensors, TensorRNG)
	st, isInt := s.Data.([]int64)
	if !ok || !isInt || len(st) != 4 {
		return 0, sdk.InvalidArgument("checkpoint: needs tensor %s, int64 [4]", TensorRNG)
	}
	if err := r.SetStateInt64(st); err != nil {
		return 0, sdk.InvalidArgument("checkpoint: tensor %s: %v", TensorRNG, err)
	}
	return ck.Epoch, nil
}

// loadWeights sets n's parameters from the tensors W1, b1, W2 and b2 of
// ts, which must have n's shapes.
func loadWeights(n *net, ts []sdk.Tensor, what string) error {
	for _, b := range []struct {
		name  string
		shape []int
		set   func([]float32)
	}{
		{TensorW1, []int{n.sites, n.hidden}, func(v []float32) { copy(n.W1(), v) }},
		{TensorB1, []int{n.hidden}, func(v []float32) { copy(n.b1(), v) }},
		{TensorW2, []int{n.hidden, n.classes}, n.setW2},
		{TensorB2, []int{n.classes}, func(v []float32) { copy(n.b2(), v) }},
	} {
		v, err := findFloat32(ts, b.name, b.shape, what)
		if err != nil {
			return err
		}
		b.set(v)
	}
	return nil
}

// findFloat32 returns the data of the float32 tensor name of the given
// shape.
func findFloat32(ts []sdk.Tensor, name string, shape []int, what string) ([]float32, error) {
	t, ok := sdk.FindTensor(ts, name)
	if !ok {
		return nil, sdk.InvalidArgument("%s: no tensor %s", what, name)
	}
	v, ok := t.Data.([]float32)
	if !ok || !slices.Equal(t.Shape, shape) || len(v) != t.Len() {
		return nil, sdk.InvalidArgument("%s: tensor %s is %s %v, want float32 %v", what, name, dtype(t.Data), t.Shape, shape)
	}
	return v, nil
}

func dtype(data any) string {
	switch data.(type) {
	case []int8:
		return "int8"
	case []int32:
		return "int32"
	case []int64:
		return "int64"
	case []float32:
		return "float32"
	case []float64:
		return "float64"
	}
	return fmt.Sprintf("%T", data)
}

// Apply implements sdk.Learner.
func (t *Thermometer) Apply(ctx context.Context, req sdk.ApplyRequest) ([]sdk.Tensor, error) {
	if err := kernels.Err(); err != nil {
		return nil, sdk.FailedPrecondition("%v", err)
	}
	req, err := Description().ValidateApply(req)
	if err != nil {
		return nil, err
	}
	nt, classes, err := netFromWeights(req.Weights)
	if err != nil {
		return nil, err
	}
	in, ok := sdk.FindTensor(req.Inputs, TensorConfigs)
	if !ok {
		return nil, sdk.InvalidArgument("predict needs the input tensor %s (int8 [N, sites])", TensorConfigs)
	}
	configs, ok := in.Data.([]int8)
	if !ok || len(in.Shape) != 2 {
		return nil, sdk.InvalidArgument("input %s is %s %v, want int8 [N, sites]", TensorConfigs, dtype(in.Data), in.Shape)
	}
	n, sites := in.Shape[0], in.Shape[1]
	if q := max(1, len(nt.states)); sites*q != nt.sites {
		return nil, sdk.InvalidArgument("configs have %d sites per configuration, but the thermometer was trained on %d (W1 has %d rows)",
			sites, nt.sites/q, nt.sites)
	}
	if req.Size > 0 && req.Sites() != sites {
		return nil, sdk.InvalidArgument("configs have %d sites per configuration, but the lattice is %s", sites, sdk.Shape(req.Size, req.Dimension))
	}
	if n == 0 {
		return nil, sdk.InvalidArgument("input %s holds no configurations", TensorConfigs)
	}
	if nt.states != nil {
		if configs, err = oneHot("input configs", configs, sites, nt.states); err != nil {
			return nil, err
		}
	} else {
		for i, v := range configs {
			if v < -1 || v > 1 {
				return nil, sdk.InvalidArgument("configuration %d, site %d: value %d is not a spin −1, 0 or +1", i/sites, i%sites, v)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := newPool(t.opts.Workers)
	defer p.close()
	probs := make([]float32, n*nt.classes)
	dist := newEngine(nt, 0, n, p).predict(configs, n, probs)
	dim := len(classes) / nt.classes
	mean := make([]float64, dim)
	for j, pj := range dist {
		for d := range mean {
			mean[d] += classes[j*dim+d] * pj
		}
	}
	meanShape := []int{}
	if dim > 1 {
		meanShape = []int{dim}
	}
	return []sdk.Tensor{
		{Name: TensorProbabilities, Shape: []int{n, nt.classes}, Data: probs},
		{Name: TensorDistribution, Shape: []int{nt.classes}, Data: dist},
		{Name: TensorClasses, Shape: classShape(nt.classes, dim), Data: slices.Clone(classes)},
		{Name: TensorMean, Shape: meanShape, Data: mean},
	}, nil
}

// netFromWeights checks the weights' shapes against one another and
// returns the network and its classes.
func netFromWeights(ws []sdk.Tensor) (*net, []float64, error) {
	w1, _ := sdk.FindTensor(ws, TensorW1)
	w2, _ := sdk.FindTensor(ws, TensorW2)
	if len(w1.Shape) != 2 || len(w2.Shape) != 2 {
		return nil, nil, sdk.InvalidArgument("weights: W1 %v and W2 %v must be matrices", w1.Shape, w2.Shape)
	}
	sites, hidden, classes := w1.Shape[0], w1.Shape[1], w2.Shape[1]
	if sites < 1 || hidden < 1 || classes < 1 {
		return nil, nil, sdk.InvalidArgument("weights: W1 %v and W2 %v must not be empty", w1.Shape, w2.Shape)
	}
	nt := newNet(sites, hidden, classes)
	if err := loadWeights(nt, ws, "weights"); err != nil {
		return nil, nil, err
	}
	c, err := findClasses(ws, classes, 0, "weights")
	if err != nil {
		return nil, nil, err
	}
	if nt.states, err = statesOf(ws, sites, "weights"); err != nil {
		return nil, nil, err
	}
	return nt, c, nil
}
