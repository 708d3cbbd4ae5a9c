package sdk

import (
	"context"
	"slices"
	"strings"

	"github.com/rgml/rgml/framework/npz"
)

// Tensor is a named n-dimensional array: Data is a []int8, []int32,
// []int64, []float32 or []float64 of product(Shape) elements, in C order.
// It is the same type the host writes to .npz files.
type Tensor = npz.Array

// FindTensor returns the tensor called name.
func FindTensor(ts []Tensor, name string) (Tensor, bool) { return npz.Find(ts, name) }

// Operation documents one operation of a learner's Apply (the RBM's
// "flow", the thermometer's "predict").
type Operation struct {
	Name       string
	Doc        string
	Parameters []ParamSpec
}

// LearnerDescription is what a learner plugin says about itself.
type LearnerDescription struct {
	Info
	Hyperparameters []ParamSpec
	Operations      []Operation
	// WeightNames are the tensors Train returns and Apply expects.
	WeightNames []string
	// NeedsLabel is set for supervised learners (the thermometer), which
	// need TrainRequest.Label.
	NeedsLabel bool
}

// Operation returns the named operation.
func (d LearnerDescription) Operation(name string) (Operation, error) {
	for _, o := range d.Operations {
		if o.Name == name {
			return o, nil
		}
	}
	names := make([]string, len(d.Operations))
	for i, o := range d.Operations {
		names[i] = o.Name
	}
	return Operation{}, InvalidArgument("learner %s has no operation %q (known: %v)", d.Name, name, names)
}

// Dataset is a set of configurations with per-configuration labels.
type Dataset struct {
	Size int // linear lattice size L
	// Dimension d of the lattice: a configuration has L^d sites. 0 is 2
	// (see Dim): an older host sends none.
	Dimension int
	Configs   []int8               // N × Sites, x-major site order
	Labels    map[string][]float64 // e.g. "T": one value per configuration
	// StateSpace is the set of site values the dataset's model declares
	// (ModelDescription.StateSpace); nil when none is declared (imported
	// data, an older host). Learners choose their input units from it.
	StateSpace []int8
}

// MaxStates is the most values a state space may have: learners encode a
// site's state by its index among them.
const MaxStates = 127

// CheckStateSpace reports an InvalidArgument error for a state space of
// more than MaxStates values or with a value twice.
func CheckStateSpace(states []int8) error {
	if len(states) > MaxStates {
		return InvalidArgument("the state space has %d values; at most %d are supported", len(states), MaxStates)
	}
	var seen [256]bool
	for _, s := range states {
		if seen[uint8(s)] {
			return InvalidArgument("the state space %v has the value %d twice", states, s)
		}
		seen[uint8(s)] = true
	}
	return nil
}

// States returns the dataset's state space, sorted: the declared one, or,
// when none is declared, the values its configurations take.
func (d Dataset) States() []int8 {
	var seen [256]bool
	if d.StateSpace != nil {
		for _, s := range d.StateSpace {
			seen[uint8(s)] = true
		}
	} else {
		for _, v := range d.Configs {
			seen[uint8(v)] = true
		}
	}
	var out []int8
	for v := -128; v < 128; v++ {
		if seen[uint8(int8(v))] {
			out = append(out, int8(v))
		}
	}
	return out
}

// Sites returns L^d.
func (d Dataset) Sites() int { return LatticeSites(d.Size, d.Dimension) }

// Len returns the number of configurations.
func (d Dataset) Len() int {
	if d.Sites() == 0 {
		return 0
	}
	return len(d.Configs) / d.Sites()
}

// Check reports an InvalidArgument error for a malformed dataset.
func (d Dataset) Check(what string) error {
	if err := CheckDimension(d.Dimension); err != nil {
		return InvalidArgument("%s: %v", what, err)
	}
	if d.Size < 1 || d.Sites() == 0 || len(d.Configs)%d.Sites() != 0 {
		return InvalidArgument("%s: %d values are not a whole number of %s configurations", what, len(d.Configs), Shape(d.Size, d.Dimension))
	}
	for name, l := range d.Labels {
		if len(l) != d.Len() {
			return InvalidArgument("%s: label %s has %d values for %d configurations", what, name, len(l), d.Len())
		}
	}
	if d.StateSpace == nil {
		return nil
	}
	if err := CheckStateSpace(d.StateSpace); err != nil {
		return InvalidArgument("%s: %v", what, err)
	}
	var in [256]bool
	for _, s := range d.StateSpace {
		in[uint8(s)] = true
	}
	for i, v := range d.Configs {
		if !in[uint8(v)] {
			return InvalidArgument("%s: configuration %d, site %d: value %d is not in the state space %v its model declares",
				what, i/d.Sites(), i%d.Sites(), v, d.StateSpace)
		}
	}
	return nil
}

// Checkpoint is a learner's resumable state after Epoch epochs: weights,
// optimiser state and RNG state, as tensors.
type Checkpoint struct {
	Epoch   int
	Tensors []Tensor
}

