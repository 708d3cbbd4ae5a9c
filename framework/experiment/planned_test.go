package experiment_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/metrics"
	"github.com/rgml/rgml/framework/sdk/sdktest"
	"github.com/rgml/rgml/registry"
)

const plannedSpec = `
datasets:
  - name: d
    model: ising
    params: {T: "1,3"}
    L: 4
    per-point: 5
    seed: 1
trainings:
  - name: r
    learner: rbm
    data: d
    set: {hidden: 4, epochs: 1}
  - name: th
    learner: thermometer
    data: d
    set: {epochs: 1}
flows:
  - name: f
    rbm: r
    thermometer: th
    from: d
    iterations: [0, 1]
analyses:
  - name: a
    analyzer: spectrum
    model: r
    data: d
    set: {reference_T: 3}
`

// rebuild replaces the plugin binary at path by one with other bytes (the
// same program, one byte longer, as a rebuild with another toolchain would
// be) the way `go build -o` does, by writing a new file over it, and locks
// it, as `make build` does.
func rebuild(t *testing.T, h *host.Host, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tmp := path + ".new"
	if err := os.WriteFile(tmp, append(b, 0), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	if _, err := h.WriteLock(); err != nil {
		t.Fatal(err)
	}
}

// A plugin binary rebuilt and locked again between planning and its
// step's launch (a long `rgml run` while the user runs `make build`):
// the step's key says the old binary, so the step fails, saying so, and
// registers nothing; a new plan of the same spec then runs with the new
// binary, and each result's lineage names the digest its key was made
// with. Real plugin processes and a real SQLite registry; the run's own
// step-start event is the moment the binary is replaced.
func TestPluginChangedSincePlanFailsStep(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the plugins")
	}
	dir := t.TempDir()
	for _, name := range []string{"ising", "rbm", "thermometer", "spectrum"} {
		b, err := os.ReadFile(sdktest.Build(t, "../../plugins/"+name+"/cmd/rgml-plugin-"+name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, host.BinaryPrefix+name), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	h := host.New(host.Config{Dir: dir})
	defer h.Close()
	if _, err := h.WriteLock(); err != nil {
		t.Fatal(err)
	}
	newStore := func() *registry.Store {
		s, err := registry.Open(filepath.Join(t.TempDir(), "reg"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	spec, err := experiment.Parse("s.yaml", []byte(plannedSpec))
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()

	// run plans the spec as `rgml run` does and executes it into store,
	// rebuilding plugin when step swap starts.
	run := func(store *registry.Store, swap, plugin string) (*experiment.Plan, experiment.Execution, error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cat := &experiment.CachedCatalog{HostCatalog: experiment.HostCatalog{Host: h}, Dir: cache}
		p, err := experiment.NewPlan(ctx, spec, cat)
		if err != nil {
			t.Fatal(err)
		}
		env := &experiment.Env{Host: h, Store: store, Metrics: metrics.New("")}
		ex, err := experiment.Execute(ctx, env, p, experiment.ExecOptions{
			Options: experiment.Options{Jobs: 1, Cores: 1}, RunName: "s",
			Event: func(ev experiment.StepEvent) {
				if ev.Status == "started" && ev.Step.ID == swap {
					rebuild(t, h, filepath.Join(dir, host.BinaryPrefix+plugin))
				}
			},
		})
		return p, ex, err
	}
	status := func(ex experiment.Execution, name string) registry.RunStep {
		for _, st := range ex.Record.Steps {
			if st.Name == name {
				return st
			}
		}
		t.Fatalf("no step %s in the run record", name)
		return registry.RunStep{}
	}
	// changed checks that step id of p failed for the rebuild of plugin,
	// with one line naming it and both digests, and that nothing is
	// registered under the step's key or name.
	changed := func(store *registry.Store, p *experiment.Plan, ex experiment.Execution, err error, id, plugin string) {
		t.Helper()
		s, _ := p.Step(id)
		planned := ""
		for _, st := range p.Steps {
			if st.Plugin == plugin {
				planned = st.SHA256
			}
		}
		now, herr := host.FileSHA256(filepath.Join(dir, host.BinaryPrefix+plugin))
		if herr != nil {
			t.Fatal(herr)
		}
		var re *experiment.RunError
		if !errors.As(err, &re) || errors.Is(err, experiment.ErrUsage) {
			t.Fatalf("%s: err = %v, want a failed run (not a usage error)", id, err)
		}
		want := "plugin " + plugin + " changed since this run was planned (sha256 " + planned[:12] + "… → " + now[:12] + "…); run again"
		if st := status(ex, s.Name); st.Status != registry.StatusFailed || st.Error != want {
			t.Errorf("%s: %s %q, want failed %q", id, st.Status, st.Error, want)
		}
		if en, ok, err := store.FindByKey(context.Background(), experiment.RegistryKind(s.Kind), s.Key); err != nil || ok {
			t.Errorf("%s: registered %v under its key (%v)", id, en, err)
		}
		if list, err := store.List(experiment.RegistryKind(s.Kind), s.Name); err != nil || len(list) != 0 {
			t.Errorf("%s: %d entries named %s registered (%v)", id, len(list), s.Name, err)
		}
	}

	// Each plugin rebuilt as a step that runs it starts (the spec planned
	// anew each time, into an empty registry): the steps it reads run,
	// that step fails, the steps that read it are not run.
	var store *registry.Store
	for _, c := range []struct{ step, plugin, done, notRun string }{
		{"dataset/d", "ising", "", "r"},
		{"training/r", "rbm", "d", "f"},
		{"flow/f", "thermometer", "th", ""}, // the flow's second learner
		{"analysis/a", "spectrum", "r", ""},
		{"analysis/a", "ising", "r", ""}, // the model that measures its data
	} {
		store = newStore()
		p, ex, err := run(store, c.step, c.plugin)
		changed(store, p, ex, err, c.step, c.plugin)
		if c.done != "" {
			if st := status(ex, c.done); st.Status != registry.StatusDone && st.Status != registry.StatusSkipped {
				t.Errorf("%s: step %s %s %s, want done", c.step, c.done, st.Status, st.Error)
			}
		}
		if c.notRun != "" {
			if st := status(ex, c.notRun); st.Status != registry.StatusNotRun {
				t.Errorf("%s: step %s %s, want not run", c.step, c.notRun, st.Status)
			}
		}
	}

	// Nothing changes: the failed step runs, the others are reused, and
	// each lineage names the binary its key was made with, which is the
	// one that ran.
	p, ex, err := run(store, "", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Steps {
		en, ok, err := store.FindByKey(context.Background(), experiment.RegistryKind(s.Kind), s.Key)
		if err != nil || !ok {
			t.Fatalf("%s: no entry under its key (%v)", s.ID, err)
		}
		m, err := store.Manifest(en)
		if err != nil {
			t.Fatal(err)
		}
		now, _ := host.FileSHA256(filepath.Join(dir, host.BinaryPrefix+s.Plugin))
		if m.Lineage.Plugin == nil || m.Lineage.Plugin.SHA256 != s.SHA256 || s.SHA256 != now {
			t.Errorf("%s: lineage %+v, planned %s, binary %s", s.ID, m.Lineage.Plugin, s.SHA256, now)
		}
	}
	if st := status(ex, "a"); st.Status != registry.StatusDone {
		t.Errorf("analysis a: %s, want done", st.Status)
	}
}
