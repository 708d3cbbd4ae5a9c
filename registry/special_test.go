//go:build linux

package registry

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// replaceBlob puts a FIFO, or a symlink to /dev/zero, where the blob
// at p was.
func replaceBlob(t *testing.T, p, with string) {
	t.Helper()
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	switch with {
	case "fifo":
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
		// A reader stuck in open (the bug) is let go.
		t.Cleanup(func() {
			if w, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
		})
	case "zero":
		if err := os.Symlink("/dev/zero", p); err != nil {
			t.Fatal(err)
		}
	}
}

// within runs f and fails the test if it has not returned after 5 s.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s still running after 5 s", what)
	}
}

// A blob, or a manifest, replaced by a FIFO or by a symlink to a device
// is refused at once by reads and reported by verify, without waiting
// for a writer that never comes or reading a file that never ends.
func TestSpecialFileBlob(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		for _, with := range []string{"fifo", "zero"} {
			for _, file := range []string{"data.bin", ManifestFile} {
				t.Run(with+"/"+file, func(t *testing.T) {
					s := newStore(t)
					e := put(t, s, Dataset, "d", Lineage{})
					d := e.Digest
					if f, ok := e.File(file); ok {
						d = f.Digest
					}
					p := blobOf(t, s, d)
					replaceBlob(t, p, with)

					var before, after runtime.MemStats
					runtime.GC()
					runtime.ReadMemStats(&before)
					var rerr, verr error
					var problems []Problem
					within(t, "ReadFile", func() { _, rerr = s.ReadFile(e, file) })
					within(t, "Verify", func() { problems, verr = s.Verify(context.Background()) })
					var xerr error
					if file != ManifestFile {
						within(t, "Export", func() { xerr = s.Export(e, filepath.Join(t.TempDir(), "out")) })
						if xerr == nil || strings.Contains(xerr.Error(), "\n") {
							t.Errorf("Export: %v; want a one-line error", xerr)
						}
					}
					runtime.ReadMemStats(&after)
					if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
						t.Errorf("reading and verifying allocated %d MiB", grew>>20)
					}

					if rerr == nil || strings.Contains(rerr.Error(), "\n") || !strings.Contains(rerr.Error(), "not a regular file") {
						t.Errorf("ReadFile: %v; want a one-line error saying the blob is not a regular file", rerr)
					}
					if verr != nil {
						t.Fatal(verr)
					}
					found := false
					for _, pr := range problems {
						if pr.Path == p {
							if pr.Kind != ProblemUnreadable || !strings.Contains(pr.Detail, "not a regular file") || len(pr.Used) == 0 {
								t.Errorf("verify: %s; want it unreadable, not a regular file, and who uses it", pr)
							}
							found = true
						}
					}
					if !found {
						t.Errorf("verify did not report %s: %v", filepath.Base(p), problems)
					}
				})
			}
		}
	})
}
