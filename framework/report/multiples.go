package report

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// SmallMultiples draws each series in its own panel, stacked, sharing
// the x axis (labelled on the bottom panel only), each panel's y axis
// named by its series: quantities of different units and scales (a
// learning rate, a likelihood, a weight norm) each readable. Data as
// Lines'.
func SmallMultiples(title, xlabel string, series ...Series) (*Figure, error) {
	if len(series) == 1 {
		return Lines(LineOptions{Title: title, XLabel: xlabel, YLabel: series[0].Label}, series...)
	}
	f := &Figure{}
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for k, s := range series {
		if s.Label == "" {
			s.Label = fmt.Sprintf("series %d", k)
		}
		panel, err := Lines(LineOptions{YLabel: s.Label}, s)
		if err != nil {
			return nil, err
		}
		p := panel.Plot
		p.Legend = plot.NewLegend()
		p.Y.Label.TextStyle.Font.Size = vg.Points(9)
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
	return f, nil
}

// unlabelled are a ticker's ticks without labels: an upper panel's x
// axis, which the bottom panel labels.
type unlabelled struct{ plot.Ticker }

func (u unlabelled) Ticks(min, max float64) []plot.Tick {
	ticks := u.Ticker.Ticks(min, max)
	for i := range ticks {
		ticks[i].Label = ""
	}
	return ticks
}
