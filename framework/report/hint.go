package report

import (
	"fmt"
	"strings"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
)

// FromHint draws the figure an analyzer suggested, from its results:
// line and scatter figures as Lines (series against the X tensor, with
// their error tensors), heatmaps as Heatmap. Tables and histograms are not
// drawn here (an error says so); results they name are still in the
// analysis.
func FromHint(results []npz.Array, h sdk.Figure) (*Figure, error) {
	get := func(name string) ([]float64, npz.Array, error) {
		a, ok := npz.Find(results, name)
		if !ok {
			return nil, a, fmt.Errorf("figure %s: the analysis has no result %q", h.Name, name)
		}
		v, err := floats(a)
		return v, a, err
	}
	switch h.Kind {
	case sdk.FigureLine, sdk.FigureScatter:
		ss, err := HintSeries(results, h)
		if err != nil {
			return nil, err
		}
		return Lines(LineOptions{Title: h.Title, XLabel: h.XLabel, YLabel: h.YLabel, LogX: h.LogX, LogY: h.LogY}, ss...)
	case sdk.FigureHeatmap:
		m, a, err := get(h.Series[0])
		if err != nil {
			return nil, err
		}
		if len(a.Shape) != 2 {
			return nil, fmt.Errorf("figure %s: %s has shape %v, a heatmap needs 2-D", h.Name, a.Name, a.Shape)
		}
		return Heatmap(h.Title, h.XLabel, h.YLabel, m, a.Shape[0], a.Shape[1])
	}
	return nil, fmt.Errorf("figure %s: kind %q is not drawn as a figure", h.Name, h.Kind)
}

// HintSeries returns the series of a line or scatter figure an analyzer
// suggested (each against the X tensor, with its error and limit
// tensors), so that
// several analyses can be drawn on one figure.
func HintSeries(results []npz.Array, h sdk.Figure) ([]Series, error) {
	get := func(name string) ([]float64, error) {
		a, ok := npz.Find(results, name)
		if !ok {
			return nil, fmt.Errorf("figure %s: the analysis has no result %q", h.Name, name)
		}
		return floats(a)
	}
	x, err := get(h.X)
	if err != nil {
		return nil, err
	}
	var ss []Series
	for i, name := range h.Series {
		y, err := get(name)
		if err != nil {
			return nil, err
		}
		s := Series{Label: name, Legend: legendOf(name), X: x, Y: y}
		if i < len(h.Errors) && h.Errors[i] != "" {
			if s.Err, err = get(h.Errors[i]); err != nil {
				return nil, err
			}
		}
		if i < len(h.Limits) && h.Limits[i] != "" {
			if s.Limit, err = get(h.Limits[i]); err != nil {
				return nil, err
			}
		}
		ss = append(ss, s)
	}
	return ss, nil
}

// legendOf spells a result's name for a legend: "G@iteration=0" (a
// quantity at a selection, as analyzers name their series) as
// "G, iteration = 0".
func legendOf(name string) string {
	q, at, ok := strings.Cut(name, "@")
	if !ok {
		return name
	}
	return q + ", " + strings.ReplaceAll(strings.ReplaceAll(at, "=", " = "), ",", ", ")
}
