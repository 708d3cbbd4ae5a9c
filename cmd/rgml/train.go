package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/fsutil"
	"github.com/rgml/rgml/framework/metrics"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/progress"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

func trainCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "train",
		Usage: "train a learner on a registered dataset and register the weights",
		Description: "Example (the paper's type V RBM with 64 hidden units):\n" +
			"  rgml train --learner rbm --data paper-train --set hidden=64 --name rbm-v64\n\n" +
			"Hyper-parameters are set with --set NAME=VALUE and checked against the\n" +
			"learner's description (`rgml plugins describe LEARNER`). Checkpoints are\n" +
			"kept in the registry while the training runs; after a crash or a kill,\n" +
			"the same command with --resume continues from the last one and gives the\n" +
			"same weights as an uninterrupted training.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "learner", Usage: "learner plugin, e.g. rbm or thermometer", Required: true, Category: "Learner"},
			&cli.StringSliceFlag{Name: "set", Usage: "hyper-parameter NAME=VALUE (repeatable)", Category: "Learner"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed", Value: 1, Category: "Learner"},
			&cli.StringFlag{Name: "data", Usage: "training dataset (registry reference)", Required: true, Category: "Data"},
			&cli.StringSliceFlag{Name: "where", Usage: "train only on configurations whose label matches NAME=SPEC, e.g. T=0 or T=4:6:0.25 (repeatable)", Category: "Data"},
			&cli.StringFlag{Name: "test", Usage: "held-out dataset for a test loss (registry reference)", Category: "Data"},
			&cli.StringFlag{Name: "label", Usage: "label a supervised learner learns", Value: "T", Category: "Data"},
			&cli.StringFlag{Name: "name", Usage: "register the weights under this name (default: the learner's name)", Category: "Output"},
			&cli.IntFlag{Name: "checkpoint-every", Usage: "epochs between checkpoints (0: about 20 per training)", Category: "Output"},
			&cli.BoolFlag{Name: "resume", Usage: "continue the interrupted training of the same command from its last checkpoint", Category: "Output"},
		},
		Action: func(c *cli.Context) error { return trainAction(c, e) },
	}
}

