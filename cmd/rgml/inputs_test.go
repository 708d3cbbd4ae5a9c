//go:build linux

package main

import (
	"archive/zip"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/npz/npztest"
)

// rgmlProcess runs the rgml binary on args and returns its exit code, its
// stderr and its peak resident memory (rusage). It is killed after limit,
// or as soon as it holds more than 1 GiB, so that a regression fails the
// test instead of hanging it or taking the shared machine's memory.
func rgmlProcess(t *testing.T, limit time.Duration, args ...string) (code int, stderr string, peak int64) {
	t.Helper()
	full := append([]string{"--plugin-dir", pluginDir, "--registry", filepath.Join(t.TempDir(), "registry"), "--metrics-addr", "off"}, args...)
	// Linux keeps the peak memory of the parent's address space, shared
	// until exec, in the child's rusage: shrink the test process and reset
	// its peak (clear_refs 5), so that the child's figure is its own plus
	// at most the test's current size.
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	cmd := exec.Command(rgmlBin, full...)
	var e bytes.Buffer
	cmd.Stderr = &e
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(limit)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
			return cmd.ProcessState.ExitCode(), e.String(), ru.Maxrss << 10 // KiB on Linux
		case <-deadline:
			cmd.Process.Kill()
			<-done
			t.Fatalf("rgml %s: still running after %v (stderr: %s)", strings.Join(args, " "), limit, e.String())
		case <-tick.C:
			if b, err := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/statm"); err == nil {
				if f := strings.Fields(string(b)); len(f) > 1 {
					if pages, _ := strconv.ParseInt(f[1], 10, 64); pages*int64(os.Getpagesize()) > 1<<30 {
						cmd.Process.Kill()
						<-done
						t.Fatalf("rgml %s: more than 1 GiB resident, killed", strings.Join(args, " "))
					}
				}
			}
		}
	}
}

// The probes of a hostile tester, through the real command line: named
// pipes end at once, devices and oversized or overdeep specs and archives
// of zeros are refused with exit 2 and one line, each under 256 MB.
func TestHostileInputsExitTwoBounded(t *testing.T) {
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	write := func(name string, b []byte) string {
		if err := os.WriteFile(path(name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path(name)
	}
	for _, f := range []string{"fifo.yaml", "fifo.npz"} {
		if err := syscall.Mkfifo(path(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	importing := func(name, file string) string {
		return write(name, []byte("datasets:\n  - name: x\n    import: "+file+"\n"))
	}
	bomb, err := npztest.Archive(
		npztest.Entry{Name: "configs", Descr: "|i1", Shape: []int{2, 4}, DataBytes: 8},
		npztest.Entry{Name: "T", Descr: "<f8", Shape: []int{1 << 28}, DataBytes: 2 << 30},
	)
	if err != nil {
		t.Fatal(err)
	}
	write("bomb.npz", bomb)
	var bad bytes.Buffer
	zw := zip.NewWriter(&bad)
	for _, a := range []npz.Array{npz.Int8("configs", []int8{1, -1, 1, 1}, 1, 4), npz.Float64("T", []float64{1}, 1)} {
		name := map[string]string{"configs": "configs.npy", "T": "labels/T.npy"}[a.Name]
		w, _ := zw.Create(name)
		npz.WriteNPY(w, a)
	}
	zw.Close()
	write("badname.npz", bad.Bytes())

	// Written in pieces, so that the test process stays small.
	flat := path("flat.yaml")
	f, err := os.Create(flat)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("datasets: [")
	piece := strings.Repeat("0,", 1<<20)
	for i := 0; i < 25; i++ {
		f.WriteString(piece)
	}
	f.WriteString("0]\n")
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"spec is a FIFO", []string{"run", path("fifo.yaml")}, "is a named pipe (FIFO), not a regular file"},
		{"import of a FIFO", []string{"datasets", "import", path("fifo.npz"), "--name", "x"}, "is a named pipe (FIFO), not a regular file"},
		{"spec imports a FIFO", []string{"run", importing("f.yaml", path("fifo.npz"))}, "is a named pipe (FIFO), not a regular file"},
		{"import of /dev/zero", []string{"datasets", "import", "/dev/zero", "--name", "x"}, "cannot read /dev/zero: is a device, not a regular file"},
		{"spec imports /dev/zero", []string{"run", importing("z.yaml", "/dev/zero")}, "cannot read /dev/zero: is a device, not a regular file"},
		{"spec is /dev/zero", []string{"run", "/dev/zero"}, "is a device, not a regular file"},
		{"nested lists 100 KB", []string{"run", write("deep100.yaml", []byte(strings.Repeat("[", 50<<10)+strings.Repeat("]", 50<<10)))}, "YAML nested more than 32 levels deep"},
		{"nested lists 200 KB", []string{"run", write("deep200.yaml", []byte(strings.Repeat("[", 100<<10)+strings.Repeat("]", 100<<10)))}, "YAML nested more than 32 levels deep"},
		{"flat list 50 MB", []string{"run", flat}, "is 52428814 bytes, more than the limit of 262144"},
		{"import of an npz bomb", []string{"datasets", "import", path("bomb.npz"), "--name", "x"}, "label T has shape [268435456], want [2]"},
		{"spec imports an npz bomb", []string{"run", importing("b.yaml", path("bomb.npz"))}, "label T has shape [268435456], want [2]"},
		{"bad array name", []string{"datasets", "import", path("badname.npz"), "--name", "x"}, `array name "labels/T.npy": want a plain name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stderr, peak := rgmlProcess(t, 20*time.Second, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("exit %d, stderr %q: want exit 2 and one line containing %q", code, stderr, tc.want)
			}
			if peak > 256<<20 {
				t.Errorf("peak memory %d MB, want at most 256 MB", peak>>20)
			}
			t.Logf("peak %d MB: %s", peak>>20, strings.TrimSpace(stderr))
		})
	}
}
