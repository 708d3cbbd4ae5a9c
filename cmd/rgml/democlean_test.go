package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// makeDemoClean runs the Makefile's demo-clean target in dir, as a user
// would in their working directory: the registry is the default one there
// (dir/.rgml), the output folder the default (dir/out), rgml is this
// package's binary.
func makeDemoClean(t *testing.T, dir string, vars ...string) (string, error) {
	t.Helper()
	makefile, err := filepath.Abs("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "make", append([]string{"--no-print-directory", "-f", makefile, "demo-clean", "RGML=" + rgmlBin}, vars...)...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "RGML_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "RGML_METRICS_ADDR=off")
	b, err := cmd.CombinedOutput()
	return string(b), err
}

// `make demo-clean` removes the demo's run, the entries it registered that
// nothing of the user's needs, their files and the demo's folders in OUT;
// the user's own entries, the demo's entries they need, and the user's
// files in OUT stay.
func TestDemoCleanKeepsUsersEntries(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, ".rgml")
	registries[t] = reg
	t.Cleanup(func() { delete(registries, t) })
	spec := smallSpec(t, 4, 2)
	// The user's own work: a dataset, an RBM on it, and a flow of that RBM
	// with the demo's thermometer under the name of the demo's flow.
	for _, args := range [][]string{
		{"sample", "--model", "ising", "--param", "T=0,6", "--per-point", "10", "--L", "6", "--name", "mine"},
		{"train", "--learner", "rbm", "--data", "mine", "--set", "hidden=4", "--set", "epochs=1", "--name", "my-rbm"},
	} {
		if code, _, stderr := rgml(t, args...); code != 0 {
			t.Fatalf("%v: %s", args, stderr)
		}
	}
	for range 2 { // the second finds every step registered: skipped
		if code, _, stderr := rgml(t, "run", spec, "--name", "make-demo"); code != 0 {
			t.Fatalf("demo run: %s", stderr)
		}
	}
	if code, _, stderr := rgml(t, "flow", "--rbm", "my-rbm", "--thermometer", "s-thermo", "--from", "mine", "--iterations", "0,1", "--name", "s-flow"); code != 0 {
		t.Fatalf("user's flow: %s", stderr)
	}
	// The demo's export takes the flow its run recorded, not the user's
	// newer s-flow:2.
	exp := filepath.Join(t.TempDir(), "s-flow")
	if code, _, stderr := rgml(t, "flows", "export", "--run", "make-demo", "s-flow", exp); code != 0 {
		t.Fatalf("export --run: %s", stderr)
	}
	if b, err := os.ReadFile(filepath.Join(exp, "manifest.json")); err != nil || !strings.Contains(string(b), `"version": 1`) {
		t.Errorf("flows export --run make-demo s-flow exported another version than the run's: %s %v", b, err)
	}

	out := filepath.Join(dir, "out")
	for _, f := range []string{"report/index.html", "flow-quick-v16-T0/flow.npz", "flow-quick-h64-T6/flow.npz", "notes.txt", "mine/keep.npz"} {
		os.MkdirAll(filepath.Dir(filepath.Join(out, f)), 0o755)
		if err := os.WriteFile(filepath.Join(out, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	log, err := makeDemoClean(t, dir)
	if err != nil {
		t.Fatalf("make demo-clean: %v\n%s", err, log)
	}
	if _, err := os.Stat(filepath.Join(reg, "registry.db")); err != nil {
		t.Fatalf("make demo-clean deleted the registry: %v\n%s", err, log)
	}
	live := map[string]bool{}
	for _, kind := range []string{"datasets", "models", "flows", "runs"} {
		_, stdout, _ := rgml(t, kind, "list", "--json")
		var es []struct {
			Kind, Name string
			Version    int
		}
		if err := json.Unmarshal([]byte(stdout), &es); err != nil {
			t.Fatalf("%s list: %v: %s", kind, err, stdout)
		}
		for _, e := range es {
			live[e.Kind+" "+e.Name+":"+strconv.Itoa(e.Version)] = true
		}
	}
	for _, want := range []string{"dataset mine:1", "model my-rbm:1", "flow s-flow:2", // the user's
		"model s-thermo:1", "dataset s-train:1"} { // the demo's that the user's flow needs
		if !live[want] {
			t.Errorf("%s was removed\n%s", want, log)
		}
	}
	for _, gone := range []string{"run make-demo:1", "run make-demo:2", "flow s-flow:1", "model s-rbm:1", "dataset s-test:1"} {
		if live[gone] {
			t.Errorf("%s is still there\n%s", gone, log)
		}
	}
	if !strings.Contains(log, "kept model s-thermo:1") || !strings.Contains(log, "needed by flow s-flow:2") || !strings.Contains(log, "deleted ") {
		t.Errorf("make demo-clean does not say what it kept and collected:\n%s", log)
	}
	if code, stdout, stderr := rgml(t, "registry", "verify"); code != 0 {
		t.Errorf("verify after demo-clean: %s%s", stdout, stderr)
	}
	for _, f := range []string{"report", "flow-quick-v16-T0", "flow-quick-h64-T6"} {
		if _, err := os.Stat(filepath.Join(out, f)); err == nil {
			t.Errorf("out/%s is still there", f)
		}
	}
	for _, f := range []string{"notes.txt", "mine/keep.npz"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("the user's out/%s: %v", f, err)
		}
	}
	// Again: nothing of the demo's is left, and that is no failure.
	if log, err := makeDemoClean(t, dir); err != nil || !strings.Contains(log, "no run make-demo") {
		t.Errorf("second make demo-clean: %v\n%s", err, log)
	}
}

// No target of the Makefile deletes a registry: its default location
// (.rgml) or whatever RGML_HOME names.
func TestMakefileDeletesNoRegistry(t *testing.T) {
	b, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	sep := regexp.MustCompile(`;|&&|\|\||\|`)
	registryPath := regexp.MustCompile(`\.rgml|RGML_HOME|RGML_REGISTRY|registry`)
	for i, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "\t") {
			continue // recipe lines only
		}
		for _, cmd := range sep.Split(line, -1) {
			cmd = strings.TrimLeft(cmd, " \t@-")
			if (strings.HasPrefix(cmd, "rm ") || strings.HasPrefix(cmd, "rmdir ")) && registryPath.MatchString(cmd) {
				t.Errorf("Makefile:%d deletes a registry: %s", i+1, strings.TrimSpace(line))
			}
		}
	}
}

// An OUT with a space is one folder: demo-clean removed "my" (a sibling
// folder of the user's) and "out/report", and left "my out/report".
func TestDemoCleanOutWithASpace(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"my/thesis/ch1.tex", "my out/report/index.html", "my out/flow-quick-v16-T0/flow.npz", "my out/notes.txt"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if log, err := makeDemoClean(t, dir, "OUT=my out"); err != nil {
		t.Fatalf("make demo-clean OUT='my out': %v\n%s", err, log)
	}
	for _, f := range []string{"my/thesis/ch1.tex", "my out/notes.txt"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the user's %s: %v", f, err)
		}
	}
	for _, f := range []string{"my out/report", "my out/flow-quick-v16-T0"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s is still there", f)
		}
	}
}
