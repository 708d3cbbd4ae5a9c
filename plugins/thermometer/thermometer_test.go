package thermometer

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// grpcLearner serves a Thermometer over the real gRPC shims in this process
// and returns the host's view of it.
func grpcLearner(t *testing.T) sdk.Learner {
	t.Helper()
	client, _ := plugin.TestPluginGRPCConn(t, false, sdk.PluginSet(sdk.ServeConfig{Learner: New()}))
	t.Cleanup(func() { client.Close() })
	raw, err := client.Dispense(sdk.KindLearner)
	if err != nil {
		t.Fatal(err)
	}
	return raw.(sdk.Learner)
}

// Synthetic classes separable by the magnetisation: a configuration of
// class k has each spin up with probability up[k].
var (
	synthUp     = []float64{0.95, 0.7, 0.3, 0.05}
	synthLabels = []float64{3.5, 0.5, 2.5, 1.5} // deliberately unsorted
)

// synthData returns perClass configurations of each synthetic class on an
// L×L lattice, classes interleaved, labelled "T".
func synthData(L, perClass int, seed uint64) sdk.Dataset {
	r := xrand.New(seed)
	sites := L * L
	n := perClass * len(synthUp)
	d := sdk.Dataset{Size: L, Configs: make([]int8, n*sites), Labels: map[string][]float64{"T": make([]float64, n)}}
	for a := range n {
		k := a % len(synthUp)
		d.Labels["T"][a] = synthLabels[k]
		for i := range sites {
			d.Configs[a*sites+i] = -1
			if r.Float64() < synthUp[k] {
				d.Configs[a*sites+i] = 1
			}
		}
	}
	return d
}

// classConfigs returns the configurations of d labelled v, as Apply input.
func classConfigs(d sdk.Dataset, v float64) sdk.Tensor {
	var c []int8
	for a, l := range d.Labels["T"] {
		if l == v {
			c = append(c, d.Configs[a*d.Sites():(a+1)*d.Sites()]...)
		}
	}
	return sdk.Tensor{Name: TensorConfigs, Shape: []int{len(c) / d.Sites(), d.Sites()}, Data: c}
}

type recorder struct {
	mu          sync.Mutex
	progress    []sdk.Progress
	checkpoints []sdk.Checkpoint
}

func (r *recorder) Progress(p sdk.Progress) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.progress = append(r.progress, p)
	return nil
}

func (r *recorder) Checkpoint(c sdk.Checkpoint) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checkpoints = append(r.checkpoints, c)
	return nil
}

func TestDescribe(t *testing.T) {
	d, err := grpcLearner(t).Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != Name || !d.NeedsLabel || !slices.Equal(d.WeightNames, []string{"W1", "b1", "W2", "b2", "classes"}) {
		t.Errorf("description: %+v", d)
	}
	defaults := map[string]float64{"hidden": 64, "epochs": 7500, "lr": 0.1, "batch": 0, "weight_decay": 0, "test_every": 10}
	for _, p := range d.Hyperparameters {
		if want, ok := defaults[p.Name]; !ok || p.Default != want || p.Doc == "" {
			t.Errorf("hyper-parameter %s: default %v, doc %q", p.Name, p.Default, p.Doc)
		}
		delete(defaults, p.Name)
	}
	if len(defaults) != 0 {
		t.Errorf("missing hyper-parameters %v", defaults)
	}
	if _, err := d.Operation(OpPredict); err != nil {
		t.Error(err)
	}
}

