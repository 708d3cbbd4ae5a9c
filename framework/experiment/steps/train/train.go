// Package train is the training step kind: a learner plugin trained on
// registered datasets (Train), its checkpoints and history, and the live
// view of a training still running; planned, keyed and run as the kinds
// table asks.
package train

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/experiment/plan"
	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/experiment/steps/stepdata"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/metrics"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/progress"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// Version versions what Train writes beside the plugin's
// weights (the selection of the data, the history): bump it when that
// changes what a training records (the kinds table,
// framework/experiment/kinds.go).
const Version = 2 // 2: live progress reports are kept out of the history

// Resume says what a training does with a checkpoint of itself.
type Resume int

const (
	// ResumeNever starts afresh (stale checkpoints stay until it ends).
	ResumeNever Resume = iota
	// ResumeRequired continues from the checkpoint and fails without one
	// (rgml train --resume).
	ResumeRequired
	// ResumeIfAny continues from a checkpoint if there is one (rgml run).
	ResumeIfAny
)

// TrainSpec is one training: a learner on registered datasets.
type TrainSpec struct {
	Name    string // registered under this name
	Learner string
	Data    string   // registry reference of the training set
	Where   []string // selections NAME=SPEC of the training set
	Test    string   // registry reference of a held-out set, or ""
	Label   string   // what a supervised learner learns ("": the data's one label of several values); an error for others
	Hyper   sdk.Params
	Seed    uint64
	// CheckpointEvery is the epochs between checkpoints (0: about 20).
	CheckpointEvery int
	Resume          Resume
	// Key, if set, is the step key: recorded as Lineage.Key and used to
	// find the training's checkpoints (else TrainingKey is).
	Key string
	// Planned, if set, holds the plugin digests the step's key was made
	// with: a launched plugin of another digest fails the step
	// (*PluginChangedError) before it does any work.
	Planned plan.Planned
}

// TrainResult is a registered training.
type TrainResult struct {
	Entry       registry.Entry
	Learner     string
	Samples     int
	Epochs      int
	ResumedFrom int // the checkpoint's epoch, 0 if it started afresh
	WallSeconds float64
	Final       map[string]float64 // the last report's metrics
	Reports     int                // progress reports in the history
}

// Train trains a learner and registers its weights with their history
// (HistoryFile) and lineage. Checkpoints are kept under the registry's
// checkpoints/NAME/ while it runs, so a killed training resumes (see
// Resume) and ends with the same weights as an uninterrupted one.
func Train(ctx context.Context, env *steps.Env, spec TrainSpec) (TrainResult, error) {
	var res TrainResult
	if err := registry.ValidateName(spec.Name); err != nil {
		return res, usagef("name: %v", err)
	}
	if spec.CheckpointEvery < 0 {
		return res, usagef("checkpoint-every must not be negative")
	}
	where, err := stepdata.ParseWhere(spec.Where)
	if err != nil {
		return res, err
	}
	store, err := env.Registry()
	if err != nil {
		return res, err
	}
	in, err := trainInputs(store, spec, where)
	if err != nil {
		return res, err
	}
	h, release := env.PluginHost()
	defer release()
	l, err := h.Learner(ctx, spec.Learner)
	if err != nil {
		return res, err
	}
	defer l.Kill()
	if err := spec.Planned.Check(spec.Learner, l.SHA256); err != nil {
		return res, err
	}
	res.Learner = l.Name
	req, err := trainRequest(l, spec, in)
	if err != nil {
		return res, err
	}
	epochs := int(req.Hyper["epochs"])

	// One directory per training (name and fingerprint), and in it one
	// per attempt, so that trainings, and attempts at one training,
	// running side by side never touch each other's checkpoints.
	key := spec.Key
	if key == "" {
		key = TrainingKey(l.SHA256, req, in.digests, spec.Where)
	}
	ck := newCheckpointDir(filepath.Join(store.WorkDir(), "checkpoints", spec.Name, key[:16]), env.HolderID(), key)
	var last sdk.Progress
	rec := &trainRecorder{last: &last, ck: &ck}
	defer rec.closeLive()
	if spec.Resume != ResumeNever {
		if err := resume(env, spec, &ck, &req, &res, rec, epochs); err != nil {
			return res, err
		}
	}

	start := time.Now()
	bar := env.Tracker().Start("training "+spec.Name, "epochs", int64(epochs))
	bar.Add(int64(res.ResumedFrom))
	env.Metrics.SetInfo("train", "", l.Name, env.Build.Version)
	rec.bar, rec.epoch, rec.epochs = bar, res.ResumedFrom, epochs
	rec.metrics = env.Metrics.Trainer(l.Name, res.ResumedFrom, epochs)
	weights, err := l.Train(ctx, req, rec)
	if err != nil {
		bar.Abort()
		if rec.saved > 0 {
			// rgml train resumes when told to; rgml run (and its Slurm
			// jobs) always does, and has no --resume.
			how := "continue with the same command and --resume"
			if spec.Resume == ResumeIfAny {
				how = "run the same command again: it resumes from there"
			}
			err = fmt.Errorf("%w (last checkpoint: epoch %d; %s)", err, rec.saved, how)
		}
		return res, err
	}
	bar.Done()
	res.WallSeconds = time.Since(start).Seconds()
	return registerTraining(ctx, env, store, spec, l, req, in, weights, rec, &ck, res)
}

