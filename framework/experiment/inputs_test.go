//go:build unix

package experiment_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/npz/npztest"
)

// Every hostile spec is refused with a usage error, within seconds and
// well under 256 MB of allocations (counted in total, not at the peak).
func TestHostileSpecsAreBounded(t *testing.T) {
	for name, src := range hostileSpecs() {
		t.Run(name, func(t *testing.T) {
			b := []byte(src)
			var err error
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			done := make(chan struct{})
			go func() {
				defer close(done)
				var s *experiment.Spec
				if s, err = experiment.Parse("hostile.yaml", b); err == nil {
					_, err = experiment.NewPlan(t.Context(), s, catalog(t))
				}
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("still parsing after 10 s")
			}
			runtime.ReadMemStats(&after)
			if err == nil || !errors.Is(err, experiment.ErrUsage) {
				t.Errorf("err = %v, want a usage error", err)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 256<<20 {
				t.Errorf("%d MB allocated", n>>20)
			}
			t.Log(err)
		})
	}
}

// The refusals say which bound, and a spec at the bounds still parses.
func TestSpecBoundsMessages(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{strings.Repeat("[", 40) + strings.Repeat("]", 40), "hostile.yaml:1:33: YAML nested more than 32 levels deep"},
		{strings.Repeat("- ", 40) + "0\n", "YAML nested more than 32 levels deep"},
		{strings.Repeat("#", experiment.MaxSpecBytes+1), "the spec is 262145 bytes, more than the limit of 262144 (256 KiB)"},
		{"datasets: [" + strings.Repeat("0,", 30000) + "0]\n", "more than 50000 YAML tokens"},
	} {
		_, err := experiment.Parse("hostile.yaml", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
	src := study + "\n# padding\n" + strings.Repeat("#", experiment.MaxSpecBytes-len(study)-12) + "\n"
	if len(src) != experiment.MaxSpecBytes {
		t.Fatalf("%d bytes", len(src))
	}
	if _, err := experiment.Parse("ok.yaml", []byte(src)); err != nil {
		t.Errorf("a spec of exactly %d bytes: %v", experiment.MaxSpecBytes, err)
	}
}

// An import that names a FIFO, a device that never ends, or an archive of
// zeros whose label lengths disagree with its configurations is refused at
// planning: at once, and without inflating the archive.
func TestPlanImportHostileFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.npz")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	// Unblock an open the fix does not make (the test then fails, not hangs).
	t.Cleanup(func() {
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	bomb, err := npztest.Archive(
		npztest.Entry{Name: "configs", Descr: "|i1", Shape: []int{2, 4}, DataBytes: 8},
		npztest.Entry{Name: "T", Descr: "<f8", Shape: []int{1 << 27}, DataBytes: 1 << 30},
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bomb.npz"), bomb, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	for _, tc := range []struct{ file, want string }{
		{fifo, "is a named pipe (FIFO), not a regular file"},
		{"/dev/zero", "cannot read /dev/zero: is a device, not a regular file"},
		{"bomb.npz", "label T has shape [134217728], want [2]: one value per configuration"},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			s, err := experiment.Parse(filepath.Join(dir, "s.yaml"), []byte("datasets:\n  - name: x\n    import: "+tc.file+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			done := make(chan struct{})
			go func() {
				defer close(done)
				_, err = experiment.NewPlan(t.Context(), s, catalog(t))
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("planning still reading the import after 5 s")
			}
			runtime.ReadMemStats(&after)
			if err == nil || !errors.Is(err, experiment.ErrUsage) || !strings.Contains(err.Error(), "s.yaml:3:5: import: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want a usage error at the import line containing %q", err, tc.want)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 256<<20 {
				t.Errorf("%d MB allocated", n>>20)
			}
		})
	}
}