// A thermometer trained on separable synthetic classes classifies them and
// measures each class's ensemble at its own temperature.
func TestTrainSeparable(t *testing.T) {
	l := grpcLearner(t)
	ctx := context.Background()
	train, test := synthData(8, 1000, 1), synthData(8, 50, 2)
	rec := &recorder{}
	const epochs = 200
	w, err := l.Train(ctx, sdk.TrainRequest{
		Hyper: sdk.Params{"hidden": 16, "epochs": epochs, "lr": 0.5, "test_every": 5},
		Seed:  1, Label: "T", Train: train, Test: &test,
	}, rec)
	if err != nil {
		t.Fatal(err)
	}
	classes := slices.Sorted(slices.Values(synthLabels))
	for _, name := range Description().WeightNames {
		if _, ok := sdk.FindTensor(w, name); !ok {
			t.Fatalf("weights lack %s", name)
		}
	}
	if c, _ := sdk.FindTensor(w, TensorClasses); !slices.Equal(c.Data.([]float64), classes) {
		t.Errorf("classes %v, want %v", c.Data, classes)
	}
	if W1, _ := sdk.FindTensor(w, TensorW1); !slices.Equal(W1.Shape, []int{64, 16}) {
		t.Errorf("W1 shape %v", W1.Shape)
	}

	// Progress: the last epoch is reported, with the test loss; losses fall.
	last := rec.progress[len(rec.progress)-1]
	if last.Epoch != epochs || last.Epochs != epochs {
		t.Fatalf("last event at epoch %d of %d", last.Epoch, last.Epochs)
	}
	for _, m := range []string{MetricTrainLoss, MetricTestLoss, MetricTrainAccuracy, MetricTestAccuracy, MetricLearningRate, MetricWeightNorm} {
		if _, ok := last.Metrics[m]; !ok {
			t.Errorf("last event lacks metric %s: %v", m, last.Metrics)
		}
	}
	first := rec.progress[0]
	if !(last.Metrics[MetricTrainLoss] < 0.5*first.Metrics[MetricTrainLoss]) || last.Metrics[MetricLearningRate] != 0.5 {
		t.Errorf("train loss %v → %v", first.Metrics[MetricTrainLoss], last.Metrics[MetricTrainLoss])
	}
	for _, p := range rec.progress {
		if _, ok := p.Metrics[MetricTestLoss]; ok != (p.Epoch%5 == 0 || p.Epoch == epochs) {
			t.Errorf("epoch %d: test loss present = %v, test_every = 5", p.Epoch, ok)
		}
	}
	if acc := last.Metrics[MetricTestAccuracy]; acc < 0.95 {
		t.Errorf("test accuracy %.3f, want ≥ 0.95", acc)
	}
	t.Logf("%d events; train loss %.4f acc %.3f, test loss %.4f acc %.3f", len(rec.progress),
		last.Metrics[MetricTrainLoss], last.Metrics[MetricTrainAccuracy], last.Metrics[MetricTestLoss], last.Metrics[MetricTestAccuracy])

	// Each class's ensemble: the distribution peaks at its class.
	for _, v := range synthLabels {
		in := classConfigs(test, v)
		out, err := l.Apply(ctx, sdk.ApplyRequest{Operation: OpPredict, Size: 8, Weights: w, Inputs: []sdk.Tensor{in}})
		if err != nil {
			t.Fatal(err)
		}
		probs, _ := sdk.FindTensor(out, TensorProbabilities)
		dist, _ := sdk.FindTensor(out, TensorDistribution)
		cls, _ := sdk.FindTensor(out, TensorClasses)
		mean, _ := sdk.FindTensor(out, TensorMean)
		n := in.Shape[0]
		if !slices.Equal(probs.Shape, []int{n, 4}) || !slices.Equal(dist.Shape, []int{4}) || mean.Len() != 1 ||
			!slices.Equal(cls.Data.([]float64), classes) {
			t.Fatalf("outputs: probabilities %v, distribution %v, classes %v, mean %v", probs.Shape, dist.Shape, cls.Data, mean.Shape)
		}
		P, D := probs.Data.([]float32), dist.Data.([]float64)
		colMean := make([]float64, 4)
		for a := range n {
			var s float64
			for k := range 4 {
				s += float64(P[a*4+k])
				colMean[k] += float64(P[a*4+k]) / float64(n)
			}
			if math.Abs(s-1) > 1e-5 {
				t.Fatalf("probabilities of configuration %d sum to %v", a, s)
			}
		}
		var m, sum float64
		for k := range D {
			if math.Abs(D[k]-colMean[k]) > 1e-6 {
				t.Errorf("distribution %v is not the mean of the probabilities %v", D, colMean)
			}
			m += classes[k] * D[k]
			sum += D[k]
		}
		peak := classes[argmax(D)]
		if peak != v || D[argmax(D)] < 0.8 || math.Abs(sum-1) > 1e-6 {
			t.Errorf("class %v: distribution %.3f peaks at %v", v, D, peak)
		}
		if got := mean.Data.([]float64)[0]; math.Abs(got-m) > 1e-9 || math.Abs(got-v) > 0.25 {
			t.Errorf("class %v: mean %v (Σ classes·distribution %v)", v, got, m)
		}
	}
}

