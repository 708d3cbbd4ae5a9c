package report

import (
	"cmp"
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

// Series is one curve: points (X[i], Y[i]) with optional one-sigma errors.
// Label names its arrays in the figure's data and, unless Legend is
// set, its legend entry.
type Series struct {
	Label  string
	Legend string
	X, Y   []float64
	Err    []float64 // nil: no error bars
	// Limit, when set, flags each point: +1 a lower limit (the true
	// value is at least Y, e.g. a fit at the upper bound of its range),
	// −1 an upper limit, 0 a measured value. Limits are drawn as such
	// (limitPoints), never joined by the line, and the caption says so.
	Limit []float64
	// Colour, when positive, is 1 + the series' index in the palette:
	// an entry keeps its colour in every panel of an overlay, whichever
	// quantities it lacks. 0: the series' position in the figure.
	Colour int
}

// Ref is a reference line at a value (a critical temperature a model
// declares, an equilibrium value).
type Ref struct {
	Label string
	At    float64
}

// LineOptions describe the axes of a line figure.
type LineOptions struct {
	Title, XLabel, YLabel string
	LogX, LogY            bool
	// VLines are drawn at x = At, HLines at y = At, dashed, over the
	// range of the data.
	VLines, HLines []Ref
}

// Lines draws each series as a line with points and error bars. Points
// that are not finite, not positive on a log axis, or on a log y axis
// below noiseFloor × the largest value (a numerical zero, not a
// measurement) are left out of the plot but kept in the data; the
// figure's notes say how many and why. Axes of integers have integer
// ticks, log axes decade ticks. It errors when no point at all can be
// drawn or a series' slices differ in length.
func Lines(o LineOptions, series ...Series) (*Figure, error) {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = o.Title, o.XLabel, o.YLabel
	f := &Figure{Plot: p}
	var xs, ys [][]float64
	for _, s := range series {
		xs, ys = append(xs, s.X), append(ys, s.Y)
	}
	setTicks(&p.X, o.LogX, allIntegers(xs...))
	setTicks(&p.Y, o.LogY, false)
	if o.LogX && hasZero(xs...) {
		// Iteration 0 (the input itself) matters: a log axis would
		// drop it, log(1 + x) keeps it and spaces the decades alike.
		p.X.Scale, p.X.Tick.Marker = symlog{}, symlogTicks{}
		o.LogX = false
		f.Notes = append(f.Notes, "The x axis is logarithmic in 1 + x, so that x = 0 is drawn.")
	}
	floor := 0.0
	if o.LogY {
		floor = noiseFloor * maxFinite(ys...)
	}
	drawn := 0
	for k, s := range series {
		if len(s.X) != len(s.Y) || (s.Err != nil && len(s.Err) != len(s.Y)) || (s.Limit != nil && len(s.Limit) != len(s.Y)) {
			return nil, fmt.Errorf("series %q: %d x, %d y, %d errors and %d limit flags", s.Label, len(s.X), len(s.Y), len(s.Err), len(s.Limit))
		}
		f.Data = append(f.Data, vec1(key(s.Label, k, "x"), s.X), vec1(key(s.Label, k, "y"), s.Y))
		if s.Err != nil {
			f.Data = append(f.Data, vec1(key(s.Label, k, "err"), s.Err))
		}
		if s.Limit != nil {
			f.Data = append(f.Data, vec1(key(s.Label, k, "limit"), s.Limit))
		}
		d := drawable(o, s, floor)
		f.Notes = append(f.Notes, d.dropped.notes(s.Label, len(s.Y), o, floor)...)
		drawn += len(d.pts) + len(d.limits)
		if len(d.pts) > 0 {
			if err := addSeries(p, s, k, d); err != nil {
				return nil, err
			}
		}
		if len(d.limits) > 0 {
			f.Limits = append(f.Limits, d.limits...)
			f.Notes = append(f.Notes, limitNote(s.Label, len(s.Y), len(d.limits)))
			addLimits(p, s, seriesColor(s, k), d.limits)
		}
	}
	if drawn == 0 {
		return nil, fmt.Errorf("%s: no finite point to draw", orUntitled(o.Title))
	}
	if slices.ContainsFunc(series, func(s Series) bool { return s.Err != nil }) {
		f.Notes = append(f.Notes, "Error bars: ±1σ, one standard error of each point as its data give it.")
	}
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		// gonum widens a constant's range by ±1, which puts a learning
		// rate of 1e-3 at "0": widen by a share of the value instead.
		if v := a.Min; a.Min == a.Max && v != 0 {
			a.Min, a.Max = v-math.Abs(v)/4, v+math.Abs(v)/4
		}
	}
	for _, r := range o.VLines {
		addRef(p, r, true)
		f.Data = append(f.Data, vec1(key("vline "+r.Label, -1, "at"), []float64{r.At}))
	}
	for _, r := range o.HLines {
		addRef(p, r, false)
		f.Data = append(f.Data, vec1(key("hline "+r.Label, -1, "at"), []float64{r.At}))
	}
	return f, nil
}

