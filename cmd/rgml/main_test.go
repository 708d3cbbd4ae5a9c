package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk/sdktest"
)

// pluginDir holds real plugin binaries, built once for the package's
// tests; rgmlBin is the rgml binary itself, for tests that need a process
// to kill.
var pluginDir, rgmlBin string

func TestMain(m *testing.M) {
	// Tables are cut to $COLUMNS: print them whole unless a test sets it.
	os.Unsetenv("COLUMNS")
	dir, err := os.MkdirTemp("", "rgml-cli-test-")
	if err != nil {
		panic(err)
	}
	pluginDir = filepath.Join(dir, "plugins")
	rgmlBin = filepath.Join(dir, "rgml")
	if out, err := exec.Command("go", "build", "-o", rgmlBin, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	for _, pkg := range []string{
		"../../plugins/ising/cmd/rgml-plugin-ising",
		"../../plugins/ising3d/cmd/rgml-plugin-ising3d",
		"../../plugins/blumecapel/cmd/rgml-plugin-blumecapel",
		"../../plugins/rbm/cmd/rgml-plugin-rbm",
		"../../plugins/thermometer/cmd/rgml-plugin-thermometer",
		"../../plugins/spectrum/cmd/rgml-plugin-spectrum",
		"../../plugins/correlations/cmd/rgml-plugin-correlations",
		"../../plugins/fixedpoint/cmd/rgml-plugin-fixedpoint",
		"../../framework/host/internal/rgml-plugin-misbehave",
		"../../framework/experiment/pluginstudy/internal/rgml-plugin-badstates",
		"../../plugins/internal/testmodels/potts5/cmd/rgml-plugin-potts5",
	} {
		out, err := sdktest.BuildCommand(filepath.Join(pluginDir, filepath.Base(pkg)), pkg).CombinedOutput()
		if err != nil {
			panic(string(out))
		}
	}
	// The test-only models of other lattice dimensions.
	for name, d := range map[string]string{"chain": "1", "cube": "3"} {
		out, err := sdktest.BuildCommand(filepath.Join(pluginDir, "rgml-plugin-"+name), "../../plugins/internal/testmodels/rgml-plugin-anydim",
			"-ldflags", "-X main.name="+name+" -X main.dim="+d).CombinedOutput()
		if err != nil {
			panic(string(out))
		}
	}
	// The host runs only locked binaries, as after `make build`.
	if _, err := host.New(host.Config{Dir: pluginDir}).WriteLock(); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// rgml runs the CLI in-process against the test plugins, with a registry
// of the test's own.
func rgml(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return rgmlIn(t, registryDir(t), args...)
}

var registries = map[*testing.T]string{}

// registryDir returns the test's registry directory (not created).
func registryDir(t *testing.T) string {
	if d, ok := registries[t]; ok {
		return d
	}
	d := filepath.Join(t.TempDir(), "registry")
	registries[t] = d
	t.Cleanup(func() { delete(registries, t) })
	return d
}

func rgmlIn(t *testing.T, reg string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	full := append(globalDefaults(args, "--plugin-dir", pluginDir, "--registry", reg, "--metrics-addr", "off"), args...)
	code = run(context.Background(), append([]string{"rgml"}, full...), &o, &e)
	return code, o.String(), e.String()
}

// globalDefaults returns the flag-value pairs of defs that args does not
// set itself: a global flag given twice is refused.
func globalDefaults(args []string, defs ...string) []string {
	var out []string
	for i := 0; i+1 < len(defs); i += 2 {
		set := false
		for _, a := range args {
			if a == defs[i] || strings.HasPrefix(a, defs[i]+"=") {
				set = true
			}
		}
		if !set {
			out = append(out, defs[i], defs[i+1])
		}
	}
	return out
}

func TestSampleWritesDataset(t *testing.T) {
	out := filepath.Join(t.TempDir(), "d.npz")
	code, stdout, stderr := rgml(t, "sample", "--model", "ising", "--param", "T=1,3", "--per-point", "20", "--L", "6", "--seed", "3", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "registered dataset ising:1") || !strings.Contains(stdout, "40 configurations of 6×6") {
		t.Errorf("stdout: %q", stdout)
	}
	arrays, err := npz.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := npz.Find(arrays, "configs")
	if !ok || len(c.Shape) != 2 || c.Shape[0] != 40 || c.Shape[1] != 36 {
		t.Fatalf("configs: %+v", c.Shape)
	}
	T, ok := npz.Find(arrays, "T")
	if !ok {
		t.Fatal("no T array")
	}
	tv := T.Data.([]float64)
	if len(tv) != 40 || tv[0] != 1 || tv[19] != 1 || tv[20] != 3 || tv[39] != 3 {
		t.Errorf("T labels: %v", tv)
	}
	for _, v := range c.Data.([]int8) {
		if v != 1 && v != -1 {
			t.Fatalf("spin value %d", v)
		}
	}
	// Same seed, same bytes.
	out2 := filepath.Join(t.TempDir(), "d.npz")
	rgml(t, "sample", "--model", "ising", "--param", "T=1,3", "--per-point", "20", "--L", "6", "--seed", "3", "--out", out2)
	a2, _ := npz.ReadFile(out2)
	c2, _ := npz.Find(a2, "configs")
	if !bytes.Equal(int8Bytes(c.Data.([]int8)), int8Bytes(c2.Data.([]int8))) {
		t.Error("same seed gave different configurations")
	}
}

func int8Bytes(v []int8) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}

func TestCrashingPluginLeavesNoOutput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "d.npz")
	code, _, stderr := rgml(t, "sample", "--model", "misbehave", "--param", "mode=1", "--per-point", "5", "--L", "4", "--out", out)
	if code == 0 {
		t.Fatal("exit 0 after a plugin crash")
	}
	if !strings.Contains(stderr, `plugin "misbehave" crashed while sampling`) {
		t.Errorf("stderr does not name the plugin and what it was doing: %q", stderr)
	}
	if strings.Contains(stderr, "goroutine ") {
		t.Errorf("stderr carries a stack trace: %q", stderr)
	}
	assertEmpty(t, dir)
}

