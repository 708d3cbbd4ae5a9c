package report

import (
	"cmp"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Limit is a point of a figure's data that is a limit, not a
// measurement: a fit's value at a bound of its range (a correlation
// length fitted at its largest allowed value is only "at least" that).
// Dir is +1 when the true value is at least Y, −1 when at most.
type Limit struct {
	X, Y float64
	Dir  int
}

// limitPoints draw limits: an open circle with an arrow towards where
// the true value lies, never a filled point, a line or an error bar.
type limitPoints struct {
	plotter.XYs
	dir    int
	color  color.Color
	radius vg.Length
}

func newLimitPoints(pts plotter.XYs, dir int, c color.Color) *limitPoints {
	return &limitPoints{XYs: pts, dir: dir, color: c, radius: vg.Points(2.5)}
}

// arrow is the arrow's length beyond the circle, in radii; the axes
// leave room for one more radius beyond its tip.
const arrow = 3

func (l *limitPoints) glyph(c *draw.Canvas, at vg.Point) {
	sty := draw.GlyphStyle{Color: l.color, Radius: l.radius}
	draw.RingGlyph{}.DrawGlyph(c, sty, at)
	ls := draw.LineStyle{Color: l.color, Width: vg.Points(0.8)}
	r, d := l.radius, vg.Length(l.dir)
	tip := vg.Point{X: at.X, Y: at.Y + d*(arrow+1)*r}
	c.StrokeLine2(ls, at.X, at.Y+d*r, tip.X, tip.Y)
	c.StrokeLines(ls, []vg.Point{{X: tip.X - r, Y: tip.Y - d*r}, tip, {X: tip.X + r, Y: tip.Y - d*r}})
}

// Plot implements plot.Plotter.
func (l *limitPoints) Plot(c draw.Canvas, p *plot.Plot) {
	x, y := p.Transforms(&c)
	for _, pt := range l.XYs {
		l.glyph(&c, vg.Point{X: x(pt.X), Y: y(pt.Y)})
	}
}

// DataRange implements plot.DataRanger.
func (l *limitPoints) DataRange() (xmin, xmax, ymin, ymax float64) { return plotter.XYRange(l.XYs) }

// GlyphBoxes make room for the arrows, which reach beyond the points.
func (l *limitPoints) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	r := l.radius
	box := vg.Rectangle{Min: vg.Point{X: -r, Y: -r}, Max: vg.Point{X: r, Y: (arrow + 2) * r}}
	if l.dir < 0 {
		box = vg.Rectangle{Min: vg.Point{X: -r, Y: -(arrow + 2) * r}, Max: vg.Point{X: r, Y: r}}
	}
	out := make([]plot.GlyphBox, len(l.XYs))
	for i, pt := range l.XYs {
		out[i] = plot.GlyphBox{X: p.X.Norm(pt.X), Y: p.Y.Norm(pt.Y), Rectangle: box}
	}
	return out
}

// Thumbnail implements plot.Thumbnailer: the glyph, its arrow within the
// legend's row.
func (l *limitPoints) Thumbnail(c *draw.Canvas) {
	h := c.Max.Y - c.Min.Y
	small := *l
	small.radius = min(l.radius, h/(arrow+2))
	at := vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Min.Y + small.radius}
	if l.dir < 0 {
		at.Y = c.Max.Y - small.radius
	}
	small.glyph(c, at)
}

// addLimits draws a series' limits in its colour, one legend entry per
// direction.
func addLimits(p *plot.Plot, s Series, c color.Color, lims []Limit) {
	for _, dir := range []int{1, -1} {
		var pts plotter.XYs
		for _, l := range lims {
			if l.Dir == dir {
				pts = append(pts, plotter.XY{X: l.X, Y: l.Y})
			}
		}
		if len(pts) == 0 {
			continue
		}
		lp := newLimitPoints(pts, dir, c)
		p.Add(lp)
		word := "≥"
		if dir < 0 {
			word = "≤"
		}
		p.Legend.Add(fmt.Sprintf("%s %s (fit at its bound)", cmp.Or(s.Legend, s.Label), word), lp)
	}
}

// limitNote says how many points of a series are limits and how they
// are drawn.
func limitNote(label string, n, k int) string {
	of := fmt.Sprintf("%d of %d points", k, n)
	if label != "" {
		of += " of " + label
	}
	return of + " sit at a bound of their fit: they are drawn as limits, an open circle with an arrow towards where the true value lies (≥ up, ≤ down), without error bars."
}

// limitDir reads a limit flag: +1, −1, or 0 for a measured value.
func limitDir(flags []float64, i int) int {
	if flags == nil {
		return 0
	}
	switch v := flags[i]; {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// checkLimits finds the declared limits that a plotter other than a
// limit's draws as data (a point, a line's vertex, an error bar).
func checkLimits(ps []plot.Plotter, lims []Limit) []string {
	if len(lims) == 0 {
		return nil
	}
	at := map[plotter.XY]bool{}
	for _, l := range lims {
		at[plotter.XY{X: l.X, Y: l.Y}] = true
	}
	var out []string
	seen := map[plotter.XY]bool{}
	for _, d := range ps {
		if _, ok := d.(*limitPoints); ok {
			continue
		}
		xy, ok := d.(plotter.XYer)
		if !ok {
			continue
		}
		for i := 0; i < xy.Len(); i++ {
			x, y := xy.XY(i)
			if pt := (plotter.XY{X: x, Y: y}); at[pt] && !seen[pt] {
				seen[pt] = true
				out = append(out, fmt.Sprintf("the value (%g, %g) at a bound of its fit is drawn as a measured point, not as a limit", x, y))
			}
		}
	}
	return out
}