// noiseFloor is the share of a log axis's largest value below which a
// value is a floating-point zero (e.g. the null eigenvalues of a
// rank-deficient WWᵀ, ~1e-15 of the largest), not data.
const noiseFloor = 1e-12

func setTicks(a *plot.Axis, log, integer bool) {
	if log {
		a.Scale, a.Tick.Marker = plot.LogScale{}, logTicks{}
		return
	}
	a.Tick.Marker = linearTicks{integer: integer}
}

func hasZero(vs ...[]float64) bool {
	for _, v := range vs {
		if slices.Contains(v, 0) {
			return true
		}
	}
	return false
}

func maxFinite(vs ...[]float64) float64 {
	m := 0.0
	for _, v := range vs {
		for _, x := range v {
			if finite(x) {
				m = math.Max(m, x)
			}
		}
	}
	return m
}

// dropped counts the points of a series left out of its plot, by why.
type dropped struct{ nonFinite, nonPositive, floor int }

func (d dropped) notes(label string, n int, o LineOptions, floor float64) []string {
	of := func(k int, why string) string {
		s := fmt.Sprintf("%d of %d points", k, n)
		if label != "" {
			s += " of " + label
		}
		return s + " not drawn: " + why + " (they are in the data)."
	}
	var out []string
	if d.nonFinite > 0 {
		out = append(out, of(d.nonFinite, "not finite"))
	}
	if d.nonPositive > 0 {
		out = append(out, of(d.nonPositive, "not positive, on a log axis"))
	}
	if d.floor > 0 {
		out = append(out, of(d.floor, fmt.Sprintf("below %s, %g × the largest value: numerical zeros, not measurements", tickLabel(floor), noiseFloor)))
	}
	return out
}

// points are what a series draws: its measured points with their error
// bars (breaks: the indices of pts that a limit separates from the point
// before, where the line stops), its limits, and what was left out.
type points struct {
	pts     plotter.XYs
	errs    plotter.YErrors
	breaks  []int
	limits  []Limit
	dropped dropped
}

// drawable are the points of s the plot can show.
func drawable(o LineOptions, s Series, floor float64) points {
	var out points
	d := &out.dropped
	for i := range s.X {
		x, y := s.X[i], s.Y[i]
		switch {
		case !finite(x) || !finite(y):
			d.nonFinite++
			continue
		case (o.LogX && x <= 0) || (o.LogY && y <= 0):
			d.nonPositive++
			continue
		case o.LogY && y < floor:
			d.floor++
			continue
		}
		if dir := limitDir(s.Limit, i); dir != 0 {
			out.limits = append(out.limits, Limit{X: x, Y: y, Dir: dir})
			if n := len(out.pts); n > 0 && (len(out.breaks) == 0 || out.breaks[len(out.breaks)-1] != n) {
				out.breaks = append(out.breaks, n)
			}
			continue
		}
		out.pts = append(out.pts, plotter.XY{X: x, Y: y})
		e := 0.0
		if s.Err != nil && finite(s.Err[i]) {
			e = s.Err[i]
		}
		if o.LogY && y-e <= 0 {
			e = 0 // an error bar reaching zero has no place on a log axis
		}
		out.errs = append(out.errs, struct{ Low, High float64 }{e, e})
	}
	if n := len(out.breaks); n > 0 && out.breaks[n-1] == len(out.pts) {
		out.breaks = out.breaks[:n-1] // limits after the last point break nothing
	}
	return out
}

