package report

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/rgml/rgml/framework/npz"
)

// PhaseRef is a reference mark on the (Δ, T) plane, as a model declares
// it: a point (one Δ and one T) or a polyline (several), with its label
// and where its values come from.
type PhaseRef struct {
	Label    string // e.g. "T_c"
	Source   string // a citation, or "exact: …"
	Delta, T []float64
}

// Path is a flow's path on the (Δ, T) plane: one point per iteration
// count (e.g. the thermometer's mean or mode).
type Path struct {
	Label    string
	Delta, T []float64
}

// PhaseDiagram draws the reference points (triangles, labelled in the
// legend with their label and coordinates), the reference curves (dashed
// lines, labelled) and each path as a line from its first point (a
// circle) to its last (a square), Δ across and T up. Data: line.Delta,
// line.T (the reference points, in order), LABEL.Delta, LABEL.T per
// reference curve, and PATH.Delta, PATH.T. It errors on a reference or
// path whose slices differ in length, or when there is nothing to draw.
func PhaseDiagram(title string, refs []PhaseRef, paths ...Path) (*Figure, error) {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, "Δ", "T"
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(8)
	f := &Figure{Plot: p}
	if len(refs) == 0 && len(paths) == 0 {
		return nil, fmt.Errorf("%s: no reference and no path to draw", orUntitled(title))
	}
	var lx, ly []float64
	for k, r := range refs {
		if len(r.Delta) != len(r.T) || len(r.T) == 0 {
			return nil, fmt.Errorf("reference %q: %d Δ and %d T values", r.Label, len(r.Delta), len(r.T))
		}
		if len(r.T) > 1 {
			if err := addPhaseCurve(f, r, k); err != nil {
				return nil, err
			}
			continue
		}
		lx, ly = append(lx, r.Delta[0]), append(ly, r.T[0])
		sc, err := plotter.NewScatter(plotter.XYs{{X: r.Delta[0], Y: r.T[0]}})
		if err != nil {
			return nil, err
		}
		sc.Shape, sc.Radius = draw.PyramidGlyph{}, vg.Points(4)
		p.Add(sc)
		p.Legend.Add(fmt.Sprintf("%s (%g, %g)", r.Label, r.Delta[0], r.T[0]), sc)
	}
	if len(lx) > 0 {
		f.Data = append(f.Data, vec1("line.Delta", lx), vec1("line.T", ly))
	}
	for k, path := range paths {
		if len(path.Delta) != len(path.T) {
			return nil, fmt.Errorf("path %q: %d Δ and %d T values", path.Label, len(path.Delta), len(path.T))
		}
		f.Data = append(f.Data, vec1(key(path.Label, k, "Delta"), path.Delta), vec1(key(path.Label, k, "T"), path.T))
		var pts plotter.XYs
		for i := range path.T {
			if finite(path.Delta[i]) && finite(path.T[i]) {
				pts = append(pts, plotter.XY{X: path.Delta[i], Y: path.T[i]})
			}
		}
		if len(pts) == 0 {
			continue
		}
		c := plotutil.Color(k)
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		l.Color = c
		ends, err := plotter.NewScatter(plotter.XYs{pts[0]})
		if err != nil {
			return nil, err
		}
		last, err := plotter.NewScatter(plotter.XYs{pts[len(pts)-1]})
		if err != nil {
			return nil, err
		}
		ends.Color, last.Color = c, c
		ends.Shape, last.Shape = draw.CircleGlyph{}, draw.BoxGlyph{}
		p.Add(l, ends, last)
		if path.Label != "" {
			p.Legend.Add(path.Label, l, last)
		}
	}
	return f, nil
}

// addPhaseCurve draws a reference curve dashed, labelled in the legend.
func addPhaseCurve(f *Figure, r PhaseRef, k int) error {
	f.Data = append(f.Data, vec1(key(r.Label, k, "Delta"), r.Delta), vec1(key(r.Label, k, "T"), r.T))
	pts := make(plotter.XYs, len(r.T))
	for i := range r.T {
		pts[i] = plotter.XY{X: r.Delta[i], Y: r.T[i]}
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return err
	}
	l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	l.Color = color.Gray{Y: 80}
	f.Plot.Add(l)
	f.Plot.Legend.Add(r.Label, l)
	return nil
}

