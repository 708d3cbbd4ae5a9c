package correlations

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/ising"
)

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func TestAllAligned(t *testing.T) {
	const L, n = 10, 30
	c := make([]int8, n*L*L)
	for i := range c {
		c[i] = 1
	}
	st, err := Compute(c, L, seq(n))
	if err != nil {
		t.Fatal(err)
	}
	for r, g := range st.G {
		if g != 1 || st.Gc[r] != 0 {
			t.Errorf("r = %d: G = %g, G_c = %g; want 1 and 0", r, g, st.Gc[r])
		}
	}
	if st.HasEnergy || st.AbsM != 1 || math.Abs(st.Binder-2.0/3) > 1e-15 {
		t.Errorf("energy %v (the model's, not given here), |m| = %g, U = %g; want none, 1, 2/3", st.HasEnergy, st.AbsM, st.Binder)
	}
	if !math.IsNaN(st.Xi) {
		t.Errorf("ξ = %g from a zero G_c; want NaN", st.Xi)
	}
}

// TestIndependentSpins: G(0) = 1 and G(r ≥ 1) ≈ 0 within 4σ; the
// power check requires σ small enough that G(1) = 0.05 (a correlation a
// broken neighbour table or a missing periodic wrap would fake) would be
// rejected.
func TestIndependentSpins(t *testing.T) {
	const L, n = 10, 5000
	rng := rand.New(rand.NewPCG(1, 2))
	c := make([]int8, n*L*L)
	for i := range c {
		c[i] = int8(2*rng.IntN(2) - 1)
	}
	st, _ := Compute(c, L, seq(n))
	if st.G[0] != 1 {
		t.Errorf("G(0) = %g", st.G[0])
	}
	for r := 1; r < len(st.G); r++ {
		if math.Abs(st.G[r]) > 4*st.GErr[r] {
			t.Errorf("G(%d) = %.5f ± %.5f, want 0 within 4σ", r, st.G[r], st.GErr[r])
		}
		if math.Abs(st.Gc[r]) > 4*st.GcErr[r]+1e-12 {
			t.Errorf("G_c(%d) = %.5f ± %.5f, want 0 within 4σ", r, st.Gc[r], st.GcErr[r])
		}
		if 4*st.GErr[r] > 0.05 {
			t.Errorf("G(%d): σ = %.4f cannot tell 0.05 from 0", r, st.GErr[r])
		}
	}
}

// TestFitXi recovers ξ from exact periodic exponentials.
func TestFitXi(t *testing.T) {
	const L = 10
	for _, xi := range []float64{0.7, 2, 6} {
		g := make([]float64, L/2+1)
		for r := range g {
			g[r] = 0.8 * math.Cosh((float64(r)-L/2)/xi) / math.Cosh(L/2/xi)
		}
		if got := FitXi(g, nil, L); math.Abs(got-xi) > 1e-4*xi {
			t.Errorf("ξ = %g fitted as %g", xi, got)
		}
	}
}

