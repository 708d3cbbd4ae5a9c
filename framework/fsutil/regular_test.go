//go:build unix

package fsutil

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Only regular files are read, and only up to the limit; a FIFO is
// refused without waiting for a writer.
func TestReadRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		max  int64
		want string
	}{
		{fifo, 100, "is a named pipe (FIFO), not a regular file"},
		{"/dev/null", 100, "is a device, not a regular file"},
		{dir, 100, "is a directory, not a regular file"},
		{file, 9, "is 10 bytes, more than the limit of 9"},
		{file, 10, ""},
	} {
		done := make(chan struct{})
		var b []byte
		var err error
		go func() { defer close(done); b, err = ReadRegular(tc.path, tc.max) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: still reading after 5 s", tc.path)
		}
		if tc.want == "" {
			if err != nil || string(b) != "0123456789" {
				t.Errorf("%s: %q, %v", tc.path, b, err)
			}
		} else if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.path, err, tc.want)
		}
	}
}
