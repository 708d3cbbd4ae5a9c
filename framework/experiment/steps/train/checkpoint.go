package train

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/fsutil"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
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

// checkpointDir holds the checkpoints of one training (one key) under
// root: each attempt at it (a process, named by its lease holder id)
// writes only into root/ATTEMPT/, so attempts never touch each other's
// files, while a resume looks through every attempt's folder for the
// newest good checkpoint (a killed attempt's included). A checkpoint is
// ckpt-EPOCH.npz (the learner's tensors) and ckpt-EPOCH.json (its
// checkpointMeta, with the sha256 of the .npz), each written atomically;
// an attempt keeps its two newest, so that a damaged one leaves the one
// before it to resume from.
type checkpointDir struct {
	root, dir, key string
}

func newCheckpointDir(root, attempt, key string) checkpointDir {
	return checkpointDir{root: root, dir: filepath.Join(root, attempt), key: key}
}

type checkpointMeta struct {
	Key   string    `json:"key"`
	Epoch int       `json:"epoch"`
	File  string    `json:"file"`
	Saved time.Time `json:"saved"`
	// SHA256 is the hex sha256 of File ("" in checkpoints of older rgml).
	SHA256 string `json:"sha256,omitempty"`
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

// keepCheckpoints is how many checkpoints an attempt keeps.
const keepCheckpoints = 2

func (d *checkpointDir) save(c sdk.Checkpoint, p *savedProgress, hist []HistoryRow) error {
	if err := os.MkdirAll(d.dir, 0o755); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := npz.Encode(&buf, c.Tensors...); err != nil {
		return err
	}
	sum := sha256.Sum256(buf.Bytes())
	base := fmt.Sprintf("ckpt-%d", c.Epoch)
	if err := fsutil.WriteFileAtomic(filepath.Join(d.dir, base+".npz"), func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
		return err
	}
	m := checkpointMeta{Key: d.key, Epoch: c.Epoch, File: base + ".npz", Saved: time.Now().UTC(), SHA256: hex.EncodeToString(sum[:]), Progress: p, History: finiteRows(hist)}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := fsutil.WriteFileAtomic(filepath.Join(d.dir, base+".json"), func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
		return err
	}
	d.prune()
	return nil
}

// prune removes this attempt's checkpoints but the newest keepCheckpoints
// (the .json first: a checkpoint without its .npz would look damaged).
func (d *checkpointDir) prune() {
	names, _ := filepath.Glob(filepath.Join(d.dir, "ckpt-*.json"))
	var epochs []int
	for _, n := range names {
		if e, ok := ckptEpoch(filepath.Base(n), ".json"); ok {
			epochs = append(epochs, e)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(epochs)))
	for _, e := range epochs[min(len(epochs), keepCheckpoints):] {
		os.Remove(filepath.Join(d.dir, fmt.Sprintf("ckpt-%d.json", e)))
		os.Remove(filepath.Join(d.dir, fmt.Sprintf("ckpt-%d.npz", e)))
	}
}

// ckptEpoch reads EPOCH from a file name ckpt-EPOCH.ext.
func ckptEpoch(name, ext string) (int, bool) {
	s, ok := strings.CutPrefix(name, "ckpt-")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, ext)
	if !ok {
		return 0, false
	}
	e, err := strconv.Atoi(s)
	return e, err == nil
}

// errNoCheckpoint: there is nothing to resume.
var errNoCheckpoint = errors.New("no checkpoint")

// candidate is one checkpoint found on disk.
type candidate struct {
	meta     string // its .json (latest.json in the layout of older rgml)
	m        checkpointMeta
	damaged  string // why it cannot be used, "" if it may be
	setAside []string
}

