package reportkind

import (
	"strings"
	"testing"
)

// A thermometer trained on Δ gave a figure titled "measured temperature
// distribution" over an axis "measured Δ": the title names the label.
func TestFlowFigureNamesTheLabel(t *testing.T) {
	f := FlowDistribution{Label: "Delta", Iterations: []int64{0, 10}, Classes: []float64{0, 1, 2},
		Distribution: [][]float64{{1, 0, 0}, {0, 1, 0}}}
	fig, err := distributionFigure("f:1", f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if title := fig.Plot.Title.Text; title != "f:1: measured Δ distribution" {
		t.Errorf("title %q, want %q", title, "f:1: measured Δ distribution")
	}
	if x := fig.Plot.X.Label.Text; !strings.Contains(x, "measured Δ") {
		t.Errorf("x axis %q", x)
	}
}
