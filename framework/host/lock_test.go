//go:build linux

package host_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/host"
)

// A lock file replaced by a FIFO, a symlink to /dev/zero or a huge file
// is refused at once with a one-line error, not waited on or read whole.
func TestReadLockSpecialFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.lock")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	zero := filepath.Join(dir, "zero.lock")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.lock")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 1<<40); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	for _, p := range []string{fifo, zero, big} {
		done := make(chan error, 1)
		go func() { _, err := host.ReadLock(p); done <- err }()
		select {
		case err := <-done:
			if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), p) {
				t.Errorf("ReadLock(%s): %v; want a one-line error naming the file", filepath.Base(p), err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("ReadLock(%s) still running after 5 s", filepath.Base(p))
		}
	}
}
