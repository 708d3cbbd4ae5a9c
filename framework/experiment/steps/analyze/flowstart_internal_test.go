package analyze

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/registry"
)

// A flow's configurations are measured by its model at the point it
// started from: the flow's recorded selection of its starting dataset.
// A start that still varies in a label (a (T, Δ) grid flowed from T = 1
// at every Δ) is refused, rather than measured at one Δ — or at the
// model's default Δ, which is what leaving Δ out of the point did.
func TestFlowStartIsOnePoint(t *testing.T) {
	s, err := registry.Open(filepath.Join(t.TempDir(), "reg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var buf bytes.Buffer
	err = npz.Encode(&buf,
		npz.Array{Name: "configs", Shape: []int{4, 4}, Data: make([]int8, 16)},
		npz.Array{Name: "T", Shape: []int{4}, Data: []float64{1, 1, 2, 2}},
		npz.Array{Name: "Delta", Shape: []int{4}, Data: []float64{0, 0.5, 0, 0.5}},
	)
	if err != nil {
		t.Fatal(err)
	}
	den, err := s.Put(t.Context(), registry.Dataset, "grid", []registry.File{{Name: "data.npz", Data: buf.Bytes()}},
		registry.Lineage{Extra: map[string]any{"lattice_shape": []any{2.0, 2.0}}})
	if err != nil {
		t.Fatal(err)
	}
	flow := func(name string, where ...string) registry.Entry {
		w := make([]any, len(where))
		for i, v := range where {
			w[i] = v
		}
		en, err := s.Put(t.Context(), registry.Flow, name, []registry.File{{Name: "flow.npz", Data: []byte(name)}},
			registry.Lineage{Inputs: []registry.Input{{Role: "from", Digest: den.Digest}}, Extra: map[string]any{"where": w}})
		if err != nil {
			t.Fatal(err)
		}
		return en
	}
	fixed, err := flowStart(s, flow("one", "T=1", "Delta=0.5"), den)
	if err != nil || fixed["T"] != 1 || fixed["Delta"] != 0.5 {
		t.Errorf("a flow from (1, 0.5): point %v, %v", fixed, err)
	}
	_, err = flowStart(s, flow("mixed", "T=1"), den)
	if !errors.Is(err, spec.ErrUsage) || !strings.Contains(err.Error(), "Delta") {
		t.Errorf("a flow from T = 1 at two Δ: %v, want a usage error naming Delta", err)
	}
}
