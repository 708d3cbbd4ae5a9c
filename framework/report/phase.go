package report

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/rgml/rgml/framework/npz"
)

// PhasePoint is a point of a transition line on the (Δ, T) plane, with
// where its value comes from.
type PhasePoint struct {
	Delta, T float64
	Label    string // e.g. "tricritical point"
	Source   string // a citation, or "exact: …"
}

// BlumeCapelLine are the points of the square-lattice Blume-Capel
// transition line (J = 1) that this project cites. Only values whose
// source we could state are here; the second-order line from Δ = 0
// (T_c ≈ 1.7) to the tricritical point is not drawn.
var BlumeCapelLine = []PhasePoint{
	{Delta: 1.9660, T: 0.6080, Label: "tricritical point",
		Source: "Kwak, Jeong, Lee, Lee, Phys. Rev. E 92, 022134 (2015): (Δ_t, T_t) = (1.9660(1), 0.6080(1))"},
	{Delta: 2, T: 0, Label: "first-order line at T = 0",
		Source: "exact: at T = 0 the ordered ground state (energy −2 + Δ per site, 2 bonds per site) and the " +
			"empty one (0) exchange stability at Δ = 2"},
}

// Path is a flow's path on the (Δ, T) plane: one point per iteration
// count (e.g. the thermometer's mean or mode).
type Path struct {
	Label    string
	Delta, T []float64
}

// PhaseDiagram draws the transition-line points (stars, labelled in the
// legend with their label; sources in the data) and each path as a line
// from its first point (a circle) to its last (a square), Δ across and T
// up. Data: line.Delta, line.T and PATH.Delta, PATH.T. It errors on a path
// whose slices differ in length, or when there is nothing to draw.
func PhaseDiagram(title string, line []PhasePoint, paths ...Path) (*Figure, error) {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, "Δ", "T"
	p.Legend.Top = true
	f := &Figure{Plot: p}
	if len(line) == 0 && len(paths) == 0 {
		return nil, fmt.Errorf("%s: no transition point and no path to draw", orUntitled(title))
	}
	lx, ly := make([]float64, len(line)), make([]float64, len(line))
	for i, pt := range line {
		lx[i], ly[i] = pt.Delta, pt.T
		sc, err := plotter.NewScatter(plotter.XYs{{X: pt.Delta, Y: pt.T}})
		if err != nil {
			return nil, err
		}
		sc.Shape, sc.Radius = draw.PyramidGlyph{}, vg.Points(4)
		p.Add(sc)
		p.Legend.Add(fmt.Sprintf("%s (%g, %g)", pt.Label, pt.Delta, pt.T), sc)
	}
	if len(line) > 0 {
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
