package experiment_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

// putDataset registers a stand-in sampled dataset as rgml sample records
// one: its grid and L in the lineage, under key.
func putDataset(t *testing.T, s *registry.Store, name string, L int, T []float64, key string) registry.Entry {
	t.Helper()
	en, err := s.Put(context.Background(), registry.Dataset, name, []registry.File{{Name: "data.npz", Data: []byte(key)}}, registry.Lineage{
		Plugin:     &registry.PluginRef{Name: "ising", Version: "1", SHA256: "ising-sha"},
		Parameters: map[string]any{"L": L, "T": T},
		Key:        key,
	})
	if err != nil {
		t.Fatal(err)
	}
	return en
}

func planIn(t *testing.T, s *registry.Store, src string) (*experiment.Plan, error) {
	t.Helper()
	sp, err := experiment.Parse("s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return experiment.NewPlanIn(context.Background(), sp, catalog(t), s)
}

// A spec's registry:NAME input is resolved when planning: it is no step
// of the plan (nothing runs it, nothing waits for it), the step reading
// it has the entry's key in its own, an unpinned name follows a new
// version and a pinned one does not, and the entry's labels and lattice
// size are checked as a step's would be.
func TestPlanResolvesRegistryInputs(t *testing.T) {
	s, err := registry.Open(filepath.Join(t.TempDir(), "reg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	k1, k2 := strings.Repeat("a", 64), strings.Repeat("b", 64)
	d1 := putDataset(t, s, "d", 4, []float64{1, 3}, k1)
	putDataset(t, s, "big", 8, []float64{1, 3}, strings.Repeat("c", 64))
	train := func(data string, more ...string) string {
		return "trainings:\n  - {name: r, learner: rbm, data: \"" + data + "\", where: {T: 3}, set: {hidden: 4}" + strings.Join(more, "") + "}\n"
	}
	key := func(data string) string {
		t.Helper()
		p, err := planIn(t, s, train(data))
		if err != nil {
			t.Fatal(err)
		}
		st, ok := p.Step("training/r")
		if !ok || len(p.Steps) != 1 {
			t.Fatalf("plan of %s: %d steps", data, len(p.Steps))
		}
		if len(st.Deps) != 0 || strings.Join(st.Reads, " ") != "dataset/"+data {
			t.Errorf("%s: deps %v, reads %v", data, st.Deps, st.Reads)
		}
		if len(p.Registry) != 1 || p.Registry[0].Registry.Entry.Digest == "" {
			t.Fatalf("%s: registry inputs %v", data, p.Registry)
		}
		return st.Key + " " + p.Registry[0].Registry.Entry.Ref()
	}
	unpinned, pinned := key("registry:d"), key("registry:d:1")
	if unpinned != pinned || !strings.HasSuffix(unpinned, " d:1") {
		t.Errorf("registry:d and registry:d:1 of one entry: %s vs %s", unpinned, pinned)
	}
	putDataset(t, s, "d", 4, []float64{1, 3}, k2)
	if got := key("registry:d"); got == unpinned || !strings.HasSuffix(got, " d:2") {
		t.Errorf("registry:d after d:2 of another key: %s, before %s", got, unpinned)
	}
	if got := key("registry:d:1"); got != pinned {
		t.Errorf("registry:d:1 after d:2: %s, before %s", got, pinned)
	}
	if got := key("registry:sha256:" + strings.TrimPrefix(d1.Digest, "sha256:")[:12]); got != pinned {
		t.Errorf("d:1 by its digest: %s, by name %s", got, pinned)
	}

	// A name that is also a prefix of another entry's digest.
	amb := strings.TrimPrefix(d1.Digest, "sha256:")[:8]
	putDataset(t, s, amb, 4, []float64{1, 3}, strings.Repeat("d", 64))
	for _, tc := range []struct{ src, want string }{
		{train("registry:" + amb), "ambiguous reference: dataset \"" + amb + "\" is both a name and a digest prefix"},
		{strings.Replace(train("registry:d"), "T: 3", "T: 2", 1), `selects no configuration of registry:d (its T values: 1, 3)`},
		{train("registry:d", `, test: "registry:big"`), `registry:big is 8×8, the training data registry:d is 4×4`},
		{train("registry:nope"), `data: registry:nope: not found: dataset "nope"`},
		{"flows:\n  - {name: f, rbm: \"registry:d\", thermometer: \"registry:d\", from: \"registry:d\"}\n", `there is no model named "d" (but there is a dataset with that name)`},
	} {
		_, err := planIn(t, s, tc.src)
		if !errors.Is(err, experiment.ErrUsage) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "s.yaml:2:") {
			t.Errorf("%q: %v, want %q", tc.src, err, tc.want)
		}
	}
	sp, err := experiment.Parse("s.yaml", []byte(train("registry:d")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := experiment.NewPlan(context.Background(), sp, catalog(t)); !errors.Is(err, experiment.ErrUsage) || !strings.Contains(err.Error(), "registry:d: there is no registry to read it from") {
		t.Errorf("no registry: %v", err)
	}
}
