//go:build unix

package train

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// A running training is listed from its first checkpoint on, and its
// history is read past a given epoch from its newest checkpoint; an
// attempt whose process is gone is not listed; a training whose
// checkpoints are cleared has ended.
func TestLiveTrainingsFollowCheckpoints(t *testing.T) {
	s, err := registry.Open(filepath.Join(t.TempDir(), "registry"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip(err)
	}
	root := filepath.Join(s.WorkDir(), "checkpoints", "net", "0123456789abcdef")
	own := newCheckpointDir(root, registry.NewHolder(), "key")
	gone := newCheckpointDir(root, holderOf(dead.Process.Pid), "key")
	if l, err := LiveTrainings(s); err != nil || len(l) != 0 {
		t.Fatalf("before any checkpoint: %v, %v", l, err)
	}
	var hist []HistoryRow
	save := func(d checkpointDir, epoch int) {
		for e := len(hist) + 1; e <= epoch; e++ {
			hist = append(hist, HistoryRow{Epoch: e, Metrics: map[string]float64{"loss": 1 / float64(e)}})
		}
		c := sdk.Checkpoint{Epoch: epoch, Tensors: []npz.Array{{Name: "W", Shape: []int{1}, Data: []float32{1}}}}
		if err := d.save(c, nil, hist); err != nil {
			t.Fatal(err)
		}
	}
	save(gone, 2)
	hist = nil
	save(own, 3)
	l, err := LiveTrainings(s)
	if err != nil || len(l) != 1 || l[0].Name != "net" || l[0].Epoch != 3 || l[0].Attempt != filepath.Base(own.dir) {
		t.Fatalf("LiveTrainings = %+v, %v; want only this process's attempt at net, epoch 3", l, err)
	}
	byID, ok := LiveTrainingByID(s, l[0].ID())
	if !ok || byID.Dir != own.dir {
		t.Fatalf("LiveTrainingByID(%q) = %+v, %v", l[0].ID(), byID, ok)
	}
	for _, bad := range []string{"net/../x", "../../etc", "net/0123456789abcdef", ""} {
		if _, ok := LiveTrainingByID(s, bad); ok {
			t.Errorf("LiveTrainingByID(%q) found an attempt", bad)
		}
	}
	rows, epoch, err := LiveHistory(byID, -1)
	if err != nil || epoch != 3 || len(rows) != 3 {
		t.Fatalf("LiveHistory(-1) = %d rows, epoch %d, %v; want 3 rows to epoch 3", len(rows), epoch, err)
	}
	if rows, epoch, _ = LiveHistory(byID, 3); len(rows) != 0 || epoch != 3 {
		t.Errorf("nothing new: %d rows, epoch %d", len(rows), epoch)
	}
	save(own, 6)
	if rows, epoch, _ = LiveHistory(byID, 3); len(rows) != 3 || rows[0].Epoch != 4 || epoch != 6 {
		t.Errorf("after epoch 6: %+v, epoch %d; want epochs 4-6", rows, epoch)
	}
	own.clear()
	if _, _, err := LiveHistory(byID, 6); !errors.Is(err, ErrTrainingEnded) {
		t.Errorf("after clear: %v, want ErrTrainingEnded", err)
	}
	if _, err := os.Stat(own.dir); err == nil {
		if l, _ := LiveTrainings(s); len(l) != 0 {
			t.Errorf("after clear still listed: %+v", l)
		}
	}
}