func trainAction(c *cli.Context, e *env) error {
	if c.NArg() > 0 {
		return usagef("train takes no arguments (got %q)", c.Args().First())
	}
	hyper, err := parseSettings(c.StringSlice("set"))
	if err != nil {
		return err
	}
	name := c.String("name")
	if name == "" {
		name = c.String("learner")
	}
	if err := registry.ValidateName(name); err != nil {
		return usageError{fmt.Errorf("--name: %w", err)}
	}
	if c.Int("checkpoint-every") < 0 {
		return usagef("--checkpoint-every must not be negative")
	}
	store, err := e.openRegistry(c)
	if err != nil {
		return err
	}
	defer store.Close()
	data, dataEntry, err := loadDataset(store, c.String("data"))
	if err != nil {
		return err
	}
	if data, err = filterDataset(data, c.StringSlice("where")); err != nil {
		return err
	}
	digests := []string{dataEntry.Digest}
	var test *sdk.Dataset
	if ref := c.String("test"); ref != "" {
		t, en, err := loadDataset(store, ref)
		if err != nil {
			return err
		}
		test = &t
		digests = append(digests, en.Digest)
	}

	h := e.newHost(c)
	defer h.Close()
	l, err := h.Learner(c.Context, c.String("learner"))
	if err != nil {
		return err
	}
	req := sdk.TrainRequest{Hyper: hyper, Seed: c.Uint64("seed"), Train: data, Test: test}
	if l.Desc.NeedsLabel {
		req.Label = c.String("label")
	} else {
		// An unsupervised learner would ignore both, and the lineage
		// would record a test set that was never used.
		if c.IsSet("label") {
			return usagef("--label: %s is unsupervised and learns no label; drop --label", l.Name)
		}
		if test != nil {
			return usagef("--test: %s is unsupervised and computes no test loss (supervised learners such as thermometer do); drop --test", l.Name)
		}
	}
	if req, err = l.Desc.ValidateTrain(req); err != nil {
		return usageError{fmt.Errorf("%s: %w", l.Name, err)}
	}
	epochs := int(req.Hyper["epochs"])
	req.CheckpointEvery = c.Int("checkpoint-every")
	if req.CheckpointEvery == 0 {
		req.CheckpointEvery = max(1, epochs/20)
	}

	// One directory per training (name and fingerprint), so that trainings
	// running side by side never touch each other's checkpoints.
	key := trainingKey(l.SHA256, req, digests, c.StringSlice("where"))
	ck := checkpointDir{dir: filepath.Join(store.Root(), "checkpoints", name, key[:16]), key: key}
	resumedFrom := 0
	var last sdk.Progress
	if c.Bool("resume") {
		cp, p, err := ck.load()
		if err != nil {
			return err
		}
		req.Resume = cp
		resumedFrom = cp.Epoch
		// A checkpoint of the final epoch leaves the learner nothing to
		// do and so nothing to report: its saved losses are the final ones.
		if p != nil {
			last = sdk.Progress{Epoch: p.Epoch, Epochs: epochs, Metrics: p.Metrics}
		} else {
			last.Epoch = cp.Epoch
		}
		fmt.Fprintf(e.stderr, "resuming %s from epoch %d\n", name, cp.Epoch)
	}

	elapsed := startTimer()
	bar := progress.New(e.stderr, "training "+l.Name, "epochs", int64(epochs), 0)
	bar.Add(int64(resumedFrom))
	e.metrics.SetInfo("train", "", l.Name, version)
	rec := &trainRecorder{bar: bar, last: &last, epoch: resumedFrom, ck: &ck,
		metrics: e.metrics.Trainer(l.Name, resumedFrom, epochs)}
	weights, err := l.Train(c.Context, req, rec)
	if err != nil {
		bar.Abort()
		if rec.saved > 0 {
			err = fmt.Errorf("%w (last checkpoint: epoch %d; continue with the same command and --resume)", err, rec.saved)
		}
		return err
	}
	bar.Done()

	var buf bytes.Buffer
	if err := npz.Encode(&buf, weights...); err != nil {
		return fmt.Errorf("%s returned weights that cannot be saved: %w", l.Name, err)
	}
	metrics := &registry.Metrics{Epochs: last.Epoch, WallSeconds: elapsed().Seconds(), FinalLosses: map[string]float64{}}
	for k, v := range last.Metrics {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			metrics.FinalLosses[k] = v
		}
	}
	hp := map[string]any{}
	for k, v := range req.Hyper {
		hp[k] = v
	}
	extra := map[string]any{}
	if w := c.StringSlice("where"); len(w) > 0 {
		extra["where"] = w
	}
	if req.Label != "" {
		extra["label"] = req.Label
	}
	if resumedFrom > 0 {
		extra["resumed_from_epoch"] = resumedFrom
	}
	lineage := registry.Lineage{
		Plugin:          &registry.PluginRef{Name: l.Desc.Name, Version: l.Desc.Version, SHA256: l.SHA256},
		Host:            hostRef(),
		Seed:            req.Seed,
		HyperParameters: hp,
		Datasets:        digests,
		Samples:         int64(data.Len()),
		Metrics:         metrics,
		Extra:           extra,
	}
	entry, err := store.Put(c.Context, registry.Model, name, []registry.File{{Name: "weights.npz", Data: buf.Bytes()}}, lineage)
	if err != nil {
		// Keep the trained weights rather than the work of a whole training.
		keep := filepath.Join(ck.dir, "weights.npz")
		if os.MkdirAll(ck.dir, 0o755) == nil && os.WriteFile(keep, buf.Bytes(), 0o644) == nil {
			return fmt.Errorf("registering the weights: %w (the weights are saved in %s)", err, keep)
		}
		return fmt.Errorf("registering the weights: %w", err)
	}
	ck.clear()
	fmt.Fprintf(e.stdout, "registered %s: %s on %d configurations, %d epochs in %.1fs; %s\n",
		entry, l.Name, data.Len(), last.Epoch, metrics.WallSeconds, formatMetrics(last.Metrics))
	return nil
}

