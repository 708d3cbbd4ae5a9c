package report

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// drawnRefs are what a plane figure draws as references: its dashed
// lines (the declared curves), the points marked on them, and its
// triangles (the declared points), each as the points drawn.
func drawnRefs(f *Figure) (curves, vertices, points [][]plotter.XY) {
	xys := func(d plotter.XYer) []plotter.XY {
		var out []plotter.XY
		for i := 0; i < d.Len(); i++ {
			x, y := d.XY(i)
			out = append(out, plotter.XY{X: x, Y: y})
		}
		return out
	}
	for _, d := range plotters(f.Plot) {
		switch d := d.(type) {
		case *plotter.Line:
			if len(d.Dashes) > 0 {
				curves = append(curves, xys(d))
			}
		case *plotter.Scatter:
			switch d.Shape.(type) {
			case draw.PyramidGlyph:
				points = append(points, xys(d))
			case draw.CrossGlyph:
				vertices = append(vertices, xys(d))
			}
		}
	}
	return curves, vertices, points
}

func svgText(t *testing.T, f *Figure) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plane.svg")
	if err := SaveImage(path, f); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A plane figure draws every reference the model declares, and nothing
// else as one: each curve as a dashed polyline through exactly its
// declared points, those points marked on it (the line is straight
// between them, and the marks say where it was declared), each point
// as a triangle, all labelled in the legend by name. Power check: the
// same paths with no reference declared draw no curve, no mark and no
// reference label.
func TestPlaneDrawsTheDeclaredReferencesOnly(t *testing.T) {
	refs := []PlaneRef{
		{Label: "second-order line", Source: "s1", X: []float64{0, 1.966}, Y: []float64{1.693, 0.608}},
		{Label: "first-order line", Source: "s2", X: []float64{1.966, 1.99, 2}, Y: []float64{0.608, 0.3, 0}},
		{Label: "tricritical point", Source: "s3", X: []float64{1.966}, Y: []float64{0.608}},
	}
	path := Path{Label: "flow p", X: []float64{0.5, 1}, Y: []float64{1, 1.2}, Start: []float64{0.5, 0.8}}
	f, err := PlaneFlows("flows", bc, refs, path)
	if err != nil {
		t.Fatal(err)
	}
	asXY := func(r PlaneRef) []plotter.XY {
		var out []plotter.XY
		for i := range r.X {
			out = append(out, plotter.XY{X: r.X[i], Y: r.Y[i]})
		}
		return out
	}
	curves, vertices, points := drawnRefs(f)
	for _, want := range [][]plotter.XY{asXY(refs[0]), asXY(refs[1])} {
		if !slices.ContainsFunc(curves, func(c []plotter.XY) bool { return slices.Equal(c, want) }) {
			t.Errorf("no dashed line through %v among %v", want, curves)
		}
		if !slices.ContainsFunc(vertices, func(c []plotter.XY) bool { return slices.Equal(c, want) }) {
			t.Errorf("the declared points %v are not marked on their line (marks: %v)", want, vertices)
		}
	}
	if len(curves) != 2 || len(vertices) != 2 || len(points) != 1 || !slices.Equal(points[0], asXY(refs[2])) {
		t.Errorf("drawn: %d curves, %d sets of marks, points %v; want 2, 2 and the tricritical point", len(curves), len(vertices), points)
	}
	svg := svgText(t, f)
	for _, r := range refs {
		if !strings.Contains(svg, r.Label) {
			t.Errorf("the legend does not name %q", r.Label)
		}
	}
	if msgs := Check(f); len(msgs) > 0 {
		t.Errorf("the figure's checks: %v", msgs)
	}

	bare, err := PlaneFlows("flows", bc, nil, path)
	if err != nil {
		t.Fatal(err)
	}
	if c, v, p := drawnRefs(bare); len(c)+len(v)+len(p) > 0 {
		t.Errorf("no reference declared, yet drawn: curves %v, marks %v, points %v", c, v, p)
	}
	svg = svgText(t, bare)
	for _, r := range refs {
		if strings.Contains(svg, r.Label) {
			t.Errorf("no reference declared, yet the figure names %q", r.Label)
		}
	}
}
