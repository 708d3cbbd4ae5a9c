package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/registry"
)

// TestAnalysisKeyNamesTheModel: an analysis of a registered dataset has
// the model that sampled it measure the configurations, so its key names
// that model's binary. Run twice with the same binary, the analysis is
// reused (the power check: the key does not change by itself); after the
// model plugin is rebuilt (its binary, and so its digest, changed and
// locked again), the same command makes a new version instead of reusing
// one the old binary measured. A spec reading the dataset as
// registry:NAME is keyed the same way.
func TestAnalysisKeyNamesTheModel(t *testing.T) {
	if testing.Short() {
		t.Skip("samples and analyses with the real plugins")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	plugins := triangularPlugins(t)
	reg := filepath.Join(t.TempDir(), "registry")
	cli := func(args ...string) (int, string, string) {
		var o, e bytes.Buffer
		code := run(ctx, append([]string{"rgml", "--plugin-dir", plugins, "--registry", reg, "--metrics-addr", "off"}, args...), &o, &e)
		return code, o.String(), e.String()
	}
	must := func(want string, args ...string) {
		t.Helper()
		code, stdout, stderr := cli(args...)
		if code != 0 || !strings.Contains(stdout, want) {
			t.Fatalf("rgml %s: exit %d, want %q in\n%s%s", strings.Join(args, " "), code, want, stdout, stderr)
		}
	}
	must("registered", "sample", "--model", "triangular", "--param", "T=2:4:1", "--L", "6", "--per-point", "20", "--seed", "1", "--name", "tri")
	analyze := []string{"analyze", "--analyzer", "correlations", "--data", "tri", "--set", "G=0", "--name", "a"}
	spec := filepath.Join(t.TempDir(), "a.yaml")
	if err := os.WriteFile(spec, []byte("analyses:\n  - {name: a, analyzer: correlations, data: registry:tri, set: {G: 0}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	must("registered", analyze...)
	must("reused analysis a:1 (same key)", analyze...)
	must("a ", "run", spec, "--name", "r1")
	count := func() int {
		s, err := registry.OpenReadOnly(reg)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ens, err := s.List(registry.Analysis, "a")
		if err != nil {
			t.Fatal(err)
		}
		return len(ens)
	}
	if n := count(); n != 1 {
		t.Fatalf("%d versions of a before the rebuild, want 1 (the spec's registry:tri analysis is the command's)", n)
	}
	// Rebuild the model: a binary of other bytes (trailing bytes do not
	// change what it runs), locked again as make build does.
	bin := filepath.Join(plugins, "rgml-plugin-triangular")
	f, err := os.OpenFile(bin, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("rebuilt")); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := host.New(host.Config{Dir: plugins}).WriteLock(); err != nil {
		t.Fatal(err)
	}
	must("version 2 of a", analyze...)
	must("reused analysis a:2 (same key)", analyze...)
	must("a ", "run", spec, "--name", "r2")
	if n := count(); n != 2 {
		t.Errorf("%d versions of a after the rebuild, want 2 (one per model binary)", n)
	}
}