func formatMetrics(m map[string]float64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %.4g", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// trainRecorder turns training events into progress output and checkpoint
// files.
type trainRecorder struct {
	bar     *progress.Bar
	last    *sdk.Progress
	epoch   int
	ck      *checkpointDir
	saved   int
	metrics *metrics.Trainer
}

func (r *trainRecorder) Progress(p sdk.Progress) error {
	if p.Epoch > r.epoch {
		r.bar.Add(int64(p.Epoch - r.epoch))
		r.epoch = p.Epoch
	}
	*r.last = p
	r.metrics.Progress(p.Epoch, p.Samples, p.WallSeconds, p.Metrics)
	return nil
}

func (r *trainRecorder) Checkpoint(c sdk.Checkpoint) error {
	var p *savedProgress
	if r.last.Epoch == c.Epoch {
		p = &savedProgress{Epoch: c.Epoch, Metrics: map[string]float64{}}
		for k, v := range r.last.Metrics {
			if !math.IsNaN(v) && !math.IsInf(v, 0) { // JSON has no NaN
				p.Metrics[k] = v
			}
		}
	}
	if err := r.ck.save(c, p); err != nil {
		return fmt.Errorf("saving the checkpoint of epoch %d: %w", c.Epoch, err)
	}
	r.saved = c.Epoch
	return nil
}

// trainingKey fingerprints everything that determines a training's result,
// so that --resume refuses a checkpoint of a different training.
func trainingKey(pluginSHA string, req sdk.TrainRequest, digests, where []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "plugin %s\nseed %d\nlabel %s\n", pluginSHA, req.Seed, req.Label)
	for _, n := range req.Hyper.Names() {
		fmt.Fprintf(h, "hyper %s=%v\n", n, req.Hyper[n])
	}
	for _, d := range digests {
		fmt.Fprintf(h, "data %s\n", d)
	}
	for _, w := range where {
		fmt.Fprintf(h, "where %s\n", w)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// checkpointDir keeps the last checkpoint of a running training inside the
// registry directory: ckpt-EPOCH.npz files and latest.json naming the
// current one, each written atomically, so a kill at any point leaves a
// usable checkpoint.
type checkpointDir struct {
	dir, key string
}

type checkpointMeta struct {
	Key   string    `json:"key"`
	Epoch int       `json:"epoch"`
	File  string    `json:"file"`
	Saved time.Time `json:"saved"`
	// Progress is the learner's report of the checkpoint's epoch, when it
	// came before the checkpoint (learners report before checkpointing).
	Progress *savedProgress `json:"progress,omitempty"`
}

type savedProgress struct {
	Epoch   int                `json:"epoch"`
	Metrics map[string]float64 `json:"metrics"`
}

func (d *checkpointDir) save(c sdk.Checkpoint, p *savedProgress) error {
	if err := os.MkdirAll(d.dir, 0o755); err != nil {
		return err
	}
	file := fmt.Sprintf("ckpt-%d.npz", c.Epoch)
	if err := npz.WriteFile(filepath.Join(d.dir, file), c.Tensors...); err != nil {
		return err
	}
	old, _ := d.meta()
	m := checkpointMeta{Key: d.key, Epoch: c.Epoch, File: file, Saved: time.Now().UTC(), Progress: p}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	err = fsutil.WriteFileAtomic(filepath.Join(d.dir, "latest.json"), func(w io.Writer) error { _, err := w.Write(b); return err })
	if err != nil {
		return err
	}
	if old.File != "" && old.File != file {
		os.Remove(filepath.Join(d.dir, old.File))
	}
	return nil
}

func (d *checkpointDir) meta() (checkpointMeta, error) {
	var m checkpointMeta
	b, err := os.ReadFile(filepath.Join(d.dir, "latest.json"))
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(b, &m)
}

func (d *checkpointDir) load() (*sdk.Checkpoint, *savedProgress, error) {
	m, err := d.meta()
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, usagef("--resume: no checkpoint of this training (same name, learner binary, settings, seed and data) in %s: nothing to resume (run without --resume)", filepath.Dir(d.dir))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("--resume: checkpoint %s is unreadable: %w", d.dir, err)
	}
	if m.Key != d.key {
		return nil, nil, usagef("--resume: the checkpoint in %s belongs to a training with other settings, data or plugin binary; resume with the original command, or start afresh without --resume", d.dir)
	}
	ts, err := npz.ReadFile(filepath.Join(d.dir, m.File))
	if err != nil {
		return nil, nil, fmt.Errorf("--resume: %w", err)
	}
	p := m.Progress
	if p != nil && p.Epoch != m.Epoch {
		p = nil
	}
	return &sdk.Checkpoint{Epoch: m.Epoch, Tensors: ts}, p, nil
}

func (d *checkpointDir) clear() { os.RemoveAll(d.dir) }