// sample draws Wolff configurations of the L×L Ising model at temps.
func sample(t testing.TB, L, per int, temps []float64, seed uint64) ([]int8, []float64) {
	t.Helper()
	m := ising.New()
	req := sdk.SampleRequest{Size: L, PerPoint: per, Algorithm: ising.AlgorithmWolff, Seed: seed}
	for _, T := range temps {
		req.Points = append(req.Points, sdk.Params{"T": T})
	}
	sites := L * L
	configs := make([]int8, len(temps)*per*sites)
	labels := make([]float64, len(temps)*per)
	err := m.Sample(context.Background(), req, func(c sdk.SampleChunk) error {
		off := (c.Point*per + c.First) * sites
		copy(configs[off:], c.Configs)
		for k := range len(c.Configs) / sites {
			labels[c.Point*per+c.First+k] = temps[c.Point]
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return configs, labels
}

// isingMeasures measures Ising configurations as the host does: energy
// and magnetisation by the model's own Observables, G(r) on its
// (declared hypercubic) lattice.
func isingMeasures(t testing.TB, configs []int8, L int) Measures {
	t.Helper()
	obs, err := ising.New().Observables(context.Background(), sdk.Params{}, L, configs)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCorrelator(L, 2, ising.Description().StateSpace)
	if err != nil {
		t.Fatal(err)
	}
	ms := Measures{L: L, Energy: obs["energy"], M: obs["magnetization"], Offset: c.Offset()}
	ms.G, ms.U = c.Measure(configs)
	return ms
}

// exactEnergy is the Ising model's exact energy curve at L, as the host
// hands it to the analyzer.
func exactEnergy(t testing.TB, L int) Curve {
	t.Helper()
	ec, err := ising.NewWithOptions(ising.Options{}).ExactCurve(context.Background(), L, "energy")
	if err != nil {
		t.Fatal(err)
	}
	return Curve{T: ec.At, Value: ec.Values}
}

// TestEnergyImpliedTemperature: Monte Carlo configurations at T = 2, 3, 4
// (L = 10) imply their T through the model's exact energy curve (Kaufman)
// within twice the error bar, and the error bar is below 4 % of T, so a
// thermometer off by 10 % (or an energy per bond instead of per spin)
// would fail.
func TestEnergyImpliedTemperature(t *testing.T) {
	const L, per = 10, 1000
	temps := []float64{2, 3, 4}
	configs, _ := sample(t, L, per, temps, 11)
	exactE := exactEnergy(t, L)
	ms := isingMeasures(t, configs, L)
	for g, T := range temps {
		idx := seq(per)
		for k := range idx {
			idx[k] += g * per
		}
		st := ms.Stats(idx)
		got, sigma := exactE.Implied(st.Energy, st.EnergyErr)
		t.Logf("T = %g: e = %.4f ± %.4f implies T = %.3f ± %.3f", T, st.Energy, st.EnergyErr, got, sigma)
		if math.Abs(got-T) > 2*sigma {
			t.Errorf("T = %g: implied %.3f ± %.3f", T, got, sigma)
		}
		if sigma > 0.04*T {
			t.Errorf("T = %g: error bar %.3f is too wide to test anything", T, sigma)
		}
	}
}

// TestReferenceImpliedTemperature: ⟨|m|⟩, G(L/2) and the energy of
// independent configurations at T = 2.5 imply T through a Monte Carlo
// reference from another seed, within 3σ.
func TestReferenceImpliedTemperature(t *testing.T) {
	const L = 10
	var grid []float64
	for T := 1.5; T <= 4.01; T += 0.25 {
		grid = append(grid, T)
	}
	rc, rT := sample(t, L, 300, grid, 21)
	ref, err := NewReference(isingMeasures(t, rc, L), rT)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := sample(t, L, 600, []float64{2.5}, 22)
	st := isingMeasures(t, c, L).Stats(seq(600))
	for name, cv := range map[string]struct {
		curve  Curve
		v, err float64
	}{"|m|": {ref.AbsM, st.AbsM, st.AbsMErr}, "G(L/2)": {ref.GHalf, st.G[L/2], st.GErr[L/2]}, "e": {ref.Energy, st.Energy, st.EnergyErr}} {
		got, sigma := cv.curve.Implied(cv.v, cv.err)
		t.Logf("%s = %.4f ± %.4f implies T = %.3f ± %.3f", name, cv.v, cv.err, got, sigma)
		if math.Abs(got-2.5) > 3*sigma || sigma > 0.25 {
			t.Errorf("%s implies T = %.3f ± %.3f, want 2.5", name, got, sigma)
		}
	}
}

func TestImpliedOutOfRange(t *testing.T) {
	c := Curve{T: []float64{1, 2, 3}, Value: []float64{-1.8, -1.2, -0.8}}
	if T, _ := c.Implied(-0.5, 0.01); !math.IsNaN(T) {
		t.Errorf("a value beyond the curve implied T = %g", T)
	}
	if T, e := c.Implied(-1.5, 0); T != 1.5 || e != 0 {
		t.Errorf("implied %g ± %g, want 1.5 ± 0", T, e)
	}
	// Past the hot end of a curve that goes on to T → ∞ (an exact energy
	// curve), T is +Inf; past its cold end still NaN. A random-weight
	// flow's configurations have energies about 0: above E(T = 1000).
	exactE := Curve{T: []float64{0, 1, 2, 3, 100, 1000}, Value: []float64{-2, -1.997, -1.75, -0.81, -0.02, -0.002}, ToInfinity: true}
	for _, e := range []float64{-0.0001, 0, 0.03} {
		if T, _ := exactE.Implied(e, 0.01); !math.IsInf(T, 1) {
			t.Errorf("energy %g implied T = %g, want +Inf", e, T)
		}
	}
	if T, _ := exactE.Implied(-2.1, 0.01); !math.IsNaN(T) {
		t.Errorf("energy −2.1 implied T = %g, want NaN", T)
	}
	if T, _ := exactE.Implied(-0.004, 0.01); math.IsInf(T, 0) || T < 200 || T > 1000 {
		t.Errorf("energy −0.004 implied T = %g, want a finite T in [200, 1000]", T)
	}
	// A noisy non-monotone curve is pooled: values −1.2 and −1.3 at T = 2, 3
	// become −1.25 at both.
	n := Curve{T: []float64{1, 2, 3, 4}, Value: []float64{-1.8, -1.2, -1.3, -0.8}}
	if T, _ := n.Implied(-1.25, 0); T != 2.5 {
		t.Errorf("pooled curve: implied %g, want 2.5", T)
	}
}

func BenchmarkG25000(b *testing.B) {
	const L, n = 10, 25000
	rng := rand.New(rand.NewPCG(3, 4))
	c := make([]int8, n*L*L)
	for i := range c {
		c[i] = int8(2*rng.IntN(2) - 1)
	}
	idx := seq(n)
	b.ResetTimer()
	for range b.N {
		st, err := Compute(c, L, idx)
		if err != nil {
			b.Fatal(err)
		}
		sink = st
	}
}

var sink Stats

// A G_c flat over the lattice fits ξ at the top of the search range: it
// is flagged a limit (+1), and a ξ the data pin down is not (0).
func TestXiLimitAtBound(t *testing.T) {
	const L = 10
	flat := []float64{0.3, 0.3, 0.3, 0.3, 0.3, 0.3}
	if xi := FitXi(flat, nil, L); XiLimit(xi, L) != 1 {
		t.Errorf("flat G_c: ξ = %g flagged %g, want +1 (at the bound %g)", xi, XiLimit(xi, L), xiMax(L))
	}
	g := make([]float64, L/2+1)
	for r := range g {
		g[r] = 0.8 * math.Cosh((float64(r)-L/2)/2) / math.Cosh(L/2/2.0)
	}
	if xi := FitXi(g, nil, L); XiLimit(xi, L) != 0 {
		t.Errorf("ξ = %g (data of ξ = 2) flagged %g, want 0", xi, XiLimit(xi, L))
	}
	if XiLimit(math.NaN(), L) != 0 || XiLimit(xiMin, L) != -1 {
		t.Error("NaN must be no limit, ξ at the lower bound −1")
	}
}
