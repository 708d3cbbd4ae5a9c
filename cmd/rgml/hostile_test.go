package main

import (
	"bytes"
	"context"
	"io"
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

// badLearnerPlugins is a plugin folder with the ising model and the
// test-only badlearner, locked.
func badLearnerPlugins(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "plugins")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(filepath.Join(pluginDir, "rgml-plugin-ising"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(filepath.Join(dir, "rgml-plugin-ising"), os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	dst.Close()
	pkg := "../../framework/experiment/internal/rgml-plugin-badlearner"
	if out, err := sdktest.BuildCommand(filepath.Join(dir, filepath.Base(pkg)), pkg).CombinedOutput(); err != nil {
		t.Fatal(string(out))
	}
	if _, err := host.New(host.Config{Dir: dir}).WriteLock(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A learner's weights and predictions that cannot be true (NaN, a tensor
// its description names missing) fail the training or the flow: exit 1,
// one line naming the plugin and what it returned, nothing registered.
// A tensor beyond the named ones is kept (the RBM returns such).
func TestLearnerOutputsChecked(t *testing.T) {
	plugins := badLearnerPlugins(t)
	reg := filepath.Join(t.TempDir(), "registry")
	cli := func(mode string, args ...string) (int, string, string) {
		t.Setenv("RGML_BADLEARNER", mode)
		var o, e bytes.Buffer
		code := run(context.Background(), append([]string{"rgml", "--plugin-dir", plugins, "--registry", reg, "--metrics-addr", "off"}, args...), &o, &e)
		return code, o.String(), withoutRegistryNote(e.String())
	}
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
