//go:build unix

package experiment

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rgml/rgml/registry"
)

// holderOf is a holder id of this machine naming process pid.
func holderOf(pid int) string {
	h := registry.NewHolder()
	return strings.Replace(h, "-"+strconv.Itoa(os.Getpid())+"-", "-"+strconv.Itoa(pid)+"-", 1)
}

// A training that finishes removes its own checkpoints and those of
// attempts whose process is gone, never those of an attempt still
// running (two `rgml train` of one name and settings at once).
func TestCheckpointClearSparesLiveAttempts(t *testing.T) {
	live := exec.Command("sleep", "60")
	if err := live.Start(); err != nil {
		t.Skip(err)
	}
	defer func() { live.Process.Kill(); live.Wait() }()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip(err)
	}

	training := filepath.Join(t.TempDir(), "checkpoints", "net")
	root := filepath.Join(training, "0123456789abcdef")
	own, other, gone := registry.NewHolder(), holderOf(live.Process.Pid), holderOf(dead.Process.Pid)
	for _, a := range []string{own, other, gone} {
		dir := filepath.Join(root, a)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"ckpt-3.npz", "ckpt-3.json"} {
			if err := os.WriteFile(filepath.Join(dir, f), []byte(a), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}

	d := newCheckpointDir(root, own, "key")
	d.clear()
	for a, want := range map[string]bool{own: false, other: true, gone: false} {
		_, err := os.Stat(filepath.Join(root, a, "ckpt-3.npz"))
		if got := err == nil; got != want {
			t.Errorf("after clear, checkpoint of attempt %s present: %v, want %v", a, got, want)
		}
	}

	// The last attempt to finish leaves nothing behind.
	d = newCheckpointDir(root, other, "key")
	d.clear()
	if _, err := os.Stat(training); !os.IsNotExist(err) {
		t.Errorf("after the last attempt's clear, %s remains (%v)", training, err)
	}
}
