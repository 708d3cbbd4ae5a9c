package compare_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/rgml/rgml/framework/compare"
	"github.com/rgml/rgml/registry"
)

// A learner's float32 metric 0.1 is recorded as 0.10000000149011612 and
// printed as 0.1; --where 'final:learning_rate=0.1' found no model. A
// filter compares such a value as printed: = 0.1 holds, > 0.1 does not.
func TestFilterFloat32AsPrinted(t *testing.T) {
	s, err := registry.Open(filepath.Join(t.TempDir(), "reg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i, lr := range []float32{0.1, 0.2} {
		l := registry.Lineage{Plugin: &registry.PluginRef{Name: "l", Version: "1", SHA256: "cd"}, Seed: 1,
			Metrics: &registry.Metrics{Epochs: 1, FinalLosses: map[string]float64{"learning_rate": float64(lr)}}}
		if _, err := s.Put(context.Background(), registry.Model, "r", []registry.File{{Name: "w.npz", Data: fmt.Appendf(nil, "w%d", i)}}, l); err != nil {
			t.Fatal(err)
		}
	}
	for where, want := range map[string]int{"final:learning_rate=0.1": 1, "final:learning_rate>0.1": 1, "final:learning_rate<=0.2": 2, "final:learning_rate!=0.1": 1} {
		fs, err := compare.ParseFilters([]string{where})
		if err != nil {
			t.Fatal(err)
		}
		tab, err := compare.Where(s, registry.Model, nil, fs)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		if len(tab.Rows) != want {
			t.Errorf("%s: %d rows, want %d", where, len(tab.Rows), want)
		}
	}
}
