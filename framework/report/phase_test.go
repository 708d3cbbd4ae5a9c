package report

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/npz"
)

// The phase diagram's data hold the reference points and curves and
// every path as given (non-finite points kept in the data, left out of
// the plot), and the figure saves.
func TestPhaseDiagram(t *testing.T) {
	refs := []PhaseRef{
		{Label: "a point", Source: "s1", Delta: []float64{1.5}, T: []float64{0.5}},
		{Label: "a line", Source: "s2", Delta: []float64{0, 1, 2}, T: []float64{1, 0.8, 0}},
		{Label: "another point", Source: "s3", Delta: []float64{2}, T: []float64{0}},
	}
	paths := []Path{
		{Label: "all64 from ordered", Delta: []float64{0, 0.8, 1.9}, T: []float64{0.4, 0.9, 0.6}},
		{Label: "random64", Delta: []float64{2.5, math.NaN()}, T: []float64{0.4, 1}},
	}
	f, err := PhaseDiagram("flows", refs, paths...)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, err := Save(dir, "phase", f)
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, dir, files, f.Data)
	get := func(name string) []float64 {
		a, ok := npz.Find(f.Data, name)
		if !ok {
			t.Fatalf("no array %s among %d", name, len(f.Data))
		}
		return a.Data.([]float64)
	}
	if d := get("line.Delta"); !slices.Equal(d, []float64{1.5, 2}) || !slices.Equal(get("line.T"), []float64{0.5, 0}) {
		t.Errorf("line: %v %v", d, get("line.T"))
	}
	if !slices.Equal(get("a line.Delta"), refs[1].Delta) || !slices.Equal(get("a line.T"), refs[1].T) {
		t.Errorf("reference curve's data differ from the input")
	}
	if !slices.Equal(get("all64 from ordered.T"), paths[0].T) || !math.IsNaN(get("random64.Delta")[1]) {
		t.Errorf("paths' data differ from the input")
	}
	if _, err := PhaseDiagram("x", nil, Path{Delta: []float64{1}, T: nil}); err == nil || !strings.Contains(err.Error(), "1 Δ and 0 T") {
		t.Errorf("unequal path accepted: %v", err)
	}
	arrays := []npz.Array{npz.Float64("T_mean", []float64{1, 2}, 2), npz.Float64("Delta_mean", []float64{0, 0.5}, 2)}
	if p, err := FlowPath("f", arrays, "mean"); err != nil || !slices.Equal(p.Delta, []float64{0, 0.5}) || !slices.Equal(p.T, []float64{1, 2}) {
		t.Errorf("FlowPath: %+v, %v", p, err)
	}
	if _, err := FlowPath("f", arrays, "mode"); err == nil || !strings.Contains(err.Error(), "T_mode") {
		t.Errorf("FlowPath of a flow without modes: %v", err)
	}
	if _, err := PhaseDiagram("x", nil); err == nil {
		t.Errorf("an empty diagram was accepted")
	}
}

// A (T, Δ) thermometer's distributions are laid out on the grid by
// their classes' coordinates, whatever order the classes come in; a
// distribution that does not match the classes is an error.
func TestGridDistributions(t *testing.T) {
	// Classes (T, Δ) in a scrambled order on a 2×3 grid without (2, 1).
	classes := []float64{2, 0, 1, 1, 1, 0, 2, 2.5, 1, 2.5}
	dist := [][]float64{{0.1, 0.2, 0.3, 0.4, 0}, {0, 0, 1, 0, 0}}
	f, err := GridDistributions("flow x", classes, []int64{0, 10}, dist)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, err := Save(dir, "grid", f)
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, dir, files, f.Data)
	get := func(name string) []float64 {
		a, ok := npz.Find(f.Data, name)
		if !ok {
			t.Fatalf("no array %s", name)
		}
		return a.Data.([]float64)
	}
	if !slices.Equal(get("T"), []float64{1, 2}) || !slices.Equal(get("Delta"), []float64{0, 1, 2.5}) || !slices.Equal(get("iteration"), []float64{0, 10}) {
		t.Errorf("axes: T %v Δ %v iteration %v", get("T"), get("Delta"), get("iteration"))
	}
	// share[it][T][Δ]: iteration 0 row T=1 is (0.3, 0.2, 0), row T=2 is (0.1, NaN, 0.4).
	sh := get("share")
	want := []float64{0.3, 0.2, 0, 0.1, math.NaN(), 0.4, 1, 0, 0, 0, math.NaN(), 0}
	for i := range want {
		if sh[i] != want[i] && !(math.IsNaN(sh[i]) && math.IsNaN(want[i])) {
			t.Fatalf("share = %v, want %v", sh, want)
		}
	}
	if _, err := GridDistributions("x", classes, []int64{0}, [][]float64{{1, 0}}); err == nil || !strings.Contains(err.Error(), "2 shares for 5 classes") {
		t.Errorf("a short distribution: %v", err)
	}
}