// Progress is one progress event of a training.
type Progress struct {
	Epoch       int
	Epochs      int
	Metrics     map[string]float64 // e.g. "reconstruction_error", "train_loss", "test_loss"
	WallSeconds float64            // since the start of this Train call
	Samples     int64              // configurations processed since epoch 0 (a resumed training's earlier epochs count)
	// Live marks a report sent between the learner's scheduled ones,
	// only to show progress (e.g. every 50 ms of fast epochs). The host
	// displays it but keeps only scheduled reports in the history: which
	// epochs a clock picks differs from run to run, and a history must
	// not. A learner reports on a schedule of epochs, with Live false.
	Live bool
}

// TrainRequest asks a learner to train.
type TrainRequest struct {
	Hyper Params // resolved against the description: defaults filled in
	Seed  uint64
	// Label names the column of Train.Labels to learn (supervised
	// learners); several names separated by commas ("T,Delta") ask for
	// their joint values (the thermometer's (T, Δ) grid points).
	Label string
	Train Dataset
	Test  *Dataset // optional held-out set (the thermometer's test loss)
	// CheckpointEvery asks for a checkpoint every this many epochs (0: none).
	CheckpointEvery int
	// Resume, when set, continues the training from this checkpoint; the
	// result must equal that of an uninterrupted training.
	Resume *Checkpoint
}

// TrainEvents receives what a training reports as it goes. Both methods
// return an error when the host has gone away; the learner must then stop.
type TrainEvents interface {
	Progress(Progress) error
	Checkpoint(Checkpoint) error
}

// ApplyRequest asks a learner to apply trained weights to inputs.
type ApplyRequest struct {
	Operation string
	Params    Params // resolved against the operation's parameters
	Seed      uint64
	Size      int
	// Dimension of the input configurations' lattice (Size^Dimension
	// sites); 0 is 2 (see Dim).
	Dimension int
	Weights   []Tensor
	Inputs    []Tensor // e.g. "configs" (int8, N × sites), "iterations" (int64)
}

// Sites returns the sites of the request's lattice, L^d (0 when Size is
// not given).
func (r ApplyRequest) Sites() int { return LatticeSites(r.Size, r.Dimension) }

// Learner is something trained on configurations.
type Learner interface {
	Describe(ctx context.Context) (LearnerDescription, error)
	// Train trains on req and returns the weights, named as in
	// WeightNames. The request has been validated against the description.
	Train(ctx context.Context, req TrainRequest, events TrainEvents) ([]Tensor, error)
	// Apply runs an operation with trained weights.
	Apply(ctx context.Context, req ApplyRequest) ([]Tensor, error)
}

// ValidateTrain checks a training request against the description and
// returns it with hyper-parameter defaults filled in.
func (d LearnerDescription) ValidateTrain(req TrainRequest) (TrainRequest, error) {
	h, err := ResolveParams(d.Hyperparameters, req.Hyper)
	if err != nil {
		return req, err
	}
	req.Hyper = h
	if err := req.Train.Check("training set"); err != nil {
		return req, err
	}
	if req.Train.Len() == 0 {
		return req, InvalidArgument("the training set is empty")
	}
	if req.Test != nil {
		if err := req.Test.Check("test set"); err != nil {
			return req, err
		}
		if req.Test.Size != req.Train.Size || Dim(req.Test.Dimension) != Dim(req.Train.Dimension) {
			return req, InvalidArgument("test set is %s, training set %s",
				Shape(req.Test.Size, req.Test.Dimension), Shape(req.Train.Size, req.Train.Dimension))
		}
		if req.Test.StateSpace != nil && req.Train.StateSpace != nil && !slices.Equal(req.Test.States(), req.Train.States()) {
			return req, InvalidArgument("test set's state space %v differs from the training set's %v", req.Test.StateSpace, req.Train.StateSpace)
		}
	}
	if d.NeedsLabel {
		if req.Label == "" {
			return req, InvalidArgument("learner %s is supervised: name the label to learn (e.g. T)", d.Name)
		}
		for _, name := range strings.Split(req.Label, ",") {
			if _, ok := req.Train.Labels[name]; !ok {
				return req, InvalidArgument("training set has no label %q", name)
			}
		}
	}
	if req.CheckpointEvery < 0 {
		return req, InvalidArgument("checkpoint interval %d is negative", req.CheckpointEvery)
	}
	return req, nil
}

// ValidateApply checks an apply request against the description and fills
// in the operation's parameter defaults.
func (d LearnerDescription) ValidateApply(req ApplyRequest) (ApplyRequest, error) {
	op, err := d.Operation(req.Operation)
	if err != nil {
		return req, err
	}
	if req.Params, err = ResolveParams(op.Parameters, req.Params); err != nil {
		return req, err
	}
	if err := CheckDimension(req.Dimension); err != nil {
		return req, err
	}
	for _, w := range d.WeightNames {
		if _, ok := FindTensor(req.Weights, w); !ok {
			return req, InvalidArgument("weights lack tensor %q", w)
		}
	}
	for _, t := range append(append([]Tensor{}, req.Weights...), req.Inputs...) {
		if err := checkTensor(t); err != nil {
			return req, err
		}
	}
	return req, nil
}

func checkTensor(t Tensor) error {
	_, _, n, err := npz.Raw(t.Data)
	if err != nil {
		return InvalidArgument("tensor %s: %v", t.Name, err)
	}
	if n != t.Len() {
		return InvalidArgument("tensor %s: %d elements for shape %v", t.Name, n, t.Shape)
	}
	return nil
}
