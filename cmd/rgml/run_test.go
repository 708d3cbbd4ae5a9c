package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	dto "github.com/prometheus/client_model/go"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/metrics"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/progress"
	"github.com/rgml/rgml/registry"
)

// smallSpec is a study small enough for tests: two datasets, a
// thermometer, an RBM of the given hidden units and epochs, and its flow.
func smallSpec(t *testing.T, hidden, epochs int) string {
	t.Helper()
	spec := fmt.Sprintf(`datasets:
  - name: s-train
    model: ising
    params: {T: "0:6:1"}
    L: 6
    per-point: 40
    seed: 1
  - name: s-test
    model: ising
    params: {T: "0,6"}
    L: 6
    per-point: 10
    seed: 2
trainings:
  - name: s-thermo
    learner: thermometer
    data: s-train
    set: {epochs: 20}
  - name: s-rbm
    learner: rbm
    data: s-train
    set: {hidden: %d, epochs: %d}
    checkpoint-every: 20
    seed: 3
flows:
  - name: s-flow
    rbm: s-rbm
    thermometer: s-thermo
    from: s-test
    where: {T: 0}
    iterations: [0, 1, 10]
`, hidden, epochs)
	p := filepath.Join(t.TempDir(), "small.yaml")
	if err := os.WriteFile(p, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// rgmlCounting runs the CLI in-process like rgmlIn and also returns how
// many plugin processes the host started (its rgml_plugin_starts_total).
func rgmlCounting(t *testing.T, reg string, args ...string) (code int, stdout, stderr string, starts float64) {
	t.Helper()
	var o, e bytes.Buffer
	en := &env{stdout: &o, stderr: &e, logger: hclog.NewNullLogger(), metrics: metrics.New("")}
	app := newApp(en)
	full, err := normalizeArgs(app, append([]string{"rgml", "--plugin-dir", pluginDir, "--registry", reg, "--metrics-addr", "off"}, args...))
	if err == nil {
		err = app.RunContext(context.Background(), full)
	}
	code = 0
	if err != nil {
		code = 1
		fmt.Fprintln(&e, err)
	}
	fams, gerr := en.metrics.Registry.Gather()
	if gerr != nil {
		t.Fatal(gerr)
	}
	for _, f := range fams {
		if f.GetName() == "rgml_plugin_starts_total" {
			for _, m := range f.GetMetric() {
				starts += counterValue(m)
			}
		}
	}
	return code, o.String(), e.String(), starts
}

func counterValue(m *dto.Metric) float64 { return m.GetCounter().GetValue() }

// runStatuses reads the newest run's record: step name → status.
func runStatuses(t *testing.T, reg string) map[string]string {
	t.Helper()
	s, err := registry.OpenReadOnly(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runs, err := s.List(registry.Run, "")
	if err != nil || len(runs) == 0 {
		t.Fatalf("no run registered: %v", err)
	}
	r, err := s.RunRecord(runs[len(runs)-1])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, st := range r.Steps {
		out[st.Name] = st.Status
	}
	return out
}

// A finished spec run again starts no plugin (descriptions come from the
// registry's cache, every result is found by its key); one changed
// hyper-parameter reruns exactly that training and the flow that reads it.
func TestRunSkipsWhatExistsAndRerunsDependents(t *testing.T) {
	reg := registryDir(t)
	spec := smallSpec(t, 8, 40)
	code, _, stderr, _ := rgmlCounting(t, reg, "run", spec, "--jobs", "2")
	if code != 0 {
		t.Fatalf("first run: %s", stderr)
	}
	// The flow's meter counts the 3 iteration counts asked for, not the
	// flow pass as a fourth.
	if !strings.Contains(stderr, "flow s-flow: started (3 iteration counts") {
		t.Errorf("the first run does not count the flow's 3 iteration counts:\n%s", stderr)
	}
	for name, st := range runStatuses(t, reg) {
		if st != registry.StatusDone {
			t.Errorf("first run: %s %s", name, st)
		}
	}
	code, stdout, stderr, starts := rgmlCounting(t, reg, "run", spec)
	if code != 0 {
		t.Fatalf("second run: %s", stderr)
	}
	if starts != 0 {
		t.Errorf("the second run of a finished spec started %v plugin(s)", starts)
	}
	for name, st := range runStatuses(t, reg) {
		if st != registry.StatusSkipped {
			t.Errorf("second run: %s %s, want skipped", name, st)
		}
	}
	if !strings.Contains(stderr, "skipped, exists as s-rbm:1") {
		t.Errorf("the second run does not say what it skipped:\n%s\n%s", stdout, stderr)
	}

	changed := smallSpec(t, 6, 40)
	if code, _, stderr, _ := rgmlCounting(t, reg, "run", changed); code != 0 {
		t.Fatalf("changed run: %s", stderr)
	}
	want := map[string]string{"s-train": "skipped", "s-test": "skipped", "s-thermo": "skipped", "s-rbm": "done", "s-flow": "done"}
	got := runStatuses(t, reg)
	for name, st := range want {
		if got[name] != st {
			t.Errorf("after changing hidden: %s %s, want %s", name, got[name], st)
		}
	}
	// The new RBM's entry records the step key; the flow names its inputs.
	s, _ := registry.OpenReadOnly(reg)
	defer s.Close()
	en, _ := s.Resolve(registry.Model, "s-rbm:2")
	m, _ := s.Manifest(en)
	if len(m.Lineage.Key) != 64 {
		t.Errorf("s-rbm:2 records key %q", m.Lineage.Key)
	}
	fl, err := s.Resolve(registry.Flow, "s-flow:2")
	if err != nil {
		t.Fatal(err)
	}
	fm, _ := s.Manifest(fl)
	roles := map[string]string{}
	for _, in := range fm.Lineage.Inputs {
		roles[in.Role] = in.Digest
	}
	if roles["rbm"] != en.Digest || roles["thermometer"] == "" || roles["from"] == "" {
		t.Errorf("flow inputs %v, want rbm=%s", roles, en.Digest)
	}
}

// unknownKindSpec has a section of a step kind there is none of, at line 3.
const unknownKindSpec = "datasets:\n  - {name: d, model: ising, params: {T: \"1,2\"}, L: 4}\nsummaries:\n  - name: x\n"

// A spec mistake is one line with file:line:column, exit 2, nothing run.
func TestRunBadSpec(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(p, []byte("trainings:\n  - name: x\n    learner: rbm\n    data: nowhere\n"), 0o644)
	code, _, stderr := rgml(t, "run", p)
	if code != exitUsage || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "bad.yaml:4:5: data: no dataset named") {
		t.Errorf("exit %d, stderr %q; want exit 2 and one line naming bad.yaml:4:5 and the field", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(registryDir(t), "registry.db")); err == nil {
		t.Error("a rejected spec created a registry")
	}
	// A section of a step kind there is none of: its line and column,
	// the kinds there are, and nothing run (slurmBadInput: nothing
	// submitted).
	os.WriteFile(p, []byte(unknownKindSpec), 0o644)
	code, stdout, stderr := rgml(t, "run", p)
	if code != exitUsage || strings.Count(stderr, "\n") != 1 || stdout != "" ||
		!strings.Contains(stderr, "bad.yaml:3:1: summaries: unknown field (known: datasets, trainings, flows, analyses, report)") {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and one line naming bad.yaml:3:1 and the kinds", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(registryDir(t), "registry.db")); err == nil {
		t.Error("a spec naming an unknown step kind created a registry")
	}
	code, stdout, _ = rgml(t, "run", "--dry-run", smallSpec(t, 8, 40))
	if code != 0 || !strings.Contains(stdout, "training/s-rbm") || !strings.Contains(stdout, "every step would run") {
		t.Errorf("dry run: exit %d\n%s", code, stdout)
	}
}

// kill -9 of `rgml run` in the middle of a training: the rerun resumes
// from the checkpoint and its entries equal an uninterrupted run's.
func TestRunKilledResumesBitForBit(t *testing.T) {
	spec := smallSpec(t, 16, 1500)
	killed := registryDir(t)
	cmd := exec.Command(rgmlBin, "--plugin-dir", pluginDir, "--registry", killed, "--metrics-addr", "off", "run", spec, "--jobs", "1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		if epoch, _ := newestCheckpoint(killed, "s-rbm"); epoch >= 100 {
			break
		}
		if time.Now().After(deadline) {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			t.Fatal("no checkpoint of s-rbm after 90 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	cmd.Wait()
	if code, _, stderr := rgmlIn(t, killed, "run", spec); code != 0 || !strings.Contains(stderr, "resuming s-rbm from epoch") {
		t.Fatalf("rerun: exit %d, did it resume?\n%s", code, stderr)
	}
	straight := filepath.Join(t.TempDir(), "straight")
	if code, _, stderr := rgmlIn(t, straight, "run", spec); code != 0 {
		t.Fatalf("uninterrupted run: %s", stderr)
	}
	for _, ref := range []struct {
		kind       registry.Kind
		name, file string
	}{{registry.Model, "s-rbm", "weights.npz"}, {registry.Model, "s-thermo", "weights.npz"}, {registry.Dataset, "s-train", "data.npz"}, {registry.Flow, "s-flow", experiment.FlowFile}} {
		a, b := fileDigest(t, killed, ref.kind, ref.name, ref.file), fileDigest(t, straight, ref.kind, ref.name, ref.file)
		if a != b {
			t.Errorf("%s %s: resumed run's %s is %s, uninterrupted %s", ref.kind, ref.name, ref.file, a, b)
		}
	}
	// The resumed history continues the killed one: epochs increase.
	s, _ := registry.OpenReadOnly(killed)
	defer s.Close()
	h, _, err := experiment.ReadHistory(s, "s-rbm")
	if err != nil {
		t.Fatal(err)
	}
	if h.Len() == 0 || h.Epoch[0] > 20 || h.Epoch[h.Len()-1] != 1500 {
		t.Errorf("resumed history runs from epoch %v to %v", h.Epoch[0], h.Epoch[h.Len()-1])
	}
	for i := 1; i < h.Len(); i++ {
		if h.Epoch[i] <= h.Epoch[i-1] {
			t.Fatalf("history epochs not increasing at %d: %v", i, h.Epoch)
		}
	}
}

func fileDigest(t *testing.T, reg string, kind registry.Kind, name, file string) string {
	t.Helper()
	s, err := registry.OpenReadOnly(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	en, err := s.Resolve(kind, name)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := en.File(file)
	if !ok {
		t.Fatalf("%s has no %s", en, file)
	}
	return f.Digest
}

// A history holds one row per progress report, and its last loss is the
// final loss the lineage records.
func TestTrainingHistory(t *testing.T) {
	mustRgml(t, "sample", "--model", "ising", "--param", "T=0:6:1", "--per-point", "20", "--L", "6", "--name", "h")
	reg := registryDir(t)
	s, err := registry.Open(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h := newTestHost()
	defer h.Close()
	counter := &countingTracker{}
	en := &experiment.Env{Host: h, Store: s, Metrics: metrics.New(""), Progress: counter}
	r, err := experiment.Train(context.Background(), en, experiment.TrainSpec{Name: "th", Learner: "thermometer", Data: "h",
		Hyper: map[string]float64{"epochs": 30}, Seed: 1, Label: "T"})
	if err != nil {
		t.Fatal(err)
	}
	hist, _, err := experiment.ReadHistory(s, "th")
	if err != nil {
		t.Fatal(err)
	}
	if counter.notes == 0 || hist.Len() != counter.notes {
		t.Errorf("history has %d rows, the learner sent %d reports", hist.Len(), counter.notes)
	}
	m, _ := s.Manifest(r.Entry)
	last := hist.Metrics["train_loss"][hist.Len()-1]
	if final := m.Lineage.Metrics.FinalLosses["train_loss"]; last != final || hist.Epoch[hist.Len()-1] != 30 {
		t.Errorf("history's last train_loss %v at epoch %d, final %v", last, hist.Epoch[hist.Len()-1], final)
	}
	code, out, _ := rgml(t, "models", "history", "th", "--csv")
	if code != 0 || strings.Count(out, "\n") != hist.Len()+1 || !strings.HasPrefix(out, "epoch,wall_seconds,samples,") {
		t.Errorf("models history --csv: exit %d\n%s", code, out)
	}
}

// countingTracker counts the learner's progress reports: the train step
// notes each one's losses.
type countingTracker struct{ notes int }

func (c *countingTracker) Start(string, string, int64) progress.Meter { return c }
func (c *countingTracker) Add(int64)                                  {}
func (c *countingTracker) Note(string)                                { c.notes++ }
func (c *countingTracker) Done()                                      {}
func (c *countingTracker) Abort()                                     {}

func newTestHost() *host.Host { return host.New(host.Config{Dir: pluginDir}) }

// Import → export gives back the same file, and the dataset keeps its L.
func TestImportExportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "mc.npz")
	configs := make([]int8, 2*16) // two 4×4 configurations
	for i := range configs {
		configs[i] = int8(1 - 2*((i*7)%3%2))
	}
	if err := npz.WriteFile(src, npz.Int8("configs", configs, 2, 16), npz.Float64("T", []float64{1.5, 3}, 2)); err != nil {
		t.Fatal(err)
	}
	out := mustRgml(t, "datasets", "import", src, "--name", "mc")
	if !strings.Contains(out, "registered dataset mc:1") || !strings.Contains(out, "2 configurations of 4×4, labels T") {
		t.Errorf("import printed %q", out)
	}
	mustRgml(t, "datasets", "export", "mc", filepath.Join(dir, "out"))
	a, _ := os.ReadFile(src)
	b, err := os.ReadFile(filepath.Join(dir, "out", "data.npz"))
	if err != nil || !bytes.Equal(a, b) {
		t.Errorf("exported data.npz differs from the imported file (%v)", err)
	}
	lin := mustRgml(t, "datasets", "show", "mc")
	if !strings.Contains(lin, "imported from "+src) || !strings.Contains(lin, `"L": 4`) {
		t.Errorf("lineage does not say where it came from or its L:\n%s", lin)
	}
	// Bad files: one line, exit 2, nothing registered.
	bad := filepath.Join(dir, "bad.npz")
	npz.WriteFile(bad, npz.Int8("configs", []int8{1, 2, 1, 1}, 1, 4))
	if code, _, stderr := rgml(t, "datasets", "import", bad, "--name", "bad", "--states", "-1,1"); code != exitUsage || !strings.Contains(stderr, "is not in the declared state space [-1 1]") {
		t.Errorf("bad spin: exit %d %q", code, stderr)
	}
	if code, _, stderr := rgml(t, "datasets", "import", src, "--name", "mc2", "--L", "3"); code != exitUsage || !strings.Contains(stderr, "L = 3") {
		t.Errorf("wrong L: exit %d %q", code, stderr)
	}
}

// A failing step stops the steps that read it, the independent steps
// finish, nothing of the failed step is registered, and the run exits 1
// naming the failed step on one line.
func TestRunFailingStepStopsDependents(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fail.yaml")
	os.WriteFile(p, []byte(`datasets:
  - {name: bad, model: misbehave, params: {mode: 1}, L: 4, per-point: 10}
  - {name: good, model: ising, params: {T: "1,3"}, L: 4, per-point: 10}
trainings:
  - {name: r-bad, learner: rbm, data: bad, set: {hidden: 2, epochs: 2}}
  - {name: r-good, learner: rbm, data: good, set: {hidden: 2, epochs: 2}}
`), 0o644)
	reg := registryDir(t)
	code, _, stderr := rgmlIn(t, reg, "run", p, "--jobs", "1")
	if code != exitFailure {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	var failed []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, " failed: ") {
			failed = append(failed, l)
		}
	}
	if len(failed) != 1 || !strings.Contains(failed[0], "dataset/bad failed: ") || !strings.Contains(failed[0], "crashed") {
		t.Errorf("want one line naming dataset/bad's failure, got %q\n%s", failed, stderr)
	}
	want := map[string]string{"bad": "failed", "r-bad": "not-run", "good": "done", "r-good": "done"}
	got := runStatuses(t, reg)
	for name, st := range want {
		if got[name] != st {
			t.Errorf("%s: %s, want %s", name, got[name], st)
		}
	}
	if code, _, _ := rgmlIn(t, reg, "datasets", "show", "bad"); code == 0 {
		t.Error("the failed step registered a dataset")
	}
}