// trainData is what a training reads from the registry.
type trainData struct {
	data    sdk.Dataset
	test    *sdk.Dataset
	digests []string
	inputs  []registry.Input
}

func trainInputs(store *registry.Store, spec TrainSpec, where []grid.Axis) (trainData, error) {
	data, dataEntry, err := stepdata.LoadDataset(store, spec.Data)
	if err != nil {
		return trainData{}, err
	}
	if data, err = stepdata.FilterDataset(data, where); err != nil {
		return trainData{}, err
	}
	in := trainData{data: data, digests: []string{dataEntry.Digest}, inputs: []registry.Input{{Role: "data", Digest: dataEntry.Digest}}}
	if spec.Test != "" {
		t, en, err := stepdata.LoadDataset(store, spec.Test)
		if err != nil {
			return trainData{}, err
		}
		in.test = &t
		in.digests = append(in.digests, en.Digest)
		in.inputs = append(in.inputs, registry.Input{Role: "test", Digest: en.Digest})
	}
	return in, nil
}

// trainRequest is the learner's request, checked against its description.
func trainRequest(l *host.Learner, spec TrainSpec, in trainData) (sdk.TrainRequest, error) {
	req := sdk.TrainRequest{Hyper: spec.Hyper, Seed: spec.Seed, Train: in.data, Test: in.test}
	if l.Desc.NeedsLabel {
		req.Label = spec.Label
		if req.Label == "" {
			if req.Label = stepdata.GroupLabel(in.data.Labels); req.Label == "" {
				return req, steps.Usage(fmt.Errorf("label: %s learns a label, and the data vary in %s, not in one label: say which", l.Name, orNone(stepdata.VaryingLabels(in.data.Labels))))
			}
		}
	} else {
		// An unsupervised learner would ignore both, and the lineage
		// would record a test set that was never used.
		if spec.Label != "" {
			return req, steps.Usage(fmt.Errorf("label: %s is unsupervised and learns no label; drop the label", l.Name))
		}
		if in.test != nil {
			return req, steps.Usage(fmt.Errorf("test: %s is unsupervised and computes no test loss (supervised learners such as thermometer do); drop the test set", l.Name))
		}
	}
	req, err := l.Desc.ValidateTrain(req)
	if err != nil {
		return req, steps.Usage(fmt.Errorf("%s: %w", l.Name, err))
	}
	req.CheckpointEvery = spec.CheckpointEvery
	if req.CheckpointEvery == 0 {
		req.CheckpointEvery = max(1, int(req.Hyper["epochs"])/20)
	}
	return req, nil
}

// resume sets req, res and rec to continue from the newest good
// checkpoint of ck, if any (an error if spec requires one and there is
// none).
func resume(env *steps.Env, spec TrainSpec, ck *checkpointDir, req *sdk.TrainRequest, res *TrainResult, rec *trainRecorder, epochs int) error {
	cp, p, hist, notes, err := ck.load()
	for _, n := range notes {
		fmt.Fprintln(env.ErrWriter(), n)
	}
	switch {
	case errors.Is(err, errNoCheckpoint) && spec.Resume == ResumeRequired:
		return usagef("--resume: no checkpoint of this training (same name, learner binary, settings, seed and data) in %s: nothing to resume (run without --resume)", filepath.Dir(ck.root))
	case errors.Is(err, errNoCheckpoint):
		if len(notes) > 0 {
			fmt.Fprintf(env.ErrWriter(), "starting %s from the start: no good checkpoint is left\n", spec.Name)
		}
		return nil
	case err != nil:
		return err
	}
	req.Resume = cp
	res.ResumedFrom = cp.Epoch
	rec.history = hist
	if len(hist) > 0 {
		rec.offset = hist[len(hist)-1].WallSeconds
	}
	// A checkpoint of the final epoch leaves the learner nothing to
	// do and so nothing to report: its saved losses are the final ones.
	if p != nil {
		*rec.last = sdk.Progress{Epoch: p.Epoch, Epochs: epochs, Metrics: p.Metrics}
	} else {
		rec.last.Epoch = cp.Epoch
	}
	if len(notes) > 0 {
		fmt.Fprintf(env.ErrWriter(), "resuming %s from epoch %d, the newest good checkpoint\n", spec.Name, cp.Epoch)
	} else {
		fmt.Fprintf(env.ErrWriter(), "resuming %s from epoch %d\n", spec.Name, cp.Epoch)
	}
	return nil
}

