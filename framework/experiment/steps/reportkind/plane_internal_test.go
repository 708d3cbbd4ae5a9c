package reportkind

import (
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/report"
)

// A two-parameter flow's plane is read from its file's arrays, whatever
// the parameters are called, and its path starts where the flow's
// selection put it.
func TestPlaneAxesAndStart(t *testing.T) {
	one := []float64{1}
	f := formats.Flow{Labels: []string{"T", "h"}, Iterations: []int64{0}, TMean: one, TMode: one, Classes: []float64{1, 1}, Distribution: one,
		Two: &formats.TwoParameter{DeltaMean: one, DeltaMode: one, Observables: []formats.FlowObservable{{Name: "magnetization", Abs: true, Values: one}}, EqT: one, EqDelta: one}}
	ax, ok := planeAxes(f)
	if !ok || ax != (report.Axes{X: "h", Y: "T"}) {
		t.Fatalf("planeAxes = %+v, %v", ax, ok)
	}
	f.Two.DeltaMode = []float64{2}
	if p, err := planePath("p", f, ax, "mode"); err != nil || p.X[0] != 2 || p.Y[0] != 1 {
		t.Errorf("planePath by mode: %+v, %v", p, err)
	}
	if _, err := planePath("p", f, report.Axes{X: "Delta", Y: "T"}, "mean"); err == nil || !strings.Contains(err.Error(), "Delta") {
		t.Errorf("planePath on a plane the flow does not read: %v", err)
	}
	f.Two, f.Labels = nil, []string{"T"}
	if _, ok := planeAxes(f); ok {
		t.Errorf("a file of one parameter was taken for a plane")
	}
	if s := startOf([]string{"T=0.4", "h=0.1"}, ax); !slices.Equal(s, []float64{0.1, 0.4}) {
		t.Errorf("start = %v, want [0.1 0.4]", s)
	}
	if s := startOf([]string{"T=0.4,0.5", "h=0.1"}, ax); s != nil {
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
		// As a flow records its plugins: the bare hex digest.
		"rbm_plugin": map[string]any{"name": "rbm", "sha256": "4a458593c5dc126adde9577fa847c4325231ad443d939002d2244ea4d3762b2b"},
	})
	want := []report.Param{
		{Name: "iterations", Value: "0, 1, 10"},
		{Name: "lr", Value: "0.1"},
		{Name: "rbm_plugin", Value: "name rbm; sha256 4a458593c5dc…",
			Full: "name rbm; sha256 4a458593c5dc126adde9577fa847c4325231ad443d939002d2244ea4d3762b2b"},
		{Name: "save_configs", Value: "no"},
		{Name: "thermometer_plugin", Value: "name thermometer; sha256 sha256:a11014eadcae…; version 1.0.0",
			Full: "name thermometer; sha256 sha256:a11014eadcae20ddc2c390efbc4281249a10531320d51b5f280753549d913d04; version 1.0.0"},
	}
	if !slices.Equal(ps, want) {
		t.Errorf("params\n%q\nwant\n%q", ps, want)
	}
}
