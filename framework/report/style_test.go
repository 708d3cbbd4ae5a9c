package report

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
)

func labels(ticks []plot.Tick, min, max float64) []string {
	var out []string
	for _, t := range ticks {
		if t.Label != "" && t.Value >= min*(1-1e-9) && t.Value <= max*(1+1e-9) {
			out = append(out, t.Label)
		}
	}
	return out
}

// Tick labels are short numbers: decades of a log axis (with labelled
// minor ticks when the axis spans under a decade, never a lone
// unlabelled tick), integers on an integer axis.
func TestTicks(t *testing.T) {
	if got := tickLabel(1.0000000000000004e-05); got != "1e-5" {
		t.Errorf("tickLabel(1.0000000000000004e-05) = %q", got)
	}
	if got := tickLabel(0.30000000000000004); got != "0.3" {
		t.Errorf("tickLabel(0.30000000000000004) = %q", got)
	}
	for _, c := range []struct {
		min, max float64
		want     []string // nil: only check count and form
	}{
		{1e-15, 100, nil},
		{0.01, 10, []string{"0.01", "0.1", "1", "10"}},
		{0.3, 0.7, []string{"0.3", "0.5"}}, // under a decade: 2, 3, 5 × 10ⁿ
		{0.62, 0.68, nil},                  // within one step: linear ticks
		{0.9, 1.6, nil},
	} {
		got := labels(logTicks{}.Ticks(c.min, c.max), c.min, c.max)
		if len(got) < 2 || len(got) > 8 || (c.want != nil && !slices.Equal(got, c.want)) {
			t.Errorf("log ticks on [%g, %g]: %q, want %q (2 to 8 labels)", c.min, c.max, got, c.want)
		}
		for _, l := range got {
			if len(l) > 6 {
				t.Errorf("log ticks on [%g, %g]: label %q", c.min, c.max, l)
			}
		}
	}
	for _, r := range [][2]float64{{0, 9}, {-0.5, 9.5}, {0, 1000}, {1, 3}} {
		got := labels(integerTicks(r[0], r[1]), r[0], r[1])
		if len(got) < 2 || len(got) > 9 {
			t.Errorf("integer ticks on %v: %q", r, got)
		}
		for _, l := range got {
			if _, err := strconv.Atoi(l); err != nil {
				t.Errorf("integer ticks on %v: %q", r, got)
			}
		}
	}
}

// Every figure kind, drawn from data of the paper's sizes and of the
// cases the style was written for (a loss spanning under a decade, a
// spectrum with a numerical-zero floor, integer distances, a signed
// matrix with an outlier), passes Check.
func TestEveryFigureKindPassesCheck(t *testing.T) {
	for _, it := range allItems() {
		f, err := it.Make()
		if err != nil {
			continue // the item whose data are missing
		}
		for _, p := range Check(f) {
			t.Errorf("%s: %s", it.Name, p)
		}
	}
}