func TestHangingPluginIsStopped(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := rgml(t, "--plugin-timeout", "500ms", "sample", "--model", "misbehave", "--param", "mode=2", "--per-point", "5", "--L", "4", "--out", filepath.Join(dir, "d.npz"))
	if code == 0 || !strings.Contains(stderr, `plugin "misbehave" hung while sampling`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	assertEmpty(t, dir)
}

func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}

func TestBadInput(t *testing.T) {
	notADir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notADir, nil, 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want string // in the one-line message
	}{
		{"unknown model", []string{"--model", "potts"}, `no plugin "potts"`},
		{"unknown algorithm", []string{"--model", "ising", "--algorithm", "heatbath"}, `no algorithm "heatbath"`},
		{"thermalization the algorithm has not", []string{"--model", "ising", "--thermalization", "5000"}, "thermalization 5000: algorithm metropolis-paper of model ising has no thermalisation"},
		{"negative T", []string{"--model", "ising", "--param", "T=-1"}, "T = -1 is out of range"},
		{"L below 2", []string{"--model", "ising", "--L", "1"}, "L >= 2"},
		{"per-point zero", []string{"--model", "ising", "--per-point", "0"}, "--per-point 0"},
		{"per-point negative", []string{"--model", "ising", "--per-point", "-5"}, "--per-point -5"},
		{"malformed range", []string{"--model", "ising", "--param", "T=0:6"}, "START:STOP:STEP"},
		{"reversed range", []string{"--model", "ising", "--param", "T=6:0:0.25"}, "below start"},
		{"unknown parameter", []string{"--model", "ising", "--param", "J=2"}, `unknown parameter "J"`},
		{"not a number", []string{"--model", "ising", "--param", "T=hot"}, `"hot" is not a finite number`},
		{"unwritable output", []string{"--model", "ising", "--out", filepath.Join(notADir, "x.npz")}, "cannot write"},
		{"missing output dir", []string{"--model", "ising", "--out", "/nonexistent/dir/x.npz"}, "cannot write"},
		{"bad flag", []string{"--model", "ising", "--temperature", "2"}, "unknown flag --temperature"},
		// Size products that wrap: checked before they wrap, not after.
		{"per-point overflow", []string{"--model", "ising", "--per-point", "1152921504606846976", "--param", "T=1:16:1", "--L", "2"}, "sample fewer"},
		{"L overflow", []string{"--model", "cube", "--per-point", "1", "--L", "5000000000"}, "do not fit"},
		{"L past the model's largest", []string{"--model", "ising", "--per-point", "1", "--L", "40000"}, "L = 40000 is too large: model ising takes L <= 32768"},
		{"too large", []string{"--model", "ising", "--per-point", "100000", "--param", "T=1:100:1", "--L", "100"}, "sample fewer"},
		{"unknown command word", []string{"--model", "ising", "now"}, "sample takes no arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			// Defaults only where the case sets none: a flag given twice
			// is refused.
			args := []string{"sample"}
			if !hasFlag(tc.args, "--per-point") {
				args = append(args, "--per-point", "10")
			}
			if !hasFlag(tc.args, "--L") {
				args = append(args, "--L", "4")
			}
			args = append(args, tc.args...)
			if !hasFlag(tc.args, "--out") {
				args = append(args, "--out", filepath.Join(dir, "d.npz"))
			}
			code, _, stderr := rgml(t, args...)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d (wrong input): %s", code, exitUsage, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			last := lines[len(lines)-1]
			if !strings.HasPrefix(last, "rgml: ") || !strings.Contains(last, tc.want) {
				t.Errorf("stderr %q: want a line starting \"rgml: \" containing %q", stderr, tc.want)
			}
			assertEmpty(t, dir)
			if _, err := os.Stat(registryDir(t)); err == nil {
				t.Errorf("a bad command line created the registry")
			}
		})
	}
}

func hasFlag(args []string, f string) bool {
	for _, a := range args {
		if a == f {
			return true
		}
	}
	return false
}

func TestEmptyPluginDir(t *testing.T) {
	var o, e bytes.Buffer
	code := run(context.Background(), []string{"rgml", "--plugin-dir", t.TempDir(), "sample", "--model", "ising", "--out", filepath.Join(t.TempDir(), "d.npz")}, &o, &e)
	if code == 0 || !strings.Contains(e.String(), "holds no rgml-plugin-* executables") {
		t.Errorf("exit %d, stderr %q", code, e.String())
	}
}

func TestPluginsListAndDescribe(t *testing.T) {
	code, stdout, stderr := rgml(t, "plugins", "list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"NAME", "KIND", "PROTOCOL", "SHA256", "STATUS", "ising", "model", "1.0.0", " ok"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("plugins list lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = rgml(t, "plugins", "describe", "ising")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"PARAMETER", "T", "[0, +inf]", "metropolis-paper (default)", "wolff", "energy"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("plugins describe lacks %q:\n%s", want, stdout)
		}
	}
	if code, _, stderr := rgml(t, "plugins", "describe", "nope"); code == 0 || !strings.Contains(stderr, `no plugin "nope"`) {
		t.Errorf("describe nope: exit %d, %q", code, stderr)
	}
}