func argmax(v []float64) int {
	k := 0
	for i, x := range v {
		if x > v[k] {
			k = i
		}
	}
	return k
}

// A training resumed from a checkpoint ends with the very weights of an
// uninterrupted one, through the gRPC transport, full-batch and with
// mini-batches (whose order comes from the checkpointed RNG).
func TestResumeBitIdentical(t *testing.T) {
	l := grpcLearner(t)
	ctx := context.Background()
	train, test := synthData(6, 60, 3), synthData(6, 20, 4)
	for _, batch := range []float64{0, 50} {
		hyper := sdk.Params{"hidden": 12, "epochs": 40, "lr": 0.2, "batch": batch, "weight_decay": 1e-3}
		req := sdk.TrainRequest{Hyper: hyper, Seed: 5, Label: "T", Train: train, Test: &test, CheckpointEvery: 15}
		rec := &recorder{}
		full, err := l.Train(ctx, req, rec)
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.checkpoints) != 2 || rec.checkpoints[0].Epoch != 15 || rec.checkpoints[1].Epoch != 30 {
			t.Fatalf("batch %v: checkpoints at %v", batch, epochsOf(rec.checkpoints))
		}
		for _, name := range []string{"W1", "b1", "W2", "b2", "classes", "rng", "epoch"} {
			if _, ok := sdk.FindTensor(rec.checkpoints[0].Tensors, name); !ok {
				t.Fatalf("checkpoint lacks %s", name)
			}
		}
		req.Resume = &rec.checkpoints[0]
		rec2 := &recorder{}
		resumed, err := l.Train(ctx, req, rec2)
		if err != nil {
			t.Fatal(err)
		}
		if rec2.progress[0].Epoch <= 15 || len(rec2.checkpoints) != 1 || rec2.checkpoints[0].Epoch != 30 {
			t.Errorf("batch %v: resumed run reported epochs from %d, checkpoints %v", batch, rec2.progress[0].Epoch, epochsOf(rec2.checkpoints))
		}
		sameTensors(t, "final weights", full, resumed)
		sameTensors(t, "epoch-30 checkpoint", rec.checkpoints[1].Tensors, rec2.checkpoints[0].Tensors)
		lastA, lastB := rec.progress[len(rec.progress)-1], rec2.progress[len(rec2.progress)-1]
		if lastA.Metrics[MetricTestLoss] != lastB.Metrics[MetricTestLoss] {
			t.Errorf("batch %v: final test loss %v, resumed %v", batch, lastA.Metrics[MetricTestLoss], lastB.Metrics[MetricTestLoss])
		}
		// The history counts configurations from epoch 0, as the RBM's
		// does: a resumed training's rows are the uninterrupted one's.
		if lastA.Epoch != lastB.Epoch || lastA.Samples != lastB.Samples || lastA.Samples != int64(lastA.Epoch)*int64(train.Len()) {
			t.Errorf("batch %v: last event epoch %d, %d samples; resumed: epoch %d, %d samples", batch, lastA.Epoch, lastA.Samples, lastB.Epoch, lastB.Samples)
		}
	}
	// A different seed gives different weights: the comparison has teeth.
	a, _ := l.Train(ctx, sdk.TrainRequest{Hyper: sdk.Params{"hidden": 4, "epochs": 2}, Seed: 1, Label: "T", Train: train}, &recorder{})
	b, _ := l.Train(ctx, sdk.TrainRequest{Hyper: sdk.Params{"hidden": 4, "epochs": 2}, Seed: 2, Label: "T", Train: train}, &recorder{})
	if w1a, w1b := a[0].Data.([]float32), b[0].Data.([]float32); slices.Equal(w1a, w1b) {
		t.Error("seeds 1 and 2 gave the same W1")
	}
}

