package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"

	"github.com/rgml/rgml/framework/npz"
)

// Three histories overlaid: one panel per quantity, each entry one
// curve in the same colour in every panel (also where another entry
// lacks the quantity), a legend naming the entries by the parameter
// that differs and not by the one they share, and the figure style.
func TestOverlayMultiples(t *testing.T) {
	x := []float64{1, 2, 3, 4}
	entry := func(name, hidden string, quantities ...string) Overlaid {
		e := Overlaid{Name: name, Params: map[string]string{"hidden": hidden, "lr": "0.01"}}
		for i, q := range quantities {
			e.Series = append(e.Series, Series{Label: q, X: x, Y: []float64{4 + float64(i), 3, 2, 1}})
		}
		return e
	}
	entries := []Overlaid{entry("rbm-a:1", "16", "loss", "norm"), entry("rbm-b:1", "32", "norm"), entry("rbm-c:2", "64", "loss", "norm")}
	f, err := OverlayMultiples("training histories", "epoch", entries)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Panels) != 2 {
		t.Fatalf("%d panels, want one per quantity (2)", len(f.Panels))
	}
	colours := map[string]string{}
	for i, p := range f.Panels {
		var n int
		for _, pl := range plotters(p) {
			if l, ok := pl.(*plotter.Line); ok {
				n++
				colours[fmt.Sprintf("%s%d", p.Y.Label.Text, n)] = fmt.Sprint(l.Color.RGBA())
			}
		}
		if want := []int{2, 3}[i]; n != want {
			t.Errorf("panel %q: %d curves, want %d", p.Y.Label.Text, n, want)
		}
	}
	// rbm-c is the loss panel's 2nd curve and the norm panel's 3rd.
	if colours["loss2"] != colours["norm3"] || colours["loss1"] != colours["norm1"] || colours["norm2"] == colours["norm3"] {
		t.Errorf("an entry changes colour between panels: %v", colours)
	}
	if _, ok := npz.Find(f.Data, "rbm-b:1 norm.y"); !ok || len(f.Data) != 10 {
		t.Errorf("data %d arrays: %v", len(f.Data), f.Data)
	}
	if p := Check(f); len(p) != 0 {
		t.Errorf("%v", p)
	}
	out := filepath.Join(t.TempDir(), "h.svg")
	if err := SaveImage(out, f); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"rbm-a:1 hidden=16", "rbm-b:1 hidden=32", "rbm-c:2 hidden=64"} {
		if strings.Count(string(b), want) != 1 {
			t.Errorf("the figure names %q %d times, want once", want, strings.Count(string(b), want))
		}
	}
	if strings.Contains(string(b), "lr=") {
		t.Errorf("the legend names lr, which the entries share")
	}
}

// One curve per entry on one plot, named by what differs.
func TestOverlayLines(t *testing.T) {
	x := []float64{0, 1, 2}
	entries := []Overlaid{
		{Name: "f:1", Params: map[string]string{"model": "m1", "T": "2"}, Series: []Series{{Label: "mean T", X: x, Y: []float64{2, 2.2, 2.3}}}},
		{Name: "f:2", Params: map[string]string{"model": "m1"}, Series: []Series{{Label: "mean T", X: x, Y: []float64{2, 2.1, 2.25}}}},
	}
	if got := OverlayLegends(entries); got[0] != "f:1 T=2" || got[1] != "f:2 T=–" {
		t.Errorf("legends %q", got)
	}
	f, err := OverlayLines(LineOptions{Title: "flows", XLabel: "flow iteration", YLabel: "mean measured T", HLines: []Ref{{Label: "Tc", At: 2.27}}}, entries)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := npz.Find(f.Data, "f:2 mean T.y"); !ok {
		t.Errorf("data %v", f.Data)
	}
	if p := Check(f); len(p) != 0 {
		t.Errorf("%v", p)
	}
}