// seriesColor is the colour of the k-th series.
func seriesColor(s Series, k int) color.Color {
	if s.Colour > 0 {
		return pathColor(s.Colour - 1)
	}
	return pathColor(k)
}

// addSeries draws the k-th series' points, line (stopped where a limit
// lies between two points) and error bars in its colour and names it in
// the legend.
func addSeries(p *plot.Plot, s Series, k int, d points) error {
	l, sc, err := plotter.NewLinePoints(d.pts)
	if err != nil {
		return err
	}
	c := seriesColor(s, k)
	l.Color, sc.Color = c, c
	sc.Shape = draw.CircleGlyph{}
	sc.Radius = vg.Points(1.5)
	from := 0
	for _, b := range append(d.breaks, len(d.pts)) {
		part := *l
		part.XYs = d.pts[from:b]
		p.Add(&part)
		from = b
	}
	p.Add(sc)
	if s.Err != nil {
		eb, err := plotter.NewYErrorBars(errorPoints{d.pts, d.errs})
		if err != nil {
			return err
		}
		eb.Color = c
		p.Add(eb)
	}
	if name := cmp.Or(s.Legend, s.Label); name != "" {
		p.Legend.Add(name, l, sc)
	}
	return nil
}

// key names a series' array in the figure's data: "LABEL.x" (path
// separators, which .npz names cannot hold, become "_"; an unlabelled
// series is "series K").
func key(label string, k int, part string) string {
	if label == "" {
		label = fmt.Sprintf("series %d", k)
	}
	return strings.NewReplacer("/", "_", "\\", "_").Replace(label) + "." + part
}

func orUntitled(s string) string {
	if s == "" {
		return "figure"
	}
	return s
}

