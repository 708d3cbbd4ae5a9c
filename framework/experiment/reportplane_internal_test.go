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
