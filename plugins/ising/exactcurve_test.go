package ising_test

import (
	"context"
	"math"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/framework/sdk/sdktest"
	"github.com/rgml/rgml/plugins/ising"
	"github.com/rgml/rgml/plugins/ising/exact"
)

// TestExactCurveAcrossTheWire: through the real gRPC shims the model
// declares its hypercubic lattice and answers ExactCurve with Kaufman's
// energy of the L×L torus (−2 at T = 0; at T = 2 and T = 3 the value
// exact.Kaufman gives), and an empty curve for an observable it has no
// exact curve of.
func TestExactCurveAcrossTheWire(t *testing.T) {
	m := sdktest.InProcess(ising.New())(t, 1).Model
	ctx := context.Background()
	d, err := m.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.Lattice != sdk.LatticeHypercubic {
		t.Errorf("lattice %q", d.Lattice)
	}
	em := m.(sdk.ExactModel)
	c, err := em.ExactCurve(ctx, 10, "energy")
	if err != nil {
		t.Fatal(err)
	}
	if c.Parameter != "T" || c.Source == "" || len(c.At) != len(c.Values) || c.At[0] != 0 || c.Values[0] != -2 {
		t.Fatalf("curve over %q from %q: %d points starting (%g, %g)", c.Parameter, c.Source, len(c.At), c.At[0], c.Values[0])
	}
	for i, T := range c.At {
		if T != 2 && T != 3 {
			continue
		}
		th, err := exact.Kaufman(10, T)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(c.Values[i]-th.Energy) > 1e-15 {
			t.Errorf("T = %g: %g, Kaufman %g", T, c.Values[i], th.Energy)
		}
	}
	if c, err := em.ExactCurve(ctx, 10, "magnetization"); err != nil || len(c.Values) != 0 {
		t.Errorf("magnetization: %d values, %v; want none", len(c.Values), err)
	}
}