// load returns the newest good checkpoint of any attempt. A damaged one
// (unreadable meta, an .npz missing, not matching its sha256 or not
// decoding) is renamed NAME.damaged-TIME, not deleted, and reported in
// notes, one line each; the search goes on with the one before it.
func (d *checkpointDir) load() (cp *sdk.Checkpoint, p *savedProgress, hist []HistoryRow, notes []string, err error) {
	metas, _ := filepath.Glob(filepath.Join(d.root, "*", "ckpt-*.json"))
	metas = append(metas, filepath.Join(d.root, "latest.json")) // rgml before attempt folders
	var cands []*candidate
	for _, path := range metas {
		b, err := fsutil.ReadRegular(path, maxCheckpointMeta)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		c := &candidate{meta: path}
		var pe *fs.PathError
		if err != nil && (isNotRegular(path) || errors.As(err, &pe) && pe.Op == "read") {
			// A FIFO or device in its place, or too large: damaged, set
			// aside like any other, not a wedge for every later run.
			c.damaged = "its metadata " + steps.UnwrapPath(err).Error()
		} else if err != nil {
			return nil, nil, nil, notes, fmt.Errorf("checkpoint %s is unreadable: %w", path, err)
		} else if err := json.Unmarshal(b, &c.m); err != nil {
			c.damaged = "its metadata is not JSON: " + err.Error()
		} else if c.m.File == "" || filepath.Base(c.m.File) != c.m.File {
			c.damaged = fmt.Sprintf("its metadata names no checkpoint file (%q)", c.m.File)
		} else {
			c.setAside = []string{filepath.Join(filepath.Dir(path), c.m.File)}
		}
		c.setAside = append(c.setAside, path)
		cands = append(cands, c)
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.m.Epoch != b.m.Epoch {
			return a.m.Epoch > b.m.Epoch
		}
		return a.m.Saved.After(b.m.Saved)
	})
	for _, c := range cands {
		if c.damaged == "" && c.m.Key != d.key {
			return nil, nil, nil, notes, usagef("--resume: the checkpoint in %s belongs to a training with other settings, data or plugin binary; resume with the original command, or start afresh without --resume", filepath.Dir(c.meta))
		}
		var ts []npz.Array
		if c.damaged == "" {
			ts, c.damaged, err = readCheckpoint(filepath.Join(filepath.Dir(c.meta), c.m.File), c.m.SHA256)
			if err != nil {
				return nil, nil, nil, notes, err
			}
		}
		if c.damaged != "" {
			notes = append(notes, setAside(c))
			continue
		}
		p := c.m.Progress
		if p != nil && p.Epoch != c.m.Epoch {
			p = nil
		}
		for _, r := range c.m.History {
			if r.Epoch <= c.m.Epoch {
				hist = append(hist, r)
			}
		}
		return &sdk.Checkpoint{Epoch: c.m.Epoch, Tensors: ts}, p, hist, notes, nil
	}
	return nil, nil, nil, notes, errNoCheckpoint
}

// readCheckpoint reads a checkpoint's tensors; damaged says why they
// cannot be used, err is for a file that cannot be read at all.
func readCheckpoint(path, sum string) (ts []npz.Array, damaged string, err error) {
	b, err := fsutil.ReadRegular(path, maxCheckpointBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "its file " + filepath.Base(path) + " is missing", nil
	}
	if err != nil && isNotRegular(path) {
		return nil, "its file " + filepath.Base(path) + " " + steps.UnwrapPath(err).Error(), nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("checkpoint %s is unreadable: %w", path, err)
	}
	if sum != "" {
		if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != sum {
			return nil, "its bytes do not match the sha256 saved with it", nil
		}
	}
	ts, err = npz.Decode(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err.Error(), nil
	}
	return ts, "", nil
}

// The bounds of what a checkpoint may hold: its metadata carries the
// training history so far, its .npz the learner's tensors.
const (
	maxCheckpointMeta  = 64 << 20
	maxCheckpointBytes = 4 << 30
)

// isNotRegular reports whether path exists as something other than a
// regular file (a FIFO, a device, a folder).
func isNotRegular(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.Mode().IsRegular()
}

// damagedSuffix and a time follow the name of a file set aside.
const damagedSuffix = ".damaged-"

// setAside renames a damaged checkpoint's files NAME.damaged-TIME and
// returns the line that says so.
func setAside(c *candidate) string {
	suffix := damagedSuffix + time.Now().UTC().Format("20060102T150405Z")
	var moved []string
	for _, f := range c.setAside {
		if os.Rename(f, f+suffix) == nil {
			moved = append(moved, filepath.Base(f)+suffix)
		}
	}
	what := c.meta
	if len(c.setAside) > 1 {
		what = c.setAside[0]
	}
	c.damaged = strings.Join(strings.Fields(c.damaged), " ")
	if len(moved) == 0 {
		return fmt.Sprintf("checkpoint %s is damaged (%s) and could not be set aside", what, c.damaged)
	}
	return fmt.Sprintf("checkpoint %s is damaged (%s): set aside as %s", what, c.damaged, strings.Join(moved, ", "))
}

// clear removes the checkpoints of a finished training: this attempt's,
// and those of attempts whose process is gone (one killed, which this
// one may have resumed from), but not those of an attempt that may still
// be running (a second `rgml train` of the same training, here or on
// another machine), which it still needs and removes itself when it
// ends; nor those set aside as damaged: they are the user's to look at.
func (d *checkpointDir) clear() {
	attempts, _ := os.ReadDir(d.root)
	for _, a := range attempts {
		dir := filepath.Join(d.root, a.Name())
		if !a.IsDir() {
			if !strings.Contains(a.Name(), damagedSuffix) {
				os.Remove(dir) // of rgml before attempt folders
			}
			continue
		}
		if dir != d.dir && !registry.HolderGone(a.Name()) {
			continue
		}
		files, _ := os.ReadDir(dir)
		for _, f := range files {
			if !strings.Contains(f.Name(), damagedSuffix) {
				os.RemoveAll(filepath.Join(dir, f.Name()))
			}
		}
		os.Remove(dir) // unless damaged checkpoints are kept in it
	}
	// Each only if empty: another attempt or key may still use them.
	os.Remove(d.root)
	os.Remove(filepath.Dir(d.root))
}
