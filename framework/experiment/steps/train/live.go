package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/fsutil"
	"github.com/rgml/rgml/registry"
)

// LiveTraining is one attempt at a training that is still running: a
// training registers nothing until it ends, but it appends each report
// to a progress file (steps.LiveFile) beside its checkpoints, and every
// checkpoint it saves carries its history so far (checkpoint.go), so
// that is what a viewer can follow while it runs.
type LiveTraining struct {
	Name    string    // the training's name (the entry it will register)
	Attempt string    // the process's lease holder id
	Dir     string    // the attempt's checkpoint folder
	Epoch   int       // of its newest report (or checkpoint)
	Saved   time.Time // when that was written (its file's time)
	// Progress: it writes a progress file (steps.LiveFile), to be tailed;
	// else only its checkpoints' histories show it.
	Progress bool
}

// ID names the attempt in a URL or a file name: NAME/KEY/ATTEMPT under
// the registry's checkpoints folder.
func (l LiveTraining) ID() string {
	return filepath.ToSlash(filepath.Join(l.Name, filepath.Base(filepath.Dir(l.Dir)), l.Attempt))
}

// LiveTrainings lists the attempts at trainings whose checkpoints are in
// s's checkpoints folder and whose process is not known to be gone (one
// of another machine counts as running), newest report first, from its
// first report on.
func LiveTrainings(s *registry.Store) ([]LiveTraining, error) {
	root := filepath.Join(s.WorkDir(), "checkpoints")
	attempts, err := filepath.Glob(filepath.Join(root, "*", "*", "*"))
	if err != nil {
		return nil, err
	}
	var out []LiveTraining
	for _, dir := range attempts {
		attempt := filepath.Base(dir)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() || registry.HolderGone(attempt) {
			continue
		}
		l, ok := liveTrainingAt(dir)
		if !ok {
			continue
		}
		out = append(out, l)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Saved.After(out[j].Saved) })
	return out, nil
}

// LiveTrainingByID returns the attempt LiveTraining.ID names, and false
// when it has neither report nor checkpoint (it ended, and cleared them,
// or never was).
func LiveTrainingByID(s *registry.Store, id string) (LiveTraining, bool) {
	parts := strings.Split(id, "/")
	if len(parts) != 3 {
		return LiveTraining{}, false
	}
	if !steps.SafeParts(parts) {
		return LiveTraining{}, false
	}
	return liveTrainingAt(filepath.Join(s.WorkDir(), "checkpoints", parts[0], parts[1], parts[2]))
}

// liveTrainingAt is the attempt whose folder is dir, from its progress
// file (steps.LiveFile) or else its newest checkpoint (an rgml before progress
// files); false when it has neither.
func liveTrainingAt(dir string) (LiveTraining, bool) {
	l := LiveTraining{Name: filepath.Base(filepath.Dir(filepath.Dir(dir))), Attempt: filepath.Base(dir), Dir: dir}
	if r, saved, ok := steps.LastLiveRow(filepath.Join(dir, steps.LiveFile)); ok {
		l.Epoch, l.Saved, l.Progress = r.Epoch, saved, true
		return l, true
	}
	epoch, meta := newestCheckpointMeta(dir)
	if meta == "" {
		return LiveTraining{}, false
	}
	l.Epoch = epoch
	if fi, err := os.Stat(meta); err == nil {
		l.Saved = fi.ModTime()
	}
	return l, true
}

// newestCheckpointMeta returns the epoch and path of the newest
// ckpt-EPOCH.json in dir ("" if none).
func newestCheckpointMeta(dir string) (int, string) {
	names, _ := os.ReadDir(dir)
	best, path := -1, ""
	for _, n := range names {
		if e, ok := ckptEpoch(n.Name(), ".json"); ok && e > best {
			best, path = e, filepath.Join(dir, n.Name())
		}
	}
	return best, path
}

// ErrTrainingEnded: the attempt's checkpoints are gone; the training
// ended (and registered its entry, or failed) or was cleared.
var ErrTrainingEnded = errors.New("the training's checkpoints are gone: it ended")

// LiveHistory returns the rows of the training history the newest
// checkpoint of l holds past epoch after, and that checkpoint's epoch
// (after itself when there is no newer one, so nothing is read).
func LiveHistory(l LiveTraining, after int) (rows []HistoryRow, epoch int, err error) {
	// Pruning removes an older checkpoint while it is read: look again.
	for range 3 {
		epoch, meta := newestCheckpointMeta(l.Dir)
		if meta == "" {
			return nil, after, ErrTrainingEnded
		}
		if epoch <= after {
			return nil, after, nil
		}
		b, err := fsutil.ReadRegular(meta, maxCheckpointMeta)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, after, err
		}
		var m checkpointMeta
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, after, fmt.Errorf("checkpoint %s: %w", meta, err)
		}
		for _, r := range m.History {
			if r.Epoch > after && r.Epoch <= m.Epoch {
				rows = append(rows, r)
			}
		}
		return rows, m.Epoch, nil
	}
	return nil, after, nil
}
