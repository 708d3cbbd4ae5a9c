package experiment

import (
	"slices"
	"testing"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/report"
)

// A two-parameter flow's plane is read from its file's arrays, whatever
// the parameters are called, and its path starts where the flow's
// selection put it.
func TestPlaneAxesAndStart(t *testing.T) {
	f := func(name string) npz.Array { return npz.Float64(name, []float64{1}, 1) }
	arrays := []npz.Array{{Name: "iterations", Shape: []int{1}, Data: []int64{0}},
		f("beta_mean"), f("beta_mode"), f("h_mean"), f("h_mode"), f("classes2")}
	ax, ok := planeAxes(arrays)
	if !ok || ax != (report.Axes{X: "h", Y: "beta"}) {
		t.Fatalf("planeAxes = %+v, %v", ax, ok)
	}
	if _, ok := planeAxes(arrays[:3]); ok {
		t.Errorf("a file of one parameter was taken for a plane")
	}
	if s := startOf([]string{"beta=0.4", "h=0.1"}, ax); !slices.Equal(s, []float64{0.1, 0.4}) {
		t.Errorf("start = %v, want [0.1 0.4]", s)
	}
	if s := startOf([]string{"beta=0.4,0.5", "h=0.1"}, ax); s != nil {
		t.Errorf("a selection of two values has a start: %v", s)
	}
	m := modelRefs{refs: nil}
	if got := m.plane(ax); got != nil {
		t.Errorf("no references, marks %v", got)
	}
}

// Lineage values read as a reader wants them: switches yes/no, lists
// comma-separated, records as pairs with digests shortened (the full
// value kept for hover), never a Go map.
func TestParamValues(t *testing.T) {
	ps := paramsOf(map[string]any{
		"save_configs": false,
		"iterations":   []any{0.0, 1.0, 10.0},
		"thermometer_plugin": map[string]any{"name": "thermometer", "version": "1.0.0",
			"sha256": "sha256:a11014eadcae20ddc2c390efbc4281249a10531320d51b5f280753549d913d04"},
		"lr": 0.1,
	})
	want := []report.Param{
		{Name: "iterations", Value: "0, 1, 10"},
		{Name: "lr", Value: "0.1"},
		{Name: "save_configs", Value: "no"},
		{Name: "thermometer_plugin", Value: "name thermometer; sha256 sha256:a11014eadcae…; version 1.0.0",
			Full: "name thermometer; sha256 sha256:a11014eadcae20ddc2c390efbc4281249a10531320d51b5f280753549d913d04; version 1.0.0"},
	}
	if !slices.Equal(ps, want) {
		t.Errorf("params\n%q\nwant\n%q", ps, want)
	}
}