func epochsOf(cs []sdk.Checkpoint) []int {
	var e []int
	for _, c := range cs {
		e = append(e, c.Epoch)
	}
	return e
}

// sameTensors fails unless a and b hold the same tensors, bit for bit.
func sameTensors(t *testing.T, what string, a, b []sdk.Tensor) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: %d tensors vs %d", what, len(a), len(b))
	}
	for _, ta := range a {
		tb, ok := sdk.FindTensor(b, ta.Name)
		if !ok || !slices.Equal(ta.Shape, tb.Shape) {
			t.Fatalf("%s: tensor %s missing or reshaped", what, ta.Name)
		}
		same := false
		switch va := ta.Data.(type) {
		case []float32:
			vb := tb.Data.([]float32)
			same = len(va) == len(vb)
			for i := range va {
				same = same && math.Float32bits(va[i]) == math.Float32bits(vb[i])
			}
		case []float64:
			same = slices.Equal(va, tb.Data.([]float64))
		case []int64:
			same = slices.Equal(va, tb.Data.([]int64))
		case []int8:
			same = slices.Equal(va, tb.Data.([]int8))
		}
		if !same {
			t.Errorf("%s: tensor %s differs", what, ta.Name)
		}
	}
}

// Every mistake in a request is an InvalidArgument error through the gRPC
// shim, whose message says what is wrong.
func TestInvalidTrain(t *testing.T) {
	l := grpcLearner(t)
	ctx := context.Background()
	train := synthData(4, 10, 1)
	badTest := synthData(4, 5, 2)
	badTest.Labels["T"][3] = 9.75
	noLabel := synthData(4, 5, 2)
	noLabel.Labels = map[string][]float64{"M": noLabel.Labels["T"]}
	oneClass := synthData(4, 5, 2)
	for i := range oneClass.Labels["T"] {
		oneClass.Labels["T"][i] = 1
	}
	for _, c := range []struct {
		name string
		req  sdk.TrainRequest
		msg  string
	}{
		{"hidden=0", sdk.TrainRequest{Hyper: sdk.Params{"hidden": 0}, Label: "T", Train: train}, "hidden"},
		{"hidden<0", sdk.TrainRequest{Hyper: sdk.Params{"hidden": -3}, Label: "T", Train: train}, "hidden"},
		{"hidden>max", sdk.TrainRequest{Hyper: sdk.Params{"hidden": 1 << 15}, Label: "T", Train: train}, "hidden"},
		{"hidden=1.5", sdk.TrainRequest{Hyper: sdk.Params{"hidden": 1.5}, Label: "T", Train: train}, "hidden"},
		{"lr=0", sdk.TrainRequest{Hyper: sdk.Params{"lr": 0}, Label: "T", Train: train}, "lr"},
		{"lr<0", sdk.TrainRequest{Hyper: sdk.Params{"lr": -0.1}, Label: "T", Train: train}, "lr"},
		{"epochs=0", sdk.TrainRequest{Hyper: sdk.Params{"epochs": 0}, Label: "T", Train: train}, "epochs"},
		{"batch<0", sdk.TrainRequest{Hyper: sdk.Params{"batch": -1}, Label: "T", Train: train}, "batch"},
		{"test_every=0", sdk.TrainRequest{Hyper: sdk.Params{"test_every": 0}, Label: "T", Train: train}, "test_every"},
		{"weight_decay<0", sdk.TrainRequest{Hyper: sdk.Params{"weight_decay": -1}, Label: "T", Train: train}, "weight_decay"},
		{"lr past float32", sdk.TrainRequest{Hyper: sdk.Params{"lr": 1e300}, Label: "T", Train: train}, "lr = 1e+300 is not a positive float32"},
		{"lr below float32", sdk.TrainRequest{Hyper: sdk.Params{"lr": 1e-300}, Label: "T", Train: train}, "lr = 1e-300 is not a positive float32"},
		{"weight_decay past float32", sdk.TrainRequest{Hyper: sdk.Params{"weight_decay": 1e300}, Label: "T", Train: train}, "weight_decay = 1e+300 does not fit a float32"},
		{"unknown", sdk.TrainRequest{Hyper: sdk.Params{"momentum": 0.9}, Label: "T", Train: train}, "momentum"},
		{"no label", sdk.TrainRequest{Train: train}, "label"},
		{"absent label", sdk.TrainRequest{Label: "E", Train: train}, `"E"`},
		{"test label", sdk.TrainRequest{Hyper: sdk.Params{"epochs": 1}, Label: "T", Train: train, Test: &badTest}, "9.75"},
		{"test without label", sdk.TrainRequest{Hyper: sdk.Params{"epochs": 1}, Label: "T", Train: train, Test: &noLabel}, "test set"},
		{"one class", sdk.TrainRequest{Hyper: sdk.Params{"epochs": 1}, Label: "T", Train: oneClass}, "2 classes"},
	} {
		_, err := l.Train(ctx, c.req, &recorder{})
		if !errors.Is(err, sdk.ErrInvalidArgument) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want InvalidArgument mentioning %s", c.name, err, c.msg)
		}
	}
}