// FlowPath returns the path of a (T, Δ) flow from the arrays of its
// flow.npz: by = "mean" (T_mean, Delta_mean), "mode" (T_mode, Delta_mode)
// or "eq" (eq_T, eq_Delta, the nearest Monte Carlo grid point by the
// thermometer-free observables).
func FlowPath(label string, arrays []npz.Array, by string) (Path, error) {
	names := map[string][2]string{"mean": {"T_mean", "Delta_mean"}, "mode": {"T_mode", "Delta_mode"}, "eq": {"eq_T", "eq_Delta"}}
	n, ok := names[by]
	if !ok {
		return Path{}, fmt.Errorf("path by %q: want mean, mode or eq", by)
	}
	col := func(name string) ([]float64, error) {
		a, ok := npz.Find(arrays, name)
		v, isF := a.Data.([]float64)
		if !ok || !isF {
			return nil, fmt.Errorf("flow %s has no float64 %s: is it read by a (T, Δ) thermometer?", label, name)
		}
		return v, nil
	}
	t, err := col(n[0])
	if err != nil {
		return Path{}, err
	}
	d, err := col(n[1])
	if err != nil {
		return Path{}, err
	}
	return Path{Label: label, T: t, Delta: d}, nil
}

// GridDistributions draws a (T, Δ) thermometer's distribution over its
// grid after each iteration count: one panel per iteration (left to
// right), Δ across and T up within each, the share as colour (from 0 to
// the largest share). classes are K (T, Δ) pairs (T₀, Δ₀, T₁, …) and
// dist one row of K shares per iteration. Data: T and Delta (the grid's
// axes), iteration and share [iterations, T·Δ] (row-major: reshape to
// [iterations, T, Δ]; NaN where the grid has no class).
func GridDistributions(title string, classes []float64, iterations []int64, dist [][]float64) (*Figure, error) {
	k := len(classes) / 2
	if k == 0 || len(classes) != 2*k || len(iterations) == 0 || len(iterations) != len(dist) {
		return nil, fmt.Errorf("%s: %d class values, %d iterations and %d distributions", orUntitled(title), len(classes), len(iterations), len(dist))
	}
	var ts, ds []float64
	for i := 0; i < k; i++ {
		ts, ds = append(ts, classes[2*i]), append(ds, classes[2*i+1])
	}
	ts, ds = sortedDistinct(ts), sortedDistinct(ds)
	nt, nd, n := len(ts), len(ds), len(iterations)
	share := make([]float64, n*nt*nd)
	for i := range share {
		share[i] = math.NaN()
	}
	hi := 0.0
	for it, row := range dist {
		if len(row) != k {
			return nil, fmt.Errorf("%s: iteration %d has %d shares for %d classes", orUntitled(title), iterations[it], len(row), k)
		}
		for c, p := range row {
			r, d := slices.Index(ts, classes[2*c]), slices.Index(ds, classes[2*c+1])
			share[(it*nt+r)*nd+d] = p
			hi = math.Max(hi, p)
		}
	}
	// Panels side by side with a blank column between them; matrix row
	// 0 (drawn at the top) is the highest T.
	cols := n*nd + n - 1
	m := make([]float64, nt*cols)
	for i := range m {
		m[i] = math.NaN()
	}
	var xt []plot.Tick
	for it := 0; it < n; it++ {
		for r := 0; r < nt; r++ {
			for d := 0; d < nd; d++ {
				m[(nt-1-r)*cols+it*(nd+1)+d] = share[(it*nt+r)*nd+d]
			}
		}
		for d := 0; d < nd; d++ {
			xt = append(xt, plot.Tick{Value: float64(it*(nd+1) + d), Label: fmt.Sprintf("%g", ds[d])})
		}
	}
	if hi == 0 {
		hi = 1
	}
	pal := moreland.SmoothBlueRed()
	pal.SetMin(0)
	pal.SetMax(hi)
	h := plotter.NewHeatMap(grid{m, nt, cols}, pal.Palette(255))
	h.Min, h.Max, h.NaN = 0, hi, color.Transparent
	p := plot.New()
	p.Add(h)
	f := &Figure{Plot: p}
	its := make([]string, n)
	itv := make([]float64, n)
	for i, v := range iterations {
		its[i], itv[i] = fmt.Sprint(v), float64(v)
	}
	f.Plot.Title.Text = fmt.Sprintf("%s  [share 0 … %.3g]", title, hi)
	f.Plot.X.Label.Text = "Δ; panels: iteration " + strings.Join(its, ", ") + " (left to right)"
	f.Plot.Y.Label.Text = "T"
	f.Plot.X.Tick.Marker = plot.ConstantTicks(xt)
	var yt []plot.Tick
	for r, t := range ts {
		yt = append(yt, plot.Tick{Value: float64(r), Label: fmt.Sprintf("%g", t)})
	}
	f.Plot.Y.Tick.Marker = plot.ConstantTicks(yt)
	f.Plot.X.Tick.Label.Font.Size = vg.Points(7)
	f.Data = []npz.Array{vec1("T", ts), vec1("Delta", ds), vec1("iteration", itv), npz.Float64("share", share, n, nt*nd)}
	return f, nil
}

func sortedDistinct(v []float64) []float64 {
	v = slices.Clone(v)
	slices.Sort(v)
	return slices.Compact(v)
}
