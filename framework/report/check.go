package report

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unsafe"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Check returns what is wrong with a figure as drawn, by the figure
// style (docs/figures.md): an axis with fewer than two labelled ticks in
// its range, a tick label that is long or not a number, an integer axis
// with fractional ticks, a heat map without a colour bar or with a
// palette centred on 0 for data of one sign (or off 0 for signed data),
// a data area off its aspect, a legend over a data point, a point that
// is not finite, a value its data declare a limit (Figure.Limits) drawn
// as a measured point, a title with a doubled word. It checks the plot's
// parts, not its pixels; nil means none of these.
func Check(f *Figure) []string {
	var out []string
	w, h := f.size()
	l := f.layout(nullCanvas(w, h))
	for i, p := range l.plots {
		where := ""
		if len(l.plots) > 1 {
			where = fmt.Sprintf("panel %d: ", i+1)
		}
		for _, a := range []struct {
			name string
			ax   *plot.Axis
		}{{"x", &p.X}, {"y", &p.Y}} {
			for _, m := range checkAxis(a.ax, hasHeatMap(p)) {
				out = append(out, where+a.name+" axis: "+m)
			}
		}
		out = append(out, prefix(where, checkPlotters(p, l.data[i], l.legend[i], f.Side != nil))...)
		out = append(out, prefix(where, checkLimits(plotters(p), f.Limits))...)
		if d := doubled(p.Title.Text); d != "" {
			out = append(out, fmt.Sprintf("%stitle %q doubles %q", where, p.Title.Text, d))
		}
	}
	if f.Aspect > 0 {
		s := l.data[0].Size()
		if got := float64(s.Y / s.X); math.Abs(got/f.Aspect-1) > 0.03 {
			out = append(out, fmt.Sprintf("data area %.3g high per unit of width, want %.3g", got, f.Aspect))
		}
	}
	return out
}

func prefix(p string, ms []string) []string {
	for i := range ms {
		ms[i] = p + ms[i]
	}
	return ms
}

func hasHeatMap(p *plot.Plot) bool {
	for _, d := range plotters(p) {
		if _, ok := d.(*plotter.HeatMap); ok {
			return true
		}
	}
	return false
}

// checkAxis checks the labelled ticks in an axis's range: at least two
// (unless the axis is hidden), short numbers (categorical labels of
// ConstantTicks excepted), integers on an integer axis.
func checkAxis(a *plot.Axis, heat bool) []string {
	if a.Tick.Length == 0 && a.Label.Text == "" && a.Tick.Label.Font.Size == 0 || a.Min >= a.Max {
		return nil // hidden
	}
	switch a.Tick.Marker.(type) {
	case plot.ConstantTicks:
		return nil // categories, or coordinates a figure placed itself
	case unlabelled:
		return nil // labelled on the panel below
	}
	var labels []string
	for _, t := range a.Tick.Marker.Ticks(a.Min, a.Max) {
		if t.Label != "" && t.Value >= a.Min-1e-9*math.Abs(a.Min) && t.Value <= a.Max+1e-9*math.Abs(a.Max) {
			labels = append(labels, t.Label)
		}
	}
	var out []string
	if len(labels) < 2 && !(heat && len(labels) == 1) {
		out = append(out, fmt.Sprintf("%d labelled tick(s) %q in [%g, %g]", len(labels), labels, a.Min, a.Max))
	}
	lt, isLinear := a.Tick.Marker.(linearTicks)
	_, isRows := a.Tick.Marker.(rowTicks)
	for _, s := range labels {
		v, err := strconv.ParseFloat(strings.Replace(s, "−", "-", 1), 64)
		switch {
		case err != nil:
			out = append(out, fmt.Sprintf("tick label %q is not a number", s))
		case len(s) > 8 || strings.Contains(s, "00000") || strings.Contains(s, "99999"):
			out = append(out, fmt.Sprintf("tick label %q is not short", s))
		case ((isLinear && lt.integer) || isRows) && v != math.Trunc(v):
			out = append(out, fmt.Sprintf("tick label %q on an integer axis", s))
		}
	}
	return out
}

// checkPlotters checks a plot's data: every point finite and not under
// the legend, every heat map keyed and its palette centred on 0 exactly
// when its data have both signs.
func checkPlotters(p *plot.Plot, data draw.Canvas, legend vg.Rectangle, keyed bool) []string {
	var out []string
	x, y := p.Transforms(&data)
	for _, d := range plotters(p) {
		if h, ok := d.(*plotter.HeatMap); ok {
			out = append(out, checkHeatMap(h, keyed)...)
			continue
		}
		xy, ok := d.(plotter.XYer)
		if !ok {
			continue
		}
		for i := 0; i < xy.Len(); i++ {
			px, py := xy.XY(i)
			if !finite(px) || !finite(py) {
				out = append(out, fmt.Sprintf("point (%g, %g) plotted", px, py))
				continue
			}
			at := vg.Point{X: x(px), Y: y(py)}
			if legend.Min.X <= at.X && at.X <= legend.Max.X && legend.Min.Y <= at.Y && at.Y <= legend.Max.Y {
				out = append(out, fmt.Sprintf("legend covers the point (%g, %g)", px, py))
			}
		}
	}
	return out
}

func checkHeatMap(h *plotter.HeatMap, keyed bool) []string {
	var out []string
	if !keyed {
		out = append(out, "heat map without a colour bar or key")
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	c, r := h.GridXYZ.Dims()
	for i := range c {
		for j := range r {
			if v := h.GridXYZ.Z(i, j); finite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	centred := h.Min == -h.Max
	switch {
	case lo < 0 && hi > 0 && !centred:
		out = append(out, fmt.Sprintf("signed data [%g, %g] on a palette over [%g, %g], not centred on 0", lo, hi, h.Min, h.Max))
	case (lo >= 0 || hi <= 0) && h.Min < 0 && h.Max > 0:
		out = append(out, fmt.Sprintf("data of one sign [%g, %g] on a palette over [%g, %g] across 0", lo, hi, h.Min, h.Max))
	}
	return out
}

// doubled returns a word of a title that its next word repeats (as in
// "flow flow-a"), "" when none does.
func doubled(title string) string {
	w := strings.Fields(title)
	for i := 0; i+1 < len(w); i++ {
		a, b := strings.ToLower(w[i]), strings.ToLower(w[i+1])
		if a == b || strings.HasPrefix(b, a+"-") {
			return w[i]
		}
	}
	return ""
}

// plotters are the plotters added to p: gonum/plot keeps them
// unexported, and a check of what a figure draws needs them. It panics
// if gonum/plot renames the field, which the package's tests would show
// at once.
func plotters(p *plot.Plot) []plot.Plotter {
	v := reflect.ValueOf(p).Elem().FieldByName("plotters")
	return *(*[]plot.Plotter)(unsafe.Pointer(v.UnsafeAddr()))
}
