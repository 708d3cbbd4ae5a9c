package potts_test

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk/sdktest"
)

// cli builds rgml, the given Go plugins and the Python plugin into a
// temporary folder, locks them, and returns a function that runs rgml
// there (exit code and combined output), bounded by a deadline.
func cli(t *testing.T, goPlugins ...string) func(args ...string) (int, string) {
	t.Helper()
	potts := build(t)
	dir := t.TempDir()
	rgml := filepath.Join(dir, "rgml")
	plugins := filepath.Join(dir, "plugins")
	pkgs := map[string]string{rgml: "../../cmd/rgml"}
	for _, p := range goPlugins {
		pkgs[filepath.Join(plugins, "rgml-plugin-"+p)] = "../" + p + "/cmd/rgml-plugin-" + p
	}
	for out, pkg := range pkgs {
		build := sdktest.BuildCommand(out, pkg) // a plugin, as the Makefile builds it
		if out == rgml {
			build = exec.Command("go", "build", "-o", out, pkg)
		}
		if b, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, b)
		}
	}
	b, err := os.ReadFile(potts)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(plugins, "rgml-plugin-potts"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, rgml, append([]string{"--plugin-dir", plugins, "--registry", filepath.Join(dir, "reg"), "--metrics-addr", "off"}, args...)...)
		out, err := cmd.CombinedOutput()
		if ctx.Err() != nil {
			t.Fatalf("rgml %s: no end within 10 minutes\n%s", strings.Join(args, " "), out)
		}
		if err != nil {
			if ee, ok := err.(*exec.ExitError); ok {
				return ee.ExitCode(), string(out)
			}
			t.Fatalf("rgml %s: %v", strings.Join(args, " "), err)
		}
		return 0, string(out)
	}
	if code, out := run("plugins", "lock"); code != 0 {
		t.Fatalf("rgml plugins lock: exit %d\n%s", code, out)
	}
	return run
}

// The potts-small preset runs end to end through the real CLI: the
// categorical RBMs train on the model's states {0, 1, 2}, every flow is
// read by the one-hot thermometer, the spectrum analyzer takes the
// categorical weights, and the report marks the T_c the model declares.
func TestPresetPottsSmall(t *testing.T) {
	run := cli(t, "rbm", "thermometer", "spectrum", "correlations")
	report := filepath.Join(t.TempDir(), "report")
	code, out := run("run", "--preset", "potts-small", "--report", report)
	if code != 0 {
		t.Fatalf("rgml run --preset potts-small: exit %d\n%s", code, out)
	}
	page, err := os.ReadFile(filepath.Join(report, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(page), "Missing figures") {
		t.Errorf("the potts-small report lists missing figures:\n%s", out)
	}
	// The spectrum of categorical weights (centred over the states).
	if !strings.Contains(string(page), "spectrum-ps-v16-eigenvalues") {
		t.Error("the potts-small report lacks the spectrum of ps-v16")
	}
	for _, f := range []string{"flow-flow-ps-v16-low.npz", "flow-flow-ps-random16-high.npz"} {
		arrays, err := npz.ReadFile(filepath.Join(report, f))
		if err != nil {
			t.Error(err)
			continue
		}
		a, ok := npz.Find(arrays, "vline T_c.at")
		if v, _ := a.Data.([]float64); !ok || len(v) != 1 || math.Abs(v[0]-1/math.Log(1+math.Sqrt(3))) > 1e-12 {
			t.Errorf("%s: T_c line %v (found %v), want 1/ln(1+√3)", f, a.Data, ok)
		}
	}
}