type errorPoints struct {
	plotter.XYs
	plotter.YErrors
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// addRef draws a dashed reference line across the data's current range.
func addRef(p *plot.Plot, r Ref, vertical bool) {
	var pts plotter.XYs
	if vertical {
		pts = plotter.XYs{{X: r.At, Y: p.Y.Min}, {X: r.At, Y: p.Y.Max}}
	} else {
		pts = plotter.XYs{{X: p.X.Min, Y: r.At}, {X: p.X.Max, Y: r.At}}
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return
	}
	l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	l.Color = color.Gray{Y: 80}
	p.Add(l)
	if r.Label != "" {
		p.Legend.Add(r.Label, l)
	}
}

// LossCurves draws training and test loss against epoch, log y.
// test may be nil.
func LossCurves(epochs, train, test []float64) (*Figure, error) {
	s := []Series{{Label: "training", X: epochs, Y: train}}
	if test != nil {
		s = append(s, Series{Label: "test", X: epochs, Y: test})
	}
	return Lines(LineOptions{Title: "training and test loss", XLabel: "epoch", YLabel: "loss", LogY: true}, s...)
}

// FlowTemperatures draws the thermometer-free flow check: for each
// series (the value of the label the thermometer reads, e.g. T, implied
// by the energy, by ⟨|m|⟩, by G(L/2), the thermometer's mean reading)
// against flow iteration with its error bars, and the reference values
// refs dashed; label names the y axis. On a log x axis starting at
// iteration 0 the axis is log(1 + iteration), so that the input itself
// is drawn.
func FlowTemperatures(title, label string, logX bool, refs []Ref, series ...Series) (*Figure, error) {
	return Lines(LineOptions{Title: title, XLabel: "flow iteration", YLabel: label, LogX: logX, HLines: refs}, series...)
}

// grid is a matrix as a plotter.GridXYZ: column c at x = c, matrix row
// rows−1−r at y = r, so that row 0 is at the top, as a matrix is read.
type grid struct {
	v          []float64
	rows, cols int
}

func (g grid) Dims() (c, r int)   { return g.cols, g.rows }
func (g grid) Z(c, r int) float64 { return g.v[(g.rows-1-r)*g.cols+c] }
func (g grid) X(c int) float64    { return float64(c) }
func (g grid) Y(r int) float64    { return float64(r) }

// Heatmap draws a rows × cols matrix (row-major), row 0 at the top,
// with a colour bar: on a diverging scale centred on 0 when the values
// have both signs, on a sequential one otherwise (Fig. 12 for WWᵀ).
func Heatmap(title, xlabel, ylabel string, m []float64, rows, cols int) (*Figure, error) {
	if rows < 1 || cols < 1 || len(m) != rows*cols {
		return nil, fmt.Errorf("%s: %d values for a %d×%d matrix", title, len(m), rows, cols)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range m {
		if finite(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if lo > hi {
		return nil, fmt.Errorf("%s: no finite value", title)
	}
	cm, lo, hi := colorMap(lo, hi)
	h := plotter.NewHeatMap(grid{m, rows, cols}, cm.Palette(255))
	h.Min, h.Max = lo, hi
	h.NaN = color.Transparent
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text, p.Y.Label.Text = xlabel, ylabel
	p.Add(h)
	p.X.Tick.Marker = linearTicks{integer: true}
	p.Y.Tick.Marker = rowTicks{rows}
	f := &Figure{Plot: p, Data: []npz.Array{npz.Float64("matrix", m, rows, cols)}, Side: colorBar(cm, "value"),
		Aspect: math.Min(math.Max(float64(rows)/float64(cols), 0.25), 1.2)} // square cells, unless too long or too tall
	return f, nil
}

// rowTicks label a heat map's rows by matrix index, row 0 at the top.
type rowTicks struct{ rows int }

func (r rowTicks) Ticks(min, max float64) []plot.Tick {
	ticks := integerTicks(min, max)
	for i := range ticks {
		ticks[i].Value = float64(r.rows-1) - ticks[i].Value
	}
	return ticks
}

// Configurations draws sample configurations: each configuration (L×L in site order
// x·L + y, x down the rows) as a square panel, side by side, labelled
// below, with a key of the states present.
func Configurations(L int, configs [][]int8, labels []string) (*Figure, error) {
	if len(configs) == 0 || len(configs) != len(labels) {
		return nil, fmt.Errorf("configurations: %d configurations with %d labels", len(configs), len(labels))
	}
	k := len(configs)
	cols := k*L + k - 1
	m := make([]float64, L*cols)
	for i := range m {
		m[i] = math.NaN() // the gaps between panels
	}
	all := make([]int8, 0, k*L*L)
	var ticks []plot.Tick
	for n, c := range configs {
		if len(c) != L*L {
			return nil, fmt.Errorf("configurations: configuration %q has %d sites, want %d", labels[n], len(c), L*L)
		}
		for x := 0; x < L; x++ {
			for y := 0; y < L; y++ {
				m[x*cols+n*(L+1)+y] = float64(c[x*L+y])
			}
		}
		all = append(all, c...)
		ticks = append(ticks, plot.Tick{Value: float64(n*(L+1)) + float64(L-1)/2, Label: labels[n]})
	}
	states := statesOf(all)
	cm, _, _ := colorMap(states[0], states[len(states)-1])
	h := plotter.NewHeatMap(grid{m, L, cols}, discrete(cm, states))
	h.Min, h.Max, h.NaN = states[0], states[len(states)-1], color.Transparent
	if h.Min == h.Max {
		h.Max++
	}
	p := plot.New()
	p.Title.Text = "sample configurations"
	p.Add(h)
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.HideY()
	return &Figure{Plot: p, Data: []npz.Array{npz.Int8("configs", all, k, L*L)}, Side: stateKey(states, cm),
		Aspect: float64(L) / float64(cols)}, nil
}

// statesOf are the distinct values of configurations, ascending.
func statesOf(c []int8) []float64 {
	var seen [256]bool
	for _, v := range c {
		seen[int(v)+128] = true
	}
	var out []float64
	for i, ok := range seen {
		if ok {
			out = append(out, float64(i-128))
		}
	}
	return out
}

// vec1 is a 1-D float64 array.
func vec1(name string, v []float64) npz.Array { return npz.Float64(name, v, len(v)) }
