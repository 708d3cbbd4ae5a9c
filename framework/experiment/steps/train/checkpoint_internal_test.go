//go:build unix

package train

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

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

// A FIFO in place of a checkpoint's metadata or tensors is set aside as
// damaged, not waited on, and does not wedge the training.
func TestCheckpointFIFOIsSetAside(t *testing.T) {
	for _, which := range []string{"ckpt-3.json", "ckpt-3.npz"} {
		t.Run(which, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "0123456789abcdef")
			dir := filepath.Join(root, registry.NewHolder())
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, "ckpt-3.json"), []byte(`{"key":"key","epoch":3,"file":"ckpt-3.npz"}`), 0o644)
			os.Remove(filepath.Join(dir, which))
			if err := syscall.Mkfifo(filepath.Join(dir, which), 0o644); err != nil {
				t.Skip(err)
			}
			type result struct {
				notes []string
				err   error
			}
			done := make(chan result, 1)
			go func() {
				d := newCheckpointDir(root, registry.NewHolder(), "key")
				_, _, _, notes, err := d.load()
				done <- result{notes, err}
			}()
			select {
			case r := <-done:
				if r.err != errNoCheckpoint || len(r.notes) != 1 || !strings.Contains(r.notes[0], "named pipe") {
					t.Errorf("load: %v, notes %q", r.err, r.notes)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("load still waiting on the FIFO after 10 s")
			}
		})
	}
}
