package report

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// Sizes of the parts of a figure around its plots.
const (
	sideWidth  = 2.6 * vg.Centimeter // a colour bar or a key of states
	legendPad  = 0.3 * vg.Centimeter
	panelMinH  = 4 * vg.Centimeter // one panel of small multiples
	aspectMaxH = 24 * vg.Centimeter
)

// layout is where the parts of a figure go on a canvas.
type layout struct {
	plots  []*plot.Plot
	areas  []draw.Canvas // where each plot is drawn
	data   []draw.Canvas // each plot's data area
	legend []vg.Rectangle
	side   draw.Canvas
}

func (f *Figure) plots() []*plot.Plot {
	if len(f.Panels) > 0 {
		return f.Panels
	}
	return []*plot.Plot{f.Plot}
}

// size is the figure's size: the default, taller for small multiples,
// and as tall as the data area's aspect asks.
func (f *Figure) size() (vg.Length, vg.Length) {
	w, h := Width, Height
	if n := len(f.Panels); n > 0 {
		h = vg.Length(math.Max(float64(h), float64(panelMinH)*float64(n)+1.5*float64(vg.Centimeter)))
	}
	if f.Aspect > 0 {
		l := f.layout(nullCanvas(w, h))
		dc := l.data[0]
		h = h - dc.Size().Y + vg.Length(f.Aspect)*dc.Size().X
		h = vg.Length(math.Min(math.Max(float64(h), float64(3*vg.Centimeter)), float64(aspectMaxH)))
	}
	return w, h
}

func nullCanvas(w, h vg.Length) draw.Canvas {
	return draw.Canvas{Canvas: &recorder.Canvas{}, Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: h}}}
}

// legendWidth is the width of the widest of the plots' legends, 0 when
// none has an entry.
func legendWidth(ps []*plot.Plot, c draw.Canvas) vg.Length {
	var w vg.Length
	for _, p := range ps {
		r := p.Legend.Rectangle(c)
		w = max(w, r.Max.X-r.Min.X)
	}
	if w > 0 {
		w += legendPad
	}
	return w
}

// layout places the plots (stacked, their data areas aligned), the
// legends right of them, outside the data, and the side plot right of
// everything.
func (f *Figure) layout(c draw.Canvas) layout {
	l := layout{plots: f.plots()}
	main := c
	if f.Side != nil {
		main.Max.X -= sideWidth
		l.side = c
		l.side.Min.X = main.Max.X
	}
	lw := legendWidth(l.plots, c)
	main.Max.X -= lw
	if len(l.plots) == 1 {
		l.areas = []draw.Canvas{main}
	} else {
		rows := make([][]*plot.Plot, len(l.plots))
		for i, p := range l.plots {
			rows[i] = []*plot.Plot{p}
		}
		for _, r := range plot.Align(rows, draw.Tiles{Rows: len(rows), Cols: 1, PadY: vg.Points(4)}, main) {
			l.areas = append(l.areas, r[0])
		}
	}
	for i, p := range l.plots {
		dc := p.DataCanvas(l.areas[i])
		l.data = append(l.data, dc)
		r := p.Legend.Rectangle(c)
		wl, hl := r.Max.X-r.Min.X, r.Max.Y-r.Min.Y
		x0 := main.Max.X + legendPad
		l.legend = append(l.legend, vg.Rectangle{Min: vg.Point{X: x0, Y: dc.Max.Y - hl}, Max: vg.Point{X: x0 + wl, Y: dc.Max.Y}})
	}
	return l
}

// draw draws the figure on c: each plot in its area with its legend
// moved out of the data, then the side plot.
func (f *Figure) draw(c draw.Canvas) layout {
	l := f.layout(c)
	for i, p := range l.plots {
		leg := p.Legend
		p.Legend = plot.NewLegend()
		p.Draw(l.areas[i])
		p.Legend = leg
		lc := c
		lc.Rectangle = l.legend[i]
		leg.Left, leg.Top = true, true
		leg.XOffs, leg.YOffs = 0, 0
		leg.Draw(lc)
	}
	if f.Side != nil {
		sc := l.side
		if len(l.data) > 0 {
			sc.Min.Y, sc.Max.Y = l.data[0].Min.Y, l.data[0].Max.Y
			sc.Max.Y += f.Side.Title.TextStyle.Rectangle("M").Size().Y
		}
		sc.Min.X += legendPad
		sc.Max.X -= legendPad
		f.Side.Draw(sc)
	}
	return l
}