// CheckWeights refuses trained weights that flow and predict would
// fail on or, worse, read without failing: a tensor of d's WeightNames
// missing, or a float that is not finite. Tensors beyond WeightNames are
// kept: learners return optional ones (the RBM's c_v and states, the
// thermometer's states) that the description has no field to declare.
func CheckWeights(d sdk.LearnerDescription, weights []sdk.Tensor) error {
	for _, name := range d.WeightNames {
		if _, ok := sdk.FindTensor(weights, name); !ok {
			return fmt.Errorf("no weight tensor %q, which its description names", name)
		}
	}
	for _, t := range weights {
		if i, v, ok := firstNonFinite(t.Data); ok {
			return fmt.Errorf("weight tensor %q with %v at element %d", t.Name, v, i)
		}
	}
	return nil
}

// firstNonFinite returns the first NaN or ±Inf of a float tensor's data.
func firstNonFinite(data any) (int, float64, bool) {
	switch x := data.(type) {
	case []float64:
		if i, bad := stepdata.NonFinite(x); bad {
			return i, x[i], true
		}
	case []float32:
		for i, v := range x {
			if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
				return i, f, true
			}
		}
	}
	return 0, 0, false
}

// registerTraining registers the trained weights, if CheckWeights passes,
// with their history and lineage; if the registry fails, the weights are
// kept in the checkpoint folder rather than the work of a whole training
// lost.
func registerTraining(ctx context.Context, env *steps.Env, store *registry.Store, spec TrainSpec, l *host.Learner, req sdk.TrainRequest,
	in trainData, weights []sdk.Tensor, rec *trainRecorder, ck *checkpointDir, res TrainResult) (TrainResult, error) {
	if err := CheckWeights(l.Desc, weights); err != nil {
		return res, fmt.Errorf("plugin %q returned %v: nothing registered", l.Name, err)
	}
	last := *rec.last
	var wbuf bytes.Buffer
	if err := npz.Encode(&wbuf, weights...); err != nil {
		return res, fmt.Errorf("%s returned weights that cannot be saved: %w", l.Name, err)
	}
	hbytes, err := formats.EncodeHistory(formats.HistoryOf(rec.history))
	if err != nil {
		return res, fmt.Errorf("encoding the training history: %w", err)
	}
	m := &registry.Metrics{Epochs: last.Epoch, WallSeconds: res.WallSeconds, FinalLosses: finite(last.Metrics)}
	hp := stepdata.LineageParams(l.Desc.Hyperparameters, req.Hyper)
	extra := map[string]any{"history_reports": len(rec.history)}
	if len(spec.Where) > 0 {
		extra["where"] = spec.Where
	}
	if req.Label != "" {
		extra["label"] = req.Label
	}
	if res.ResumedFrom > 0 {
		extra["resumed_from_epoch"] = res.ResumedFrom
	}
	if env.Threads > 0 {
		extra["threads"] = env.Threads
	}
	lineage := registry.Lineage{
		Plugin:          &registry.PluginRef{Name: l.Desc.Name, Version: l.Desc.Version, SHA256: l.SHA256},
		Host:            env.HostRef(),
		Seed:            req.Seed,
		HyperParameters: hp,
		Datasets:        in.digests,
		Inputs:          in.inputs,
		Key:             spec.Key,
		Samples:         int64(in.data.Len()),
		Metrics:         m,
		Extra:           extra,
	}
	files := []registry.File{{Name: "weights.npz", Data: wbuf.Bytes()}, {Name: HistoryFile, Data: hbytes}}
	entry, err := store.Put(ctx, registry.Model, spec.Name, files, lineage)
	if err != nil {
		// Keep the trained weights rather than the work of a whole training.
		keep := filepath.Join(ck.dir, "weights.npz")
		if os.MkdirAll(ck.dir, 0o755) == nil && os.WriteFile(keep, wbuf.Bytes(), 0o644) == nil {
			return res, fmt.Errorf("registering the weights: %w (the weights are saved in %s)", err, keep)
		}
		return res, fmt.Errorf("registering the weights: %w", err)
	}
	ck.clear()
	res.Entry, res.Samples, res.Epochs, res.Final, res.Reports = entry, in.data.Len(), last.Epoch, last.Metrics, len(rec.history)
	return res, nil
}

