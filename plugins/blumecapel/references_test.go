package blumecapel

import (
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// The model declares its phase boundary as two lines in its own
// parameters (T, Δ) at J = 1: the second-order line from Δ = 0 down to
// the tricritical point and the first-order line from there to the
// T = 0 end at Δ = 2. The lines meet at the declared tricritical point,
// T falls along each as Δ grows, and every reference names its source.
func TestReferencesDeclareThePhaseBoundary(t *testing.T) {
	d := Description()
	if err := d.CheckReferences(); err != nil {
		t.Fatal(err)
	}
	byName := map[string]sdk.Reference{}
	for _, r := range References() {
		byName[r.Name] = r
		if !strings.Contains(r.Source, "(19") && !strings.Contains(r.Source, "(20") && !strings.Contains(r.Source, "exact") {
			t.Errorf("%s: source %q names no publication year and is not exact", r.Name, r.Source)
		}
		for _, p := range r.Points {
			if p["J"] != 1 {
				t.Errorf("%s: point %v is not at J = 1", r.Name, p)
			}
		}
	}
	tri, ok := byName["tricritical point"]
	if !ok || len(tri.Points) != 1 {
		t.Fatalf("no tricritical point among %v", byName)
	}
	tp := tri.Points[0]
	second, first := byName["second-order line"], byName["first-order line"]
	if len(second.Points) < 2 || len(first.Points) < 2 {
		t.Fatalf("second-order line %v, first-order line %v: want at least two points each", second.Points, first.Points)
	}
	at := func(p sdk.Params, delta, temp float64) bool { return p["Delta"] == delta && p["T"] == temp }
	s0, sN := second.Points[0], second.Points[len(second.Points)-1]
	if s0["Delta"] != 0 || s0["T"] < 1.69 || s0["T"] > 1.70 {
		t.Errorf("second-order line starts at %v, want Δ = 0, T ≈ 1.693", s0)
	}
	if !at(sN, tp["Delta"], tp["T"]) || !at(first.Points[0], tp["Delta"], tp["T"]) {
		t.Errorf("the lines do not meet at the tricritical point %v: %v, %v", tp, sN, first.Points[0])
	}
	if fN := first.Points[len(first.Points)-1]; !at(fN, 2, 0) {
		t.Errorf("first-order line ends at %v, want (Δ, T) = (2, 0)", fN)
	}
	for _, line := range []sdk.Reference{second, first} {
		for i := 1; i < len(line.Points); i++ {
			a, b := line.Points[i-1], line.Points[i]
			if !(b["Delta"] > a["Delta"] && b["T"] < a["T"]) {
				t.Errorf("%s: %v then %v: T must fall as Δ grows", line.Name, a, b)
			}
		}
	}
}
