package report

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
)

// The figure style (docs/figures.md): ticks a reader can read, colour
// bars on heat maps, palettes that say whether data are signed.

// tickLabel spells a tick's value in the fewest digits that name it:
// the arithmetic that places ticks leaves 1.0000000000000004e-05 where
// 1e-5 is meant, and a reader needs neither the noise nor the exponent's
// leading zero.
func tickLabel(v float64) string {
	if v == 0 {
		return "0"
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 10, 64), 64)
	s := strconv.FormatFloat(r, 'g', -1, 64)
	if mant, exp, ok := strings.Cut(s, "e"); ok {
		n, _ := strconv.Atoi(exp)
		s = mant + "e" + strconv.Itoa(n)
	}
	return s
}

// linearTicks are gonum's ticks, labelled by tickLabel; integer ones
// fall only on integers, as on an axis of counts or distances.
type linearTicks struct{ integer bool }

func (t linearTicks) Ticks(min, max float64) []plot.Tick {
	if t.integer {
		return integerTicks(min, max)
	}
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = tickLabel(ticks[i].Value)
		}
	}
	return ticks
}

// integerTicks labels every 1, 2 or 5 × 10ⁿ integers, the smallest step
// that keeps at most eight labels, with unlabelled ticks at the integers
// between when there are few enough.
func integerTicks(min, max float64) []plot.Tick {
	lo, hi := math.Ceil(min-1e-9), math.Floor(max+1e-9)
	if hi < lo {
		return linearTicks{}.Ticks(min, max)
	}
	step := 1.0
	for k := 0; (hi-lo)/step > 8; k++ {
		step = []float64{2, 5, 10}[k%3] * math.Pow10(k/3)
	}
	var ticks []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: tickLabel(v)})
	}
	if step > 1 && (hi-lo) <= 40 {
		for v := lo; v <= hi; v++ {
			if math.Mod(v, step) != 0 {
				ticks = append(ticks, plot.Tick{Value: v})
			}
		}
	}
	return ticks
}

// logTicks label the decades of a log axis (every k-th when they are
// many), with unlabelled ticks at 2…9 × 10ⁿ; when fewer than two decades
// fall in the range, the ticks at 2, 3 and 5 × 10ⁿ (or all of 2…9) are
// labelled too, and within a single step of those, linear ticks are,
// so that a log axis always reads with at least two numbers.
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	if min <= 0 || max <= min {
		return linearTicks{}.Ticks(min, max)
	}
	in := func(v float64) bool { return v >= min*(1-1e-9) && v <= max*(1+1e-9) }
	d0, d1 := int(math.Floor(math.Log10(min))), int(math.Ceil(math.Log10(max)))
	var decades []int
	for n := d0; n <= d1; n++ {
		if in(math.Pow10(n)) {
			decades = append(decades, n)
		}
	}
	every := 1
	for len(decades)/every > 7 {
		every++
	}
	var ticks []plot.Tick
	for _, n := range decades {
		t := plot.Tick{Value: math.Pow10(n)}
		if n%every == 0 {
			t.Label = tickLabel(t.Value)
		}
		ticks = append(ticks, t)
	}
	labelled := len(decades) / every
	if len(decades) >= 2 && labelled < 2 {
		labelled = 0
		for i := range ticks {
			ticks[i].Label = tickLabel(ticks[i].Value)
			labelled++
		}
	}
	for _, label := range [][]float64{{}, {2, 3, 5}, {2, 3, 4, 5, 6, 7, 8, 9}} {
		minor, n := minorLogTicks(d0, d1, in, label)
		if labelled+n >= 2 || len(label) == 8 {
			if labelled+n < 2 {
				return linearTicks{}.Ticks(min, max) // within one step of 10ⁿ·{2…9}
			}
			return append(ticks, minor...)
		}
	}
	return ticks
}

// minorLogTicks are the ticks at m × 10ⁿ, m in 2…9, in the range, those
// with m in label labelled, and how many are.
func minorLogTicks(d0, d1 int, in func(float64) bool, label []float64) ([]plot.Tick, int) {
	var ticks []plot.Tick
	n := 0
	for d := d0; d <= d1; d++ {
		for m := 2.0; m <= 9; m++ {
			v := m * math.Pow10(d)
			if !in(v) {
				continue
			}
			t := plot.Tick{Value: v}
			if slices.Contains(label, m) {
				t.Label, n = tickLabel(v), n+1
			}
			ticks = append(ticks, t)
		}
	}
	return ticks, n
}