// Check catches what the style forbids, so that passing it means
// something: a lone log tick, noisy labels, a heat map without a key or
// with a palette off 0, a legend on the data, a non-finite point, a
// doubled title.
func TestCheckCatches(t *testing.T) {
	bad := plot.New()
	bad.Title.Text = "flow flow-a"
	bad.Y.Scale, bad.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
	pts := plotter.XYs{{X: 0, Y: 0.3}, {X: 1, Y: 0.5}, {X: 2, Y: 0.7}, {X: 3, Y: math.Inf(1)}}
	l, _ := plotter.NewLine(pts[:3])
	sc, _ := plotter.NewScatter(plotter.XYs{{X: 3, Y: 0.7}})
	bad.Add(l, sc)
	sc.XYs[0].Y = math.NaN() // after Add, which would take it into the range
	bad.Legend.Add("a curve with a long name", l)
	problems := strings.Join(Check(&Figure{Plot: bad}), "\n")
	for _, want := range []string{"y axis: 0 labelled", "doubles \"flow\"", "plotted"} {
		if !strings.Contains(problems, want) {
			t.Errorf("Check missed %q in\n%s", want, problems)
		}
	}
	// A legend in the data area, as gonum draws it, over a curve.
	f, err := Lines(LineOptions{Title: "t"}, Series{Label: "s", X: []float64{0, 1, 2}, Y: []float64{1, 1, 1}})
	if err != nil {
		t.Fatal(err)
	}
	if p := Check(f); len(p) != 0 {
		t.Errorf("a plain line: %v", p)
	}
	r := f.Plot.Legend.Rectangle(nullCanvas(Width, Height))
	l2 := f.layout(nullCanvas(Width, Height))
	dc := l2.data[0]
	inside := dc.Rectangle
	inside.Min.Y = dc.Max.Y - (r.Max.Y - r.Min.Y) - 1000 // a legend across the data's height
	if p := checkPlotters(f.Plot, dc, inside, false); len(p) == 0 {
		t.Errorf("a legend over the data went unnoticed")
	}
	h, err := Heatmap("m", "j", "i", []float64{-1, 2, 3, 4}, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	h.Side = nil
	hp := plotters(h.Plot)[0].(*plotter.HeatMap)
	hp.Min, hp.Max = -1, 4
	problems = strings.Join(Check(h), "\n")
	for _, want := range []string{"without a colour bar", "not centred on 0"} {
		if !strings.Contains(problems, want) {
			t.Errorf("Check missed %q in\n%s", want, problems)
		}
	}
	noisy := plot.New()
	noisy.Add(l)
	noisy.X.Tick.Marker = plot.ConstantTicks(nil)
	noisy.Y.Tick.Marker = plot.TickerFunc(func(min, max float64) []plot.Tick {
		return []plot.Tick{{Value: 0.5, Label: "0.5000000000000001"}, {Value: 0.6, Label: "0.6"}}
	})
	if p := strings.Join(Check(&Figure{Plot: noisy}), "\n"); !strings.Contains(p, "not short") {
		t.Errorf("Check missed a noisy label: %s", p)
	}
}

// Lattice panels are square (each site a square on the drawn data area)
// and keyed by the configurations' states.
func TestConfigurationsSquareWithKey(t *testing.T) {
	const L = 10
	c := func(v ...int8) []int8 {
		out := make([]int8, L*L)
		for i := range out {
			out[i] = v[i%len(v)]
		}
		return out
	}
	for _, tc := range []struct {
		configs [][]int8
		states  []string
	}{
		{[][]int8{c(1), c(-1), c(1, -1), c(-1, 1, 1)}, []string{"−1", "+1"}},
		{[][]int8{c(1, 0), c(-1, 0, 1)}, []string{"−1", "0", "+1"}},
	} {
		f, err := Configurations(L, tc.configs, make([]string, len(tc.configs)))
		if err != nil {
			t.Fatal(err)
		}
		w, h := f.size()
		dc := f.layout(nullCanvas(w, h)).data[0]
		cols := len(tc.configs)*L + len(tc.configs) - 1
		site := [2]float64{float64(dc.Size().X) / float64(cols), float64(dc.Size().Y) / L}
		if math.Abs(site[0]/site[1]-1) > 0.02 {
			t.Errorf("%d panels: a site is drawn %.3g × %.3g", len(tc.configs), site[0], site[1])
		}
		if f.Side == nil {
			t.Fatalf("no key of states")
		}
		got := labels(f.Side.Y.Tick.Marker.Ticks(f.Side.Y.Min, f.Side.Y.Max), math.Inf(-1), math.Inf(1))
		if !slices.Equal(got, tc.states) {
			t.Errorf("key of states %q, want %q", got, tc.states)
		}
		if p := Check(f); len(p) != 0 {
			t.Errorf("%v", p)
		}
	}
}

// A signed matrix is drawn diverging, centred on 0; a matrix of one sign
// sequentially from its minimum to its maximum; both with a colour bar.
func TestHeatmapPalette(t *testing.T) {
	for _, c := range []struct {
		m      []float64
		lo, hi float64
	}{{[]float64{-1, 3, 0.5, 2}, -3, 3}, {[]float64{0, 0.2, 0.1, 0.4}, 0, 0.4}} {
		f, err := Heatmap("m", "j", "i", c.m, 2, 2)
		if err != nil {
			t.Fatal(err)
		}
		h := plotters(f.Plot)[0].(*plotter.HeatMap)
		if h.Min != c.lo || h.Max != c.hi || f.Side == nil {
			t.Errorf("%v: palette over [%g, %g] (want [%g, %g]), colour bar %v", c.m, h.Min, h.Max, c.lo, c.hi, f.Side != nil)
		}
	}
}

// Points left out of a plot are counted in its notes, with why; a
// numerical-zero floor on a log axis is not drawn as data.
func TestLinesNotesWhatItLeavesOut(t *testing.T) {
	y := make([]float64, 100)
	for i := range y {
		y[i] = math.Pow(0.9, float64(i))
		if i >= 59 {
			y[i] = 1e-15 * float64(i%3+1)
		}
	}
	y[3] = math.NaN()
	x := make([]float64, 100)
	for i := range x {
		x[i] = float64(i + 1)
	}
	f, err := Lines(LineOptions{Title: "spectrum", LogY: true}, Series{Label: "λ", X: x, Y: y})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(f.Notes, " ")
	for _, want := range []string{"41 of 100 points of λ not drawn: below", "1 of 100 points of λ not drawn: not finite"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes %q lack %q", notes, want)
		}
	}
	if p := Check(f); len(p) != 0 {
		t.Errorf("%v", p)
	}
}

