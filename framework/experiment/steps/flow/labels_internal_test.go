package flow

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// A flow's columns are named by what its thermometer learned, read from
// the thermometer's lineage: a thermometer of beta makes beta_mean and
// beta_mode, one of no recorded label is refused, and a reading whose
// classes do not match the labels' count is an error, not a guess.
func TestFlowColumnsFromThermometerLabel(t *testing.T) {
	s, err := registry.Open(filepath.Join(t.TempDir(), "reg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	put := func(name string, extra map[string]any) registry.Entry {
		en, err := s.Put(t.Context(), registry.Model, name, []registry.File{{Name: "weights.npz", Data: []byte(name)}},
			registry.Lineage{Extra: extra})
		if err != nil {
			t.Fatal(err)
		}
		return en
	}
	labels, err := learnedLabels(s, put("beta", map[string]any{"label": "beta"}))
	if err != nil || !slices.Equal(labels, []string{"beta"}) {
		t.Fatalf("labels %v, %v", labels, err)
	}
	if l, err := learnedLabels(s, put("joint", map[string]any{"label": "beta,h"})); err != nil || !slices.Equal(l, []string{"beta", "h"}) {
		t.Errorf("joint labels %v, %v", l, err)
	}
	if _, err := learnedLabels(s, put("none", nil)); err == nil || !strings.Contains(err.Error(), "records no label") {
		t.Errorf("a model of no label: %v", err)
	}

	n, L := 1, 2
	cfg := []int8{1, 1, 1, 1}
	one := []sdk.Tensor{{Name: "distribution", Shape: []int{2}, Data: []float64{0.25, 0.75}},
		{Name: "classes", Shape: []int{2}, Data: []float64{0.5, 1}}}
	res := &FlowResult{Labels: labels, Iterations: []int64{0}, TMean: make([]float64, 1), TMode: make([]float64, 1)}
	if err := res.ReadOut(0, one); err != nil {
		t.Fatal(err)
	}
	arrays, err := res.File(cfg, n, L*L, false, sdk.Dataset{Size: L}).Arrays()
	if err != nil {
		t.Fatal(err)
	}
	if m := npz.Float64s(arrays, "beta_mean"); len(m) != 1 || m[0] != 0.875 || npz.Float64s(arrays, "T_mean") != nil {
		t.Errorf("columns %v: want beta_mean [0.875] and no T_mean", names(arrays))
	}
	two := []sdk.Tensor{{Name: "distribution", Shape: []int{2}, Data: []float64{0.25, 0.75}},
		{Name: "classes", Shape: []int{2, 2}, Data: []float64{0.5, 0, 1, 1}}}
	res = &FlowResult{Labels: labels, Iterations: []int64{0}, TMean: make([]float64, 1), TMode: make([]float64, 1)}
	if err := res.ReadOut(0, two); err == nil || !strings.Contains(err.Error(), `learned "beta"`) {
		t.Errorf("two columns of classes from a thermometer of one label: %v", err)
	}
}

func names(arrays []npz.Array) []string {
	var out []string
	for _, a := range arrays {
		out = append(out, a.Name)
	}
	return out
}