// allIntegers reports whether every finite value of vs is an integer
// (and there is one).
func allIntegers(vs ...[]float64) bool {
	n := 0
	for _, v := range vs {
		for _, x := range v {
			if finite(x) {
				if x != math.Trunc(x) {
					return false
				}
				n++
			}
		}
	}
	return n > 0
}

// colorMap is the palette of values from lo to hi: diverging (blue, white
// at 0, red) over ±max(|lo|, |hi|) when they have both signs, so that 0
// is white and equal magnitudes are equally strong; sequential
// otherwise, so that a share or a count is not split at a meaningless
// middle. It returns the map and the range it covers.
func colorMap(lo, hi float64) (palette.ColorMap, float64, float64) {
	if lo < 0 && hi > 0 {
		a := math.Max(-lo, hi)
		m := moreland.SmoothBlueRed()
		m.SetMin(-a)
		m.SetMax(a)
		return m, -a, a
	}
	if lo == hi {
		hi = lo + 1
	}
	m := moreland.ExtendedBlackBody()
	if lo >= 0 {
		// Light for little, dark for much: the reverse of black body.
		m = reversed{m}
	}
	m.SetMin(lo)
	m.SetMax(hi)
	return m, lo, hi
}

// reversed is a colour map run backwards.
type reversed struct{ palette.ColorMap }

func (r reversed) At(v float64) (color.Color, error) {
	return r.ColorMap.At(r.Max() - (v - r.Min()))
}

// colors is a palette of given colours.
type colors []color.Color

func (c colors) Colors() []color.Color { return c }

// colorBar is the key of a heat map: its colour map as a vertical bar,
// labelled.
func colorBar(m palette.ColorMap, label string) *plot.Plot {
	p := plot.New()
	p.Add(&plotter.ColorBar{ColorMap: m, Vertical: true})
	p.HideX()
	p.Y.Tick.Marker = linearTicks{}
	p.Y.Label.Text = label
	return p
}

// stateKey is the key of a configuration's states: one box per state,
// in its colour, labelled with its value.
func stateKey(states []float64, m palette.ColorMap) *plot.Plot {
	p := plot.New()
	g := grid{v: nil, rows: len(states), cols: 1}
	for i := len(states) - 1; i >= 0; i-- {
		g.v = append(g.v, states[i])
	}
	h := plotter.NewHeatMap(g, discrete(m, states))
	h.Min, h.Max = states[0], states[len(states)-1]
	if h.Min == h.Max {
		h.Max++
	}
	p.Add(h)
	p.HideX()
	var ticks []plot.Tick
	for r, s := range states {
		ticks = append(ticks, plot.Tick{Value: float64(r), Label: stateLabel(s)})
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Label.Text = "state"
	return p
}

// stateLabel spells a state with its sign, as spins are written.
func stateLabel(s float64) string {
	if s > 0 {
		return "+" + tickLabel(s)
	}
	return strings.Replace(tickLabel(s), "-", "−", 1)
}

// discrete is the palette of len(states) colours the heat map of
// states uses, one per state in order.
func discrete(m palette.ColorMap, states []float64) palette.Palette {
	var cs colors
	for _, s := range states {
		c, err := m.At(math.Min(math.Max(s, m.Min()), m.Max()))
		if err != nil {
			panic(fmt.Sprintf("report: state %g outside its colour map", s)) // clamped above
		}
		cs = append(cs, c)
	}
	return cs
}

// symlog is the scale of log(1 + x): decades of x apart from x = 0,
// which stays on the axis.
type symlog struct{}

func (symlog) Normalize(min, max, x float64) float64 {
	f := func(v float64) float64 { return math.Log10(1 + math.Max(v, 0)) }
	if f(max) == f(min) {
		return 0.5
	}
	return (f(x) - f(min)) / (f(max) - f(min))
}

// symlogTicks are 0 and the decades, labelled, with unlabelled ticks at
// 2…9 × 10ⁿ.
type symlogTicks struct{}

func (symlogTicks) Ticks(min, max float64) []plot.Tick {
	ticks := []plot.Tick{}
	if min <= 0 && max >= 0 {
		ticks = append(ticks, plot.Tick{Value: 0, Label: "0"})
	}
	lo := math.Max(min, 1)
	if max >= lo {
		ticks = append(ticks, logTicks{}.Ticks(lo, max)...)
	}
	if len(ticks) < 2 {
		return linearTicks{}.Ticks(min, max)
	}
	return ticks
}