// A history of quantities of different scales is one panel per
// quantity, stacked, sharing the x axis (labelled once, at the bottom),
// with the data of one line figure.
func TestSmallMultiples(t *testing.T) {
	x := []float64{1, 2, 3, 4}
	f, err := SmallMultiples("h", "epoch", Series{Label: "lr", X: x, Y: []float64{1e-3, 1e-3, 1e-3, 1e-3}},
		Series{Label: "norm", X: x, Y: []float64{1, 20, 30, 40}}, Series{Label: "err", X: x[:3], Y: []float64{0.1, 0.05, 0.04}})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Panels) != 3 || f.Plot != f.Panels[0] {
		t.Fatalf("%d panels", len(f.Panels))
	}
	for i, p := range f.Panels {
		n := len(labels(p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max), p.X.Min, p.X.Max))
		if p.X.Min != 1 || p.X.Max != 4 || (i < 2) != (n == 0) || p.Y.Label.Text != []string{"lr", "norm", "err"}[i] {
			t.Errorf("panel %d: x [%g, %g] with %d labels, y %q", i, p.X.Min, p.X.Max, n, p.Y.Label.Text)
		}
	}
	if _, ok := npz.Find(f.Data, "norm.y"); !ok || len(f.Data) != 6 {
		t.Errorf("data %v", f.Data)
	}
	w, h := f.size()
	l := f.layout(nullCanvas(w, h))
	for i := 1; i < 3; i++ {
		if l.data[i].Min.X != l.data[0].Min.X || l.data[i].Max.Y > l.data[i-1].Min.Y {
			t.Errorf("panel %d's data area %v is not below panel %d's %v, aligned", i, l.data[i].Rectangle, i-1, l.data[i-1].Rectangle)
		}
	}
	if p := Check(f); len(p) != 0 {
		t.Errorf("%v", p)
	}
}

// A constant is drawn on an axis around its value, not around 0.
func TestConstantSeriesAxis(t *testing.T) {
	f, err := Lines(LineOptions{}, Series{X: []float64{1, 2}, Y: []float64{1e-3, 1e-3}})
	if err != nil {
		t.Fatal(err)
	}
	if y := f.Plot.Y; !(y.Min > 0 && y.Max < 2e-3) {
		t.Errorf("y axis [%g, %g] for a constant 1e-3", y.Min, y.Max)
	}
	if p := Check(f); len(p) != 0 {
		t.Errorf("%v", p)
	}
}

// A log x axis whose data start at 0 (iteration 0, the input itself)
// keeps 0 on a log(1 + x) axis, labelled, and says so.
func TestIterationZeroKept(t *testing.T) {
	f, err := FlowTemperatures("t", "T", true, []Ref{{"T_c", 2.27}}, Series{Label: "energy", X: []float64{0, 1, 10, 100}, Y: []float64{1, 2, 2.2, 2.3}})
	if err != nil {
		t.Fatal(err)
	}
	if got := labels(f.Plot.X.Tick.Marker.Ticks(f.Plot.X.Min, f.Plot.X.Max), -1, 101); len(got) < 3 || got[0] != "0" {
		t.Errorf("x ticks %q", got)
	}
	l := f.layout(nullCanvas(Width, Height))
	x, _ := f.Plot.Transforms(&l.data[0])
	if x(0) < l.data[0].Min.X || x(1) <= x(0) || x(100)-x(10) < (x(10)-x(1))*0.9 {
		t.Errorf("x = 0, 1, 10, 100 drawn at %v, %v, %v, %v", x(0), x(1), x(10), x(100))
	}
	if len(f.Notes) != 1 || !strings.Contains(f.Notes[0], "1 + x") {
		t.Errorf("notes %q", f.Notes)
	}
	if p := Check(f); len(p) != 0 {
		t.Errorf("%v", p)
	}
}

