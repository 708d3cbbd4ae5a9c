package experiment_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/sdk/sdktest"
)

type launches struct {
	mu sync.Mutex
	n  map[string]int
}

func (l *launches) PluginStarted(name string) { l.mu.Lock(); l.n[name]++; l.mu.Unlock() }
func (l *launches) PluginCrashed(string)      {}
func (l *launches) ObserveRPC(string, string, time.Duration) {
}

// Validation against the real plugin processes, through the host: the
// descriptions and keys agree with the plugins' libraries except for the
// binaries' digests, each plugin starts once, and an unknown plugin starts
// none.
func TestHostCatalog(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the plugins")
	}
	dir := t.TempDir()
	for _, name := range []string{"ising", "rbm", "thermometer"} {
		bin := sdktest.Build(t, "../../plugins/"+name+"/cmd/rgml-plugin-"+name)
		b, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "rgml-plugin-"+name), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	obs := &launches{n: map[string]int{}}
	h := host.New(host.Config{Dir: dir, Observer: obs})
	defer h.Close()
	if _, err := h.WriteLock(); err != nil {
		t.Fatal(err)
	}
	cat := &experiment.HostCatalog{Host: h}
	s, err := experiment.Parse("study.yaml", []byte(study))
	if err != nil {
		t.Fatal(err)
	}
	p, err := experiment.NewPlan(context.Background(), s, cat)
	if err != nil {
		t.Fatal(err)
	}
	lib := plan(t, "study.yaml", study)
	for i, st := range p.Steps {
		sum, err := host.FileSHA256(filepath.Join(dir, "rgml-plugin-"+st.Plugin))
		if err != nil || st.SHA256 != sum {
			t.Errorf("%s: plugin digest %s, binary %s (%v)", st.ID, st.SHA256, sum, err)
		}
		if st.Kind == experiment.KindDataset {
			// Only the digest differs from the plan made from the libraries.
			want := bytes.Replace(lib.Steps[i].Canonical, []byte(lib.Steps[i].SHA256), []byte(sum), 1)
			if !bytes.Equal(st.Canonical, want) {
				t.Errorf("%s:\n got %s\nwant %s", st.ID, st.Canonical, want)
			}
		}
	}
	for name, n := range obs.n {
		if n != 1 {
			t.Errorf("plugin %s started %d times", name, n)
		}
	}
	for _, src := range []string{
		"datasets:\n  - name: d\n    model: potts\n",                                                   // not installed
		"datasets:\n  - name: d\n    model: rbm\n",                                                     // a learner
		"datasets:\n  - {name: d, model: ising}\ntrainings:\n  - {name: t, learner: ising, data: d}\n", // a model
	} {
		bad, err := experiment.Parse("s.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		_, err = experiment.NewPlan(context.Background(), bad, cat)
		if !errors.Is(err, experiment.ErrUsage) || !strings.HasPrefix(err.Error(), "s.yaml:") {
			t.Errorf("%q: err %v, want a usage error at its place", src, err)
		}
	}
}
