package report

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Overlaid is one registry entry's curves in an overlay of several.
type Overlaid struct {
	Name string // the entry's reference, e.g. NAME:VERSION
	// Params are the entry's parameters as text; those whose values
	// differ between the overlaid entries name it in the legend.
	Params map[string]string
	// Series are its curves, one per quantity (Label).
	Series []Series
}

// OverlayLegends names each entry by its name and the parameters that
// differ between the entries (a parameter one entry lacks differs),
// "NAME p=v q=w": what a reader needs to tell the curves apart.
func OverlayLegends(entries []Overlaid) []string {
	keys := map[string]bool{}
	for _, e := range entries {
		for k := range e.Params {
			keys[k] = true
		}
	}
	var differ []string
	for k := range keys {
		for _, e := range entries[1:] {
			v0, ok0 := entries[0].Params[k]
			v, ok := e.Params[k]
			if ok != ok0 || v != v0 {
				differ = append(differ, k)
				break
			}
		}
	}
	sort.Strings(differ)
	out := make([]string, len(entries))
	for i, e := range entries {
		parts := []string{e.Name}
		for _, k := range differ {
			v, ok := e.Params[k]
			if !ok {
				v = "–"
			}
			parts = append(parts, k+"="+v)
		}
		out[i] = strings.Join(parts, " ")
	}
	return out
}

// OverlayMultiples draws several entries' histories as small multiples:
// one panel per quantity (in the order first met), sharing the x axis,
// each entry's curve of that quantity in the entry's colour, and one
// legend of the entries (OverlayLegends) by the top panel. An entry
// without a quantity is absent from its panel. The data name each array
// "ENTRY QUANTITY.x" / ".y".
func OverlayMultiples(title, xlabel string, entries []Overlaid) (*Figure, error) {
	if len(entries) == 0 {
		return nil, fmt.Errorf("%s: no entry to overlay", orUntitled(title))
	}
	var quantities []string
	for _, e := range entries {
		for _, s := range e.Series {
			if !slices.Contains(quantities, s.Label) {
				quantities = append(quantities, s.Label)
			}
		}
	}
	legends := OverlayLegends(entries)
	f := &Figure{}
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, q := range quantities {
		var ss []Series
		for k, e := range entries {
			for _, s := range e.Series {
				if s.Label == q {
					s.Label, s.Colour = e.Name+" "+q, k+1
					ss = append(ss, s)
				}
			}
		}
		panel, err := Lines(LineOptions{YLabel: q}, ss...)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", q, err)
		}
		p := panel.Plot
		p.Legend = plot.NewLegend()
		if len(quantities) > 1 {
			p.Y.Label.TextStyle.Font.Size = vg.Points(9)
		}
		xmin, xmax = math.Min(xmin, p.X.Min), math.Max(xmax, p.X.Max)
		f.Panels = append(f.Panels, p)
		f.Data = append(f.Data, panel.Data...)
		f.Notes = append(f.Notes, panel.Notes...)
	}
	for i, p := range f.Panels {
		p.X.Min, p.X.Max = xmin, xmax
		if i < len(f.Panels)-1 {
			p.X.Tick.Marker = unlabelled{p.X.Tick.Marker}
		}
	}
	f.Plot = f.Panels[0]
	f.Plot.Title.Text = title
	f.Panels[len(f.Panels)-1].X.Label.Text = xlabel
	if err := legendOfEntries(f.Plot, legends); err != nil {
		return nil, err
	}
	if len(f.Panels) == 1 {
		f.Panels = nil
	}
	return f, nil
}

// OverlayLines draws each entry's one curve on one plot, named in the
// legend by OverlayLegends; o's reference lines as Lines draws them.
func OverlayLines(o LineOptions, entries []Overlaid) (*Figure, error) {
	legends := OverlayLegends(entries)
	var ss []Series
	for k, e := range entries {
		for _, s := range e.Series {
			s.Label, s.Legend, s.Colour = e.Name+" "+s.Label, legends[k], k+1
			ss = append(ss, s)
		}
	}
	return Lines(o, ss...)
}

// legendOfEntries replaces p's legend by one entry per overlaid entry,
// in its colour: the key to every panel at once.
func legendOfEntries(p *plot.Plot, names []string) error {
	p.Legend = plot.NewLegend()
	for k, name := range names {
		l, sc, err := plotter.NewLinePoints(plotter.XYs{{}})
		if err != nil {
			return err
		}
		c := pathColor(k)
		l.Color, sc.Color = c, c
		sc.Shape = draw.CircleGlyph{}
		sc.Radius = vg.Points(1.5)
		p.Legend.Add(name, l, sc)
	}
	return nil
}
