package host

import (
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A plugin path that became a named pipe after discovery (a symlink
// swapped) is refused, not waited on: opening a FIFO for reading blocks
// until a writer comes.
func TestStageRefusesFIFO(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("mkfifo")
	}
	fifo := filepath.Join(t.TempDir(), BinaryPrefix+"fifo")
	if err := syscall.Mkfifo(fifo, 0o755); err != nil {
		t.Fatal(err)
	}
	h := New(Config{Dir: t.TempDir()})
	defer h.Close()
	done := make(chan error, 1)
	go func() {
		s, err := h.stage(fifo)
		s.remove()
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "named pipe") {
			t.Errorf("stage of a FIFO: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("stage of a FIFO still waiting after 10 s")
	}
}

// Hashing a plugin path that became a FIFO (as planning and `plugins
// lock` do) is refused, not waited on.
func TestFileSHA256RefusesFIFO(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("mkfifo")
	}
	fifo := filepath.Join(t.TempDir(), BinaryPrefix+"fifo")
	if err := syscall.Mkfifo(fifo, 0o755); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := FileSHA256(fifo); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "named pipe") {
			t.Errorf("FileSHA256 of a FIFO: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("FileSHA256 of a FIFO still waiting after 10 s")
	}
}