// A diverging training stops with FailedPrecondition naming the epoch.
func TestDiverges(t *testing.T) {
	l := grpcLearner(t)
	train := synthData(4, 25, 1)
	_, err := l.Train(context.Background(), sdk.TrainRequest{Hyper: sdk.Params{"lr": 1e30, "epochs": 50, "hidden": 8},
		Label: "T", Train: train}, &recorder{})
	if !errors.Is(err, sdk.ErrFailedPrecondition) || !strings.Contains(err.Error(), "epoch ") {
		t.Fatalf("lr = 1e30: %v, want FailedPrecondition naming the epoch", err)
	}
	t.Log(err)
}

// A resume from a checkpoint that does not fit the request is refused.
func TestInvalidResume(t *testing.T) {
	l := grpcLearner(t)
	ctx := context.Background()
	train := synthData(4, 10, 1)
	rec := &recorder{}
	if _, err := l.Train(ctx, sdk.TrainRequest{Hyper: sdk.Params{"hidden": 4, "epochs": 2}, Label: "T", Train: train, CheckpointEvery: 1}, rec); err != nil {
		t.Fatal(err)
	}
	other := synthData(4, 10, 1)
	for i := range other.Labels["T"] {
		other.Labels["T"][i] *= 2
	}
	for _, c := range []struct {
		name string
		req  sdk.TrainRequest
		msg  string
	}{
		{"hidden", sdk.TrainRequest{Hyper: sdk.Params{"hidden": 5, "epochs": 3}, Label: "T", Train: train}, "W1"},
		{"classes", sdk.TrainRequest{Hyper: sdk.Params{"hidden": 4, "epochs": 3}, Label: "T", Train: other}, "classes"},
		{"epochs", sdk.TrainRequest{Hyper: sdk.Params{"hidden": 4, "epochs": 1}, Label: "T", Train: train}, "epoch"},
	} {
		c.req.Resume = &rec.checkpoints[1]
		_, err := l.Train(ctx, c.req, &recorder{})
		if !errors.Is(err, sdk.ErrInvalidArgument) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want InvalidArgument mentioning %s", c.name, err, c.msg)
		}
	}
}

