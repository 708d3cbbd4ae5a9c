package report

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/npz"
)

var bc = Axes{X: "Delta", Y: "T"}

// The plane's data hold the reference points and curves and every path
// as given (non-finite points kept in the data, left out of the plot),
// and the figure saves.
func TestPlaneFlows(t *testing.T) {
	refs := []PlaneRef{
		{Label: "a point", Source: "s1", X: []float64{1.5}, Y: []float64{0.5}},
		{Label: "a line", Source: "s2", X: []float64{0, 1, 2}, Y: []float64{1, 0.8, 0}},
		{Label: "another point", Source: "s3", X: []float64{2}, Y: []float64{0}},
	}
	paths := []Path{
		{Label: "all64 from ordered", X: []float64{0, 0.8, 1.9}, Y: []float64{0.4, 0.9, 0.6}, Start: []float64{0, 0.4}},
		{Label: "random64", X: []float64{2.5, math.NaN()}, Y: []float64{0.4, 1}},
	}
	f, err := PlaneFlows("flows", bc, refs, paths...)
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
	if !slices.Equal(get("a line.Delta"), refs[1].X) || !slices.Equal(get("a line.T"), refs[1].Y) {
		t.Errorf("reference curve's data differ from the input")
	}
	if !slices.Equal(get("all64 from ordered.T"), paths[0].Y) || !math.IsNaN(get("random64.Delta")[1]) {
		t.Errorf("paths' data differ from the input")
	}
	if s := get("all64 from ordered.start"); !slices.Equal(s, []float64{0, 0.4}) {
		t.Errorf("the path's start in the data: %v", s)
	}
	if f.Plot.X.Label.Text != "Δ" || f.Plot.Y.Label.Text != "T" {
		t.Errorf("axes labelled %q, %q", f.Plot.X.Label.Text, f.Plot.Y.Label.Text)
	}
	if _, err := PlaneFlows("x", bc, nil, Path{X: []float64{1}, Y: nil}); err == nil || !strings.Contains(err.Error(), "1 Δ and 0 T") {
		t.Errorf("unequal path accepted: %v", err)
	}
	if _, err := PlaneFlows("x", bc, nil); err == nil {
		t.Errorf("an empty diagram was accepted")
	}
}

// A plane of other parameters is labelled, keyed and read by their
// names: nothing on it assumes which two parameters a model has.
func TestPlaneOfOtherParameters(t *testing.T) {
	ax := Axes{X: "h", Y: "beta"}
	f, err := PlaneFlows("flows", ax, []PlaneRef{{Label: "c", Source: "s", X: []float64{0}, Y: []float64{0.44}}},
		Path{Label: "p", X: []float64{0, 0.1}, Y: []float64{0.2, 0.3}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Plot.X.Label.Text != "h" || f.Plot.Y.Label.Text != "β" {
		t.Errorf("axes labelled %q, %q", f.Plot.X.Label.Text, f.Plot.Y.Label.Text)
	}
	for _, name := range []string{"line.h", "line.beta", "p.h", "p.beta"} {
		if _, ok := npz.Find(f.Data, name); !ok {
			t.Errorf("no array %s", name)
		}
	}
	g, err := GridDistributions("grid", ax, []float64{0.2, 0, 0.3, 0.1}, []int64{0}, [][]float64{{0.5, 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := npz.Find(g.Data, "beta"); !ok || g.Plot.Y.Label.Text != "β" {
		t.Errorf("grid: data %v, y label %q", g.Data, g.Plot.Y.Label.Text)
	}
}

// A (T, Δ) thermometer's distributions are laid out on the grid by
// their classes' coordinates, whatever order the classes come in; a
// distribution that does not match the classes is an error.
func TestGridDistributions(t *testing.T) {
	// Classes (T, Δ) in a scrambled order on a 2×3 grid without (2, 1).
	classes := []float64{2, 0, 1, 1, 1, 0, 2, 2.5, 1, 2.5}
	dist := [][]float64{{0.1, 0.2, 0.3, 0.4, 0}, {0, 0, 1, 0, 0}}
	f, err := GridDistributions("flow x", bc, classes, []int64{0, 10}, dist)
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
	if _, err := GridDistributions("x", bc, classes, []int64{0}, [][]float64{{1, 0}}); err == nil || !strings.Contains(err.Error(), "2 shares for 5 classes") {
		t.Errorf("a short distribution: %v", err)
	}
}
