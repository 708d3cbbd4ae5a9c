package reportkind

import (
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/framework/sdk"
)

// A plane diagram of the flows of a model that declares a line on the
// plane draws that line (its points in the figure's data) and cites its
// source in the caption, saying it is straight between the declared
// points; the same flows of a model declaring no reference get neither
// (power check), and a line declared at another value of a parameter
// the data hold fixed is not drawn.
func TestPlaneDiagramDrawsTheDeclaredLine(t *testing.T) {
	ax := report.Axes{X: "g", Y: "T"}
	line := sdk.Reference{Name: "boundary", Source: "A. Author, J. 1, 2 (2000)",
		Points: []sdk.Params{{"g": 0, "T": 2, "k": 1}, {"g": 1, "T": 1.5, "k": 1}, {"g": 2, "T": 0, "k": 1}}}
	one := []float64{1}
	flow := planeFlow{ax: ax, from: "T=1 g=0.5", where: []string{"T=1", "g=0.5"}}
	flow.flow.Labels, flow.flow.Iterations = []string{"T", "g"}, []int64{0}
	flow.flow.TMean, flow.flow.TMode = one, one
	flow.flow.Two = &formats.TwoParameter{DeltaMean: one, DeltaMode: one}
	diagram := func(m modelRefs) (string, *report.Figure) {
		t.Helper()
		marks := m.plane(ax)
		f, err := planeFigure("flows", ax, marks, []planeFlow{flow}, func(planeFlow) string { return "p" }, "mean")
		if err != nil {
			t.Fatal(err)
		}
		return citeRefs(marks, ax), f
	}
	caption, f := diagram(modelRefs{refs: []sdk.Reference{line}, fixed: map[string]any{"k": 1.0}})
	if a, ok := npz.Find(f.Data, "boundary.g"); !ok || len(a.Data.([]float64)) != 3 {
		t.Errorf("the declared line is not in the figure's data: %v", f.Data)
	}
	if !strings.Contains(caption, "boundary: A. Author, J. 1, 2 (2000)") || !strings.Contains(caption, "straight between") {
		t.Errorf("caption %q does not cite the line or say how it is drawn", caption)
	}
	for name, m := range map[string]modelRefs{
		"none declared":   {fixed: map[string]any{"k": 1.0}},
		"another k fixed": {refs: []sdk.Reference{line}, fixed: map[string]any{"k": 2.0}},
	} {
		caption, f := diagram(m)
		if _, ok := npz.Find(f.Data, "boundary.g"); ok || caption != "" {
			t.Errorf("%s: drawn anyway (caption %q)", name, caption)
		}
	}
}