// An analyzer's series named "quantity@selection" reads in the legend
// as "quantity, selection", its data keep the name; integer x gets
// integer ticks.
func TestHintLegendAndIntegerAxis(t *testing.T) {
	res := []npz.Array{vec1("r", []float64{0, 1, 2, 3, 4, 5}), vec1("G@iteration=0", []float64{1, 0.5, 0.3, 0.2, 0.1, 0.05})}
	f, err := FromHint(res, sdk.Figure{Name: "g", Kind: sdk.FigureLine, X: "r", Series: []string{"G@iteration=0"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := npz.Find(f.Data, "G@iteration=0.y"); !ok {
		t.Errorf("data %v", f.Data)
	}
	if lt, ok := f.Plot.X.Tick.Marker.(linearTicks); !ok || !lt.integer {
		t.Errorf("x ticks %T %v", f.Plot.X.Tick.Marker, f.Plot.X.Tick.Marker)
	}
	if got := legendOf("G@iteration=0,L=10"); got != "G, iteration = 0, L = 10" {
		t.Errorf("legendOf = %q", got)
	}
}

// A figure with error bars says in its notes what they are; one
// without says nothing about them.
func TestErrorBarsSaid(t *testing.T) {
	x, y := []float64{1, 2}, []float64{1, 2}
	with, _ := Lines(LineOptions{}, Series{X: x, Y: y, Err: []float64{0.1, 0.1}})
	without, _ := Lines(LineOptions{}, Series{X: x, Y: y})
	if len(with.Notes) != 1 || !strings.Contains(with.Notes[0], "±1σ") || len(without.Notes) != 0 {
		t.Errorf("notes with error bars %q, without %q", with.Notes, without.Notes)
	}
}

// SaveImage draws what Save draws: every panel of small multiples (the
// image as tall as Save's), not only the first plot.
func TestSaveImageDrawsTheWholeFigure(t *testing.T) {
	x := []float64{1, 2, 3}
	f, err := SmallMultiples("h", "epoch", Series{Label: "a", X: x, Y: x}, Series{Label: "b", X: x, Y: x},
		Series{Label: "c", X: x, Y: x}, Series{Label: "d", X: x, Y: x})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, err := Save(dir, "s", f)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "alone.png")
	if err := SaveImage(path, f); err != nil {
		t.Fatal(err)
	}
	r, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cfg, err := png.DecodeConfig(r)
	if err != nil || cfg.Width != files.W || cfg.Height != files.H || files.H <= files.W {
		t.Errorf("SaveImage: %d×%d (%v); Save: %d×%d, taller than wide", cfg.Width, cfg.Height, err, files.W, files.H)
	}
	if err := SaveImage(filepath.Join(dir, "x.gif"), f); err == nil {
		t.Errorf("a .gif was accepted")
	}
}

// A value an analyzer flags as sitting at its fit's bound is drawn as a
// limit (an open circle with an arrow, outside the line and without an
// error bar) and the caption says so; Check passes it, and fails the
// same value drawn as a measured point.
func TestLimitsDrawnAsLimits(t *testing.T) {
	var xi Item
	for _, it := range allItems() {
		if it.Name == "xi" {
			xi = it
		}
	}
	f, err := xi.Make()
	if err != nil {
		t.Fatal(err)
	}
	if p := Check(f); len(p) != 0 {
		t.Errorf("the figure with limits fails its check: %v", p)
	}
	if want := (Limit{X: 0.5, Y: 1000, Dir: 1}); len(f.Limits) != 2 || f.Limits[0] != want {
		t.Errorf("declared limits %v, want (0.5, 1000, +1) and (1, 999.99, +1)", f.Limits)
	}
	if notes := strings.Join(f.Notes, " "); !strings.Contains(notes, "2 of 6 points of xi sit at a bound of their fit") {
		t.Errorf("the caption does not say which points are limits: %q", notes)
	}
	var limits, measured int
	for _, d := range plotters(f.Plot) {
		switch d := d.(type) {
		case *limitPoints:
			limits += d.Len()
		case *plotter.Scatter:
			measured += d.Len()
		}
	}
	if limits != 2 || measured != 4 {
		t.Errorf("%d points drawn as limits and %d as measured, want 2 and 4", limits, measured)
	}
	if _, ok := npz.Find(f.Data, "xi.limit"); !ok {
		t.Error("the figure's data lack the limit flags")
	}

	// The same values with no flag drawn, but declared: Check fails it.
	plain, err := Lines(LineOptions{Title: "ξ", XLabel: "T", YLabel: "ξ"},
		Series{Label: "xi", X: []float64{0.5, 1, 1.5}, Y: []float64{1000, 8, 3}})
	if err != nil {
		t.Fatal(err)
	}
	plain.Limits = []Limit{{X: 0.5, Y: 1000, Dir: 1}}
	if p := strings.Join(Check(plain), "\n"); !strings.Contains(p, "(0.5, 1000) at a bound of its fit is drawn as a measured point") {
		t.Errorf("Check passed a value at its fit's bound drawn as a measured point: %q", p)
	}
}
