package sdk

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// With RGML_CPUPROFILE set, a process writes NAME-PID.pprof into it (a
// gzipped profile); unset, it writes nothing.
func TestStartCPUProfile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvCPUProfile, "")
	StartCPUProfile("off")()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("unset: wrote %v", ents)
	}
	t.Setenv(EnvCPUProfile, dir)
	stop := StartCPUProfile("/some/where/rgml-plugin-x")
	stop()
	paths, _ := filepath.Glob(filepath.Join(dir, "rgml-plugin-x-*.pprof"))
	if len(paths) != 1 {
		t.Fatalf("want one profile, got %v", paths)
	}
	b, err := os.ReadFile(paths[0])
	if err != nil || !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
		t.Fatalf("profile %s: %v, %d bytes, not gzip", paths[0], err, len(b))
	}
	// A folder that is not there: said on stderr, the work goes on.
	t.Setenv(EnvCPUProfile, filepath.Join(dir, "missing"))
	StartCPUProfile("x")()
}
