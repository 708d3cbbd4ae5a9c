package report

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/rgml/rgml/framework/npz"
)

// Axes name the two parameters of a plane, as the data name them (e.g.
// "Delta" across and "T" up): they key the figure's arrays and, spelled
// by Symbol, label its axes.
type Axes struct{ X, Y string }

// PlaneRef is a reference mark on a plane, as a model declares it: a
// point (one X and one Y) or a polyline (several), with its label and
// where its values come from.
type PlaneRef struct {
	Label  string // e.g. "T_c"
	Source string // a citation, or "exact: …"
	X, Y   []float64
}

// Path is a flow's path on a plane: one point per iteration count (e.g.
// a thermometer's mean or mode). Start, when set, is the true starting
// point (the parameters the flow started from), drawn before the first
// reading.
type Path struct {
	Label string
	X, Y  []float64
	Start []float64 // nil, or {x, y}
}

// PlaneFlows draws flows on the plane of two labelled axes: the
// reference points (triangles, labelled in the legend with their label
// and coordinates), the reference curves (dashed lines straight between
// their declared points, which are marked with crosses; labelled) and
// each path as a line from its first point (a circle) to its last (a
// square). Data: line.X, line.Y (the reference points, in order),
// LABEL.X, LABEL.Y per reference curve, PATH.X, PATH.Y per path and
// PATH.start ({x, y}) when it has one, X and Y spelled as ax names them.
// It errors on a reference or path whose slices differ in length, or
// when there is nothing to draw.
func PlaneFlows(title string, ax Axes, refs []PlaneRef, paths ...Path) (*Figure, error) {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, Symbol(ax.X), Symbol(ax.Y)
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(8)
	f := &Figure{Plot: p}
	if len(refs) == 0 && len(paths) == 0 {
		return nil, fmt.Errorf("%s: no reference and no path to draw", orUntitled(title))
	}
	var lx, ly []float64
	for k, r := range refs {
		if len(r.X) != len(r.Y) || len(r.Y) == 0 {
			return nil, fmt.Errorf("reference %q: %d %s and %d %s values", r.Label, len(r.X), Symbol(ax.X), len(r.Y), Symbol(ax.Y))
		}
		if len(r.Y) > 1 {
			if err := addPlaneCurve(f, ax, r, k); err != nil {
				return nil, err
			}
			continue
		}
		lx, ly = append(lx, r.X[0]), append(ly, r.Y[0])
		sc, err := plotter.NewScatter(plotter.XYs{{X: r.X[0], Y: r.Y[0]}})
		if err != nil {
			return nil, err
		}
		sc.Shape, sc.Radius = draw.PyramidGlyph{}, vg.Points(4)
		p.Add(sc)
		p.Legend.Add(fmt.Sprintf("%s (%g, %g)", r.Label, r.X[0], r.Y[0]), sc)
	}
	if len(lx) > 0 {
		f.Data = append(f.Data, vec1("line."+ax.X, lx), vec1("line."+ax.Y, ly))
	}
	for k, path := range paths {
		if err := addPath(f, ax, path, k); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// addPath draws one path in the k-th colour and adds its data.
func addPath(f *Figure, ax Axes, path Path, k int) error {
	if len(path.X) != len(path.Y) || (path.Start != nil && len(path.Start) != 2) {
		return fmt.Errorf("path %q: %d %s and %d %s values", path.Label, len(path.X), Symbol(ax.X), len(path.Y), Symbol(ax.Y))
	}
	f.Data = append(f.Data, vec1(key(path.Label, k, ax.X), path.X), vec1(key(path.Label, k, ax.Y), path.Y))
	var pts plotter.XYs
	start := path.Start != nil && finite(path.Start[0]) && finite(path.Start[1])
	if path.Start != nil {
		f.Data = append(f.Data, vec1(key(path.Label, k, "start"), path.Start))
	}
	if start {
		pts = append(pts, plotter.XY{X: path.Start[0], Y: path.Start[1]})
	}
	for i := range path.Y {
		if finite(path.X[i]) && finite(path.Y[i]) {
			pts = append(pts, plotter.XY{X: path.X[i], Y: path.Y[i]})
		}
	}
	if len(pts) == 0 {
		return nil
	}
	c := pathColor(k)
	l, err := plotter.NewLine(pts)
	if err != nil {
		return err
	}
	l.Color = c
	first, err := plotter.NewScatter(plotter.XYs{pts[0]})
	if err != nil {
		return err
	}
	last, err := plotter.NewScatter(plotter.XYs{pts[len(pts)-1]})
	if err != nil {
		return err
	}
	first.Color, last.Color = c, c
	first.Shape, last.Shape = draw.CircleGlyph{}, draw.BoxGlyph{}
	if start {
		first.Shape = draw.RingGlyph{} // the parameters started from, not a reading
	}
	first.Radius, last.Radius = vg.Points(4), vg.Points(4)
	f.Plot.Add(l, first, last)
	if path.Label != "" {
		f.Plot.Legend.Add(path.Label, l, last)
	}
	return nil
}

// addPlaneCurve draws a reference curve dashed through its declared
// points, each marked with a cross: the line is straight between them,
// and the marks tell a declared value from the segment's interpolation.
// It is labelled in the legend.
func addPlaneCurve(f *Figure, ax Axes, r PlaneRef, k int) error {
	f.Data = append(f.Data, vec1(key(r.Label, k, ax.X), r.X), vec1(key(r.Label, k, ax.Y), r.Y))
	pts := make(plotter.XYs, len(r.Y))
	for i := range r.Y {
		pts[i] = plotter.XY{X: r.X[i], Y: r.Y[i]}
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return err
	}
	l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	l.Color = color.Gray{Y: 80}
	marks, err := plotter.NewScatter(pts)
	if err != nil {
		return err
	}
	marks.Shape, marks.Radius, marks.Color = draw.CrossGlyph{}, vg.Points(3), l.Color
	f.Plot.Add(l, marks)
	f.Plot.Legend.Add(r.Label, l, marks)
	return nil
}

// GridDistributions draws a two-parameter thermometer's distribution
// over its grid after each iteration count: one panel per iteration
// (left to right), ax.X across and ax.Y up within each, the share as
// colour (from 0 to the largest share). classes are K pairs (y₀, x₀, y₁,
// …), as the thermometer's classes list them, and dist one row of K
// shares per iteration. Data: Y and X (the grid's axes, spelled as ax
// names them), iteration and share [iterations, Y·X] (row-major: reshape
// to [iterations, Y, X]; NaN where the grid has no class).
func GridDistributions(title string, ax Axes, classes []float64, iterations []int64, dist [][]float64) (*Figure, error) {
	k := len(classes) / 2
	if k == 0 || len(classes) != 2*k || len(iterations) == 0 || len(iterations) != len(dist) {
		return nil, fmt.Errorf("%s: %d class values, %d iterations and %d distributions", orUntitled(title), len(classes), len(iterations), len(dist))
	}
	var ys, xs []float64
	for i := 0; i < k; i++ {
		ys, xs = append(ys, classes[2*i]), append(xs, classes[2*i+1])
	}
	ys, xs = sortedDistinct(ys), sortedDistinct(xs)
	ny, nx, n := len(ys), len(xs), len(iterations)
	share := make([]float64, n*ny*nx)
	for i := range share {
		share[i] = math.NaN()
	}
	hi := 0.0
	for it, row := range dist {
		if len(row) != k {
			return nil, fmt.Errorf("%s: iteration %d has %d shares for %d classes", orUntitled(title), iterations[it], len(row), k)
		}
		for c, p := range row {
			r, d := slices.Index(ys, classes[2*c]), slices.Index(xs, classes[2*c+1])
			share[(it*ny+r)*nx+d] = p
			hi = math.Max(hi, p)
		}
	}
	// Panels side by side with a blank column between them; matrix row
	// 0 (drawn at the top) is the highest y.
	cols := n*nx + n - 1
	m := make([]float64, ny*cols)
	for i := range m {
		m[i] = math.NaN()
	}
	var xt []plot.Tick
	for it := 0; it < n; it++ {
		for r := 0; r < ny; r++ {
			for d := 0; d < nx; d++ {
				m[(ny-1-r)*cols+it*(nx+1)+d] = share[(it*ny+r)*nx+d]
			}
		}
		for d := 0; d < nx; d++ {
			xt = append(xt, plot.Tick{Value: float64(it*(nx+1) + d), Label: fmt.Sprintf("%g", xs[d])})
		}
	}
	cm, lo, top := colorMap(0, hi)
	h := plotter.NewHeatMap(grid{m, ny, cols}, cm.Palette(255))
	h.Min, h.Max, h.NaN = lo, top, color.Transparent
	p := plot.New()
	p.Add(h)
	f := &Figure{Plot: p, Side: colorBar(cm, "share")}
	its := make([]string, n)
	itv := make([]float64, n)
	for i, v := range iterations {
		its[i], itv[i] = fmt.Sprint(v), float64(v)
	}
	f.Plot.Title.Text = title
	f.Plot.X.Label.Text = Symbol(ax.X) + "; panels: iteration " + strings.Join(its, ", ") + " (left to right)"
	f.Plot.Y.Label.Text = Symbol(ax.Y)
	f.Plot.X.Tick.Marker = plot.ConstantTicks(xt)
	var yt []plot.Tick
	for r, t := range ys {
		yt = append(yt, plot.Tick{Value: float64(r), Label: fmt.Sprintf("%g", t)})
	}
	f.Plot.Y.Tick.Marker = plot.ConstantTicks(yt)
	f.Plot.X.Tick.Label.Font.Size = vg.Points(7)
	f.Data = []npz.Array{vec1(ax.Y, ys), vec1(ax.X, xs), vec1("iteration", itv), npz.Float64("share", share, n, ny*nx)}
	return f, nil
}

func sortedDistinct(v []float64) []float64 {
	v = slices.Clone(v)
	slices.Sort(v)
	return slices.Compact(v)
}

// greek spells the names of Greek letters as their symbols.
var greek = func() map[string]string {
	names := []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
		"nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"}
	m := map[string]string{}
	for i, n := range names {
		if i >= 17 { // between ρ and σ sit ς and an unassigned capital
			i++
		}
		m[n] = string(rune('α' + i))
		m[strings.ToUpper(n[:1])+n[1:]] = string(rune('Α' + i))
	}
	return m
}()

// Symbol spells a parameter's name for an axis: a Greek letter's name as
// the letter ("Delta" → "Δ", "beta" → "β"), any other name as it is.
func Symbol(name string) string {
	if s, ok := greek[name]; ok {
		return s
	}
	return name
}

// tab10 are the ten colours of matplotlib's default cycle: distinct in
// print and to most colour-blind readers.
var tab10 = []color.NRGBA{{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255},
	{148, 103, 189, 255}, {140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255}, {188, 189, 34, 255}, {23, 190, 207, 255}}

// pathColor is the k-th path's colour: tab10, then hues spread by the
// golden angle, so that no two of a figure's paths share one.
func pathColor(k int) color.Color {
	if k < len(tab10) {
		return tab10[k]
	}
	h := math.Mod(float64(k-len(tab10))*137.508, 360) / 60
	x := uint8(200 * (1 - math.Abs(math.Mod(h, 2)-1)))
	rgb := [6][3]uint8{{200, x, 0}, {x, 200, 0}, {0, 200, x}, {0, x, 200}, {x, 0, 200}, {200, 0, x}}[int(h)%6]
	return color.NRGBA{rgb[0], rgb[1], rgb[2], 255}
}