// trainRecorder turns training events into progress, history and
// checkpoint files.
type trainRecorder struct {
	bar     progress.Meter
	last    *sdk.Progress
	epoch   int
	ck      *checkpointDir
	saved   int
	metrics *metrics.Trainer
	history []HistoryRow
	offset  float64 // wall seconds of the parts before a resume
	started bool    // the progress file has the history resumed with
	live    *os.File
	// epochs is the training's length; lastLive when a live report was
	// last shown.
	epochs   int
	lastLive time.Time
}

// Bounds on what a learner reports: its kept reports become the history
// (and each checkpoint's copy of it), its metric names that history's
// columns and array names.
const (
	maxMetrics      = 64
	maxMetricName   = 64
	minLiveInterval = 100 * time.Millisecond
)

// check refuses a progress report no training can send: an epoch outside
// 0…epochs, a kept report not after the last kept one (a learner sending
// millions at one epoch grew the host to 2 GB), or metrics with names a
// history cannot hold (an empty one poisoned every checkpoint).
func (r *trainRecorder) check(p sdk.Progress) error {
	// A learner that declares no epochs hyper-parameter (the host sets
	// none) bounds its own training: only its report's count is known.
	if epochs := max(r.epochs, p.Epochs); p.Epoch < 0 || epochs > 0 && p.Epoch > epochs {
		return fmt.Errorf("the learner reported epoch %d of a training of %d epochs", p.Epoch, epochs)
	}
	if n := len(r.history); !p.Live && n > 0 && p.Epoch <= r.history[n-1].Epoch {
		return fmt.Errorf("the learner reported epoch %d for the history after epoch %d: each epoch at most once, in order", p.Epoch, r.history[n-1].Epoch)
	}
	if len(p.Metrics) > maxMetrics {
		return fmt.Errorf("the learner reported %d metrics, more than %d", len(p.Metrics), maxMetrics)
	}
	for name := range p.Metrics {
		if !metricName(name) {
			return fmt.Errorf("the learner reported a metric named %.80q: want 1 to %d letters, digits or _ . -, starting with a letter", name, maxMetricName)
		}
	}
	return nil
}

// metricName reports whether name may name a history's column.
func metricName(name string) bool {
	if name == "" || len(name) > maxMetricName {
		return false
	}
	for i, c := range name {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-')) {
			return false
		}
	}
	return true
}

func (r *trainRecorder) Progress(p sdk.Progress) error {
	if err := r.check(p); err != nil {
		return err
	}
	if p.Epoch > r.epoch {
		r.bar.Add(int64(p.Epoch - r.epoch))
		r.epoch = p.Epoch
	}
	if p.Live {
		if time.Since(r.lastLive) < minLiveInterval {
			return nil // a learner reporting without pause writes no faster
		}
		r.lastLive = time.Now()
	}
	r.bar.Note(progress.Losses(p.Metrics))
	r.metrics.Progress(p.Epoch, p.Samples, p.WallSeconds, p.Metrics)
	r.liveProgress(p)
	if p.Live {
		return nil // shown, not kept: the history holds the scheduled reports only
	}
	*r.last = p
	r.history = append(r.history, rowOf(p, r.offset))
	return nil
}

func (r *trainRecorder) Checkpoint(c sdk.Checkpoint) error {
	var p *savedProgress
	if r.last.Epoch == c.Epoch {
		p = &savedProgress{Epoch: c.Epoch, Metrics: finite(r.last.Metrics)} // JSON has no NaN
	}
	if err := r.ck.save(c, p, r.history); err != nil {
		return fmt.Errorf("saving the checkpoint of epoch %d: %w", c.Epoch, err)
	}
	r.saved = c.Epoch
	return nil
}

// usagef is spec.Usagef, whose package name the functions above give to
// their TrainSpec.
func usagef(format string, args ...any) error { return spec.Usagef(format, args...) }