func TestInvalidApply(t *testing.T) {
	l := grpcLearner(t)
	ctx := context.Background()
	train := synthData(4, 10, 1)
	w, err := l.Train(ctx, sdk.TrainRequest{Hyper: sdk.Params{"hidden": 4, "epochs": 2}, Label: "T", Train: train}, &recorder{})
	if err != nil {
		t.Fatal(err)
	}
	configs := func(n, sites int) sdk.Tensor {
		c := make([]int8, n*sites)
		for i := range c {
			c[i] = 1
		}
		return sdk.Tensor{Name: TensorConfigs, Shape: []int{n, sites}, Data: c}
	}
	reshaped := slices.Clone(w)
	for i := range reshaped {
		if reshaped[i].Name == TensorB2 {
			reshaped[i] = sdk.Tensor{Name: TensorB2, Shape: []int{3}, Data: make([]float32, 3)}
		}
	}
	for _, c := range []struct {
		name string
		req  sdk.ApplyRequest
		msg  string
	}{
		{"sites", sdk.ApplyRequest{Operation: OpPredict, Weights: w, Inputs: []sdk.Tensor{configs(3, 25)}}, "25 sites"},
		{"sites (W1 rows)", sdk.ApplyRequest{Operation: OpPredict, Weights: w, Inputs: []sdk.Tensor{configs(3, 25)}}, "16"},
		{"lattice", sdk.ApplyRequest{Operation: OpPredict, Size: 5, Weights: w, Inputs: []sdk.Tensor{configs(3, 16)}}, "5×5"},
		{"no configs", sdk.ApplyRequest{Operation: OpPredict, Weights: w}, "configs"},
		{"dtype", sdk.ApplyRequest{Operation: OpPredict, Weights: w, Inputs: []sdk.Tensor{{Name: TensorConfigs, Shape: []int{1, 16}, Data: make([]float32, 16)}}}, "int8"},
		{"empty", sdk.ApplyRequest{Operation: OpPredict, Weights: w, Inputs: []sdk.Tensor{configs(0, 16)}}, "no configurations"},
		{"weights", sdk.ApplyRequest{Operation: OpPredict, Weights: reshaped, Inputs: []sdk.Tensor{configs(1, 16)}}, "b2"},
		{"operation", sdk.ApplyRequest{Operation: "flow", Weights: w, Inputs: []sdk.Tensor{configs(1, 16)}}, "flow"},
	} {
		_, err := l.Apply(ctx, c.req)
		if !errors.Is(err, sdk.ErrInvalidArgument) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want InvalidArgument mentioning %s", c.name, err, c.msg)
		}
	}
}

// Cancelling the context stops the training within an epoch.
func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	train := synthData(6, 50, 1)
	ev := &cancelOnProgress{cancel: cancel}
	start := time.Now()
	_, err := NewWithOptions(Options{}).Train(ctx, sdk.TrainRequest{Hyper: sdk.Params{"epochs": 1e6, "hidden": 8},
		Label: "T", Train: train}, ev)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if ev.epoch > 2 || time.Since(start) > 10*time.Second {
		t.Errorf("stopped after epoch %d, %v", ev.epoch, time.Since(start))
	}
}

type cancelOnProgress struct {
	cancel func()
	epoch  int
}

func (c *cancelOnProgress) Progress(p sdk.Progress) error   { c.epoch = p.Epoch; c.cancel(); return nil }
func (c *cancelOnProgress) Checkpoint(sdk.Checkpoint) error { return nil }

// The history's reports (Live false) fall on a schedule of epochs: with a
// test set the first, the last and every test_every-th; without one, every
// ⌈epochs/historyPoints⌉-th too. Live reports come at most every
// MinEventInterval.
func TestEventSchedule(t *testing.T) {
	train, test := synthData(4, 10, 1), synthData(4, 10, 2)
	const epochs, testEvery = 3001, 250
	for _, withTest := range []bool{true, false} {
		req := sdk.TrainRequest{Hyper: sdk.Params{"epochs": epochs, "hidden": 4, "test_every": testEvery}, Label: "T", Train: train}
		if withTest {
			req.Test = &test
		}
		rec := &recorder{}
		start := time.Now()
		if _, err := NewWithOptions(Options{}).Train(context.Background(), req, rec); err != nil {
			t.Fatal(err)
		}
		el := time.Since(start)
		every := (epochs + historyPoints - 1) / historyPoints
		var got, want []int
		live := 0
		for _, p := range rec.progress {
			if p.Live {
				live++
			} else {
				got = append(got, p.Epoch)
			}
		}
		for e := 1; e <= epochs; e++ {
			if e == 1 || e == epochs || (withTest && e%testEvery == 0) || (!withTest && e%every == 0) {
				want = append(want, e)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("test set %v: scheduled reports at %v, want %v", withTest, got, want)
		}
		if max := int(el/MinEventInterval) + 1; live > max {
			t.Errorf("%d live reports in %v (at most %d)", live, el, max)
		}
	}
}
