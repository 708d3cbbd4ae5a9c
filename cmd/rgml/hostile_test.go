package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/sdk/sdktest"
)

// A model plugin that sends what cannot be true (the misbehave plugin's
// modes): the host neither panics nor registers a dataset; it fails with
// exit 1 and one line naming the plugin and what it sent.
func TestSampleRefusesWhatCannotBeTrue(t *testing.T) {
	for _, c := range []struct{ mode, want string }{
		{"5", `plugin "misbehave" sent 10 moves attempted and -3 accepted for point 0: counts cannot be negative`},
		{"6", `plugin "misbehave" sent configuration 2 of point 0, site 15: value 7 is not in the state space [-1 1] it declares`},
	} {
		name := "bad" + c.mode
		code, stdout, stderr := rgml(t, "sample", "--model", "misbehave", "--param", "mode="+c.mode, "--per-point", "3", "--L", "4", "--name", name)
		if msg := withoutRegistryNote(stderr); code != exitFailure || strings.Contains(msg, "\n") || !strings.Contains(msg, c.want) {
			t.Errorf("mode %s: exit %d, stdout %q, stderr %q; want exit 1 and one line with %q", c.mode, code, stdout, stderr, c.want)
		}
		if _, out, _ := rgml(t, "datasets", "list"); strings.Contains(out, name) {
			t.Errorf("mode %s: a refused sample was registered:\n%s", c.mode, out)
		}
	}
}

// withoutRegistryNote is stderr without the note of a test's first
// command that it created the registry, nor progress lines.
func withoutRegistryNote(stderr string) string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if !strings.Contains(l, "created a new registry") && !strings.Contains(l, " elapsed") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// badLearnerPlugins is a plugin folder with the test-only badlearner and
// copies of the named plugins of TestMain's, locked.
func badLearnerPlugins(t *testing.T, copies ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "plugins")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range copies {
		b, err := os.ReadFile(filepath.Join(pluginDir, "rgml-plugin-"+name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "rgml-plugin-"+name), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	pkg := "../../framework/experiment/internal/rgml-plugin-badlearner"
	if out, err := sdktest.BuildCommand(filepath.Join(dir, filepath.Base(pkg)), pkg).CombinedOutput(); err != nil {
		t.Fatal(string(out))
	}
	if _, err := host.New(host.Config{Dir: dir}).WriteLock(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// badLearnerCLI runs the CLI in-process against plugins with a registry
// of its own, the badlearner's mode (RGML_BADLEARNER) set.
func badLearnerCLI(t *testing.T, plugins string) func(mode string, args ...string) (int, string, string) {
	reg := filepath.Join(t.TempDir(), "registry")
	return func(mode string, args ...string) (int, string, string) {
		t.Setenv("RGML_BADLEARNER", mode)
		var o, e bytes.Buffer
		code := run(context.Background(), append([]string{"rgml", "--plugin-dir", plugins, "--registry", reg, "--metrics-addr", "off"}, args...), &o, &e)
		return code, o.String(), withoutRegistryNote(e.String())
	}
}

// A learner's weights and predictions that cannot be true (NaN, a tensor
// its description names missing) fail the training or the flow: exit 1,
// one line naming the plugin and what it returned, nothing registered.
// A tensor beyond the named ones is kept (the RBM returns such).
func TestLearnerOutputsChecked(t *testing.T) {
	cli := badLearnerCLI(t, badLearnerPlugins(t, "ising"))
	if code, _, stderr := cli("", "sample", "--model", "ising", "--param", "T=0.5,1", "--L", "4", "--per-point", "4", "--name", "d"); code != 0 {
		t.Fatalf("sample: exit %d: %s", code, stderr)
	}
	train := func(mode, name string) (int, string) {
		code, _, stderr := cli(mode, "train", "--learner", "badlearner", "--data", "d", "--label", "T", "--name", name)
		return code, stderr
	}
	for mode, want := range map[string]string{
		"nan":     `plugin "badlearner" returned weight tensor "W" with NaN at element 1: nothing registered`,
		"missing": `plugin "badlearner" returned no weight tensor "b", which its description names: nothing registered`,
	} {
		if code, msg := train(mode, "m-"+mode); code != exitFailure || strings.Contains(msg, "\n") || msg != "rgml: "+want {
			t.Errorf("%s: exit %d, stderr %q; want exit 1 and %q", mode, code, msg, want)
		}
		if _, out, _ := cli("", "models", "list"); strings.Contains(out, "m-"+mode) {
			t.Errorf("%s: a refused training was registered:\n%s", mode, out)
		}
	}
	if code, msg := train("extra", "m-extra"); code != 0 {
		t.Fatalf("extra tensor: exit %d: %s", code, msg)
	}
	flow := func(mode, name string) (int, string) {
		code, _, stderr := cli(mode, "flow", "--rbm", "m-extra", "--thermometer", "m-extra", "--from", "d", "--where", "T=0.5", "--iterations", "0,1", "--name", name)
		return code, stderr
	}
	if code, msg := flow("", "f-good"); code != 0 {
		t.Fatalf("flow: exit %d: %s", code, msg)
	}
	want := `plugin "badlearner": predict returned a distribution with NaN at element 0`
	if code, msg := flow("nan-predict", "f-nan"); code != exitFailure || strings.Contains(msg, "\n") || !strings.Contains(msg, want) {
		t.Errorf("NaN predict: exit %d, stderr %q; want exit 1 and one line with %q", code, msg, want)
	}
	if _, out, _ := cli("", "flows", "list"); strings.Contains(out, "f-nan") || !strings.Contains(out, "f-good") {
		t.Errorf("flows: want f-good and not f-nan:\n%s", out)
	}
}

// A model whose Observables return NaN and infinities (misbehave's mode 7)
// fails the analysis that hands them to the analyzer: exit 1, one line
// naming the model and the value, nothing registered.
func TestAnalyzeRefusesNonFiniteObservables(t *testing.T) {
	cli := badLearnerCLI(t, badLearnerPlugins(t, "misbehave", "correlations"))
	for _, args := range [][]string{
		{"sample", "--model", "misbehave", "--param", "mode=7", "--param", "T=1,2", "--L", "4", "--per-point", "4", "--name", "d"},
		{"train", "--learner", "badlearner", "--data", "d", "--label", "T", "--name", "m"},
		{"flow", "--rbm", "m", "--thermometer", "m", "--from", "d", "--where", "T=1", "--iterations", "0,1", "--save-configs", "--name", "f"},
	} {
		if code, _, stderr := cli("", args...); code != 0 {
			t.Fatalf("%s: exit %d: %s", args[0], code, stderr)
		}
	}
	code, stdout, msg := cli("", "analyze", "--analyzer", "correlations", "--flow", "f", "--data", "d", "--set", "G=0", "--name", "a-nan")
	want := "model misbehave returned NaN as magnetization of configuration 0"
	if code != exitFailure || strings.Contains(msg, "\n") || !strings.Contains(msg, want) {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and one line with %q", code, stdout, msg, want)
	}
	if _, out, _ := cli("", "analyses", "list"); strings.Contains(out, "a-nan") {
		t.Errorf("a refused analysis was registered:\n%s", out)
	}
}
