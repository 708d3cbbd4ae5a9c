package experiment

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/rgml/rgml/framework/fsutil"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
)

// TrainingKey fingerprints everything that determines a training's
// result, so that a resume refuses a checkpoint of a different training:
// the learner binary, seed, label, hyper-parameters, data digests and
// selections. (`rgml run` uses the step key instead.)
func TrainingKey(pluginSHA string, req sdk.TrainRequest, digests, where []string) string {
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
// usable checkpoint. The history up to the checkpoint is kept in
// latest.json too, so a resumed training's history continues it.
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
	// History is every report up to the checkpoint.
	History []HistoryRow `json:"history,omitempty"`
}

type savedProgress struct {
	Epoch   int                `json:"epoch"`
	Metrics map[string]float64 `json:"metrics"`
}

func (d *checkpointDir) save(c sdk.Checkpoint, p *savedProgress, hist []HistoryRow) error {
	if err := os.MkdirAll(d.dir, 0o755); err != nil {
		return err
	}
	file := fmt.Sprintf("ckpt-%d.npz", c.Epoch)
	if err := npz.WriteFile(filepath.Join(d.dir, file), c.Tensors...); err != nil {
		return err
	}
	old, _ := d.meta()
	m := checkpointMeta{Key: d.key, Epoch: c.Epoch, File: file, Saved: time.Now().UTC(), Progress: p, History: finiteRows(hist)}
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

// errNoCheckpoint: there is nothing to resume.
var errNoCheckpoint = errors.New("no checkpoint")

func (d *checkpointDir) load() (*sdk.Checkpoint, *savedProgress, []HistoryRow, error) {
	m, err := d.meta()
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil, errNoCheckpoint
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("checkpoint %s is unreadable: %w", d.dir, err)
	}
	if m.Key != d.key {
		return nil, nil, nil, usagef("--resume: the checkpoint in %s belongs to a training with other settings, data or plugin binary; resume with the original command, or start afresh without --resume", d.dir)
	}
	ts, err := npz.ReadFile(filepath.Join(d.dir, m.File))
	if err != nil {
		return nil, nil, nil, fmt.Errorf("--resume: %w", err)
	}
	p := m.Progress
	if p != nil && p.Epoch != m.Epoch {
		p = nil
	}
	var hist []HistoryRow
	for _, r := range m.History {
		if r.Epoch <= m.Epoch {
			hist = append(hist, r)
		}
	}
	return &sdk.Checkpoint{Epoch: m.Epoch, Tensors: ts}, p, hist, nil
}

func (d *checkpointDir) clear() { os.RemoveAll(d.dir) }
