package ising

import (
	"fmt"
	"math"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/xrand"
	"github.com/rgml/rgml/plugins/ising/exact"
)

// maxZ is the number of standard errors a Monte Carlo estimate may differ
// from its exact value. The seeds are fixed, so the tests are
// deterministic; with ≈ 70 comparisons at 4σ and ≥ 160 blocks per error
// bar, a correct sampler fails one with a probability well below 1%.
const maxZ = 4

// check compares an estimate with an exact value and returns z.
func check(t *testing.T, what string, est, se, want float64) float64 {
	t.Helper()
	if se <= 0 || math.IsNaN(se) {
		t.Errorf("%s: standard error %g", what, se)
		return math.Inf(1)
	}
	z := (est - want) / se
	if math.Abs(z) > maxZ {
		t.Errorf("%s = %.6f ± %.6f, exact %.6f (z = %.1f)", what, est, se, want, z)
	}
	return z
}

func points(temps []float64) []sdk.Params {
	p := make([]sdk.Params, len(temps))
	for i, T := range temps {
		p[i] = sdk.Params{"T": T}
	}
	return p
}

// l4Estimates are the L = 4 observables and their errors at one T.
type l4Estimates struct {
	e, eSE, c, cSE, absM, absMSE, m2, m2SE float64
}

// TestL4AgainstEnumeration: metropolis and wolff chains on the 4×4 torus
// against exact enumeration of its 65 536 states. Sample sizes: 40 000
// configurations per temperature (8 chains × 5 000, default sweeps:
// 10 Metropolis sweeps or 5 Wolff sweeps apart); errors from 200 blocks of
// 200 configurations (binning; jackknife for C). The same estimates are
// then compared with the exact values at 1.1·T: every temperature must fail
// that comparison for at least one observable, which shows the test has the
// power to see a 10% temperature error.
func TestL4AgainstEnumeration(t *testing.T) {
	const L, per, blocks = 4, 40000, 200
	temps := []float64{1.0, 2.0, 2.269, 3.0, 5.0}
	spec, err := exact.Enumerate(L)
	if err != nil {
		t.Fatal(err)
	}
	for _, algo := range []string{AlgorithmMetropolis, AlgorithmWolff} {
		t.Run(algo, func(t *testing.T) {
			out := collect(t, New(), sdk.SampleRequest{
				Points: points(temps), Size: L, PerPoint: per, Algorithm: algo, Seed: 20180101,
			})
			for p, T := range temps {
				s := observe(t, L, T, out.configs[p])
				var est l4Estimates
				est.e, est.eSE = blockStats(s.e, blocks)
				est.c, est.cSE = specificHeat(s.e, L*L, T, blocks)
				est.absM, est.absMSE = blockStats(absOf(s.m), blocks)
				est.m2, est.m2SE = blockStats(squareOf(s.m), blocks)
				ex, _ := spec.At(T)
				name := fmt.Sprintf("%s L=%d T=%g", algo, L, T)
				check(t, name+" E/N", est.e, est.eSE, ex.Energy)
				check(t, name+" C/N", est.c, est.cSE, ex.SpecificHeat)
				check(t, name+" <|m|>", est.absM, est.absMSE, ex.AbsMagnetization)
				check(t, name+" <m²>", est.m2, est.m2SE, ex.Magnetization2)

				wrong, _ := spec.At(1.1 * T)
				zs := []float64{
					(est.e - wrong.Energy) / est.eSE, (est.c - wrong.SpecificHeat) / est.cSE,
					(est.absM - wrong.AbsMagnetization) / est.absMSE, (est.m2 - wrong.Magnetization2) / est.m2SE,
				}
				worst := 0.0
				for _, z := range zs {
					worst = math.Max(worst, math.Abs(z))
				}
				if worst <= maxZ {
					t.Errorf("%s: the test cannot tell T from 1.1·T (largest |z| = %.1f)", name, worst)
				}
				t.Logf("%s: E/N %.5f±%.5f (%.5f)  C/N %.4f±%.4f (%.4f)  <|m|> %.5f±%.5f (%.5f)  <m²> %.5f±%.5f (%.5f); at 1.1T max|z| = %.0f",
					name, est.e, est.eSE, ex.Energy, est.c, est.cSE, ex.SpecificHeat,
					est.absM, est.absMSE, ex.AbsMagnetization, est.m2, est.m2SE, ex.Magnetization2, worst)
			}
		})
	}
}

// TestL10AgainstKaufman: metropolis and wolff chains on the 10×10 torus
// against Kaufman's exact energy and specific heat. Sample sizes: 32 000
// configurations per temperature (8 chains × 4 000, default sweeps); errors
// from 160 blocks of 200 configurations.
func TestL10AgainstKaufman(t *testing.T) {
	const L, per, blocks = 10, 32000, 160
	temps := []float64{1.5, 2.0, 2.269, 2.5, 3.0, 4.0}
	for _, algo := range []string{AlgorithmMetropolis, AlgorithmWolff} {
		t.Run(algo, func(t *testing.T) {
			out := collect(t, New(), sdk.SampleRequest{
				Points: points(temps), Size: L, PerPoint: per, Algorithm: algo, Seed: 1949,
			})
			for p, T := range temps {
				s := observe(t, L, T, out.configs[p])
				e, eSE := blockStats(s.e, blocks)
				c, cSE := specificHeat(s.e, L*L, T, blocks)
				ex, err := exact.Kaufman(L, T)
				if err != nil {
					t.Fatal(err)
				}
				name := fmt.Sprintf("%s L=%d T=%g", algo, L, T)
				check(t, name+" E/N", e, eSE, ex.Energy)
				check(t, name+" C/N", c, cSE, ex.SpecificHeat)
				t.Logf("%s: E/N %.5f±%.5f (%.5f)  C/N %.4f±%.4f (%.4f)", name, e, eSE, ex.Energy, c, cSE, ex.SpecificHeat)
			}
		})
	}
}

// TestPaperProtocolHighT: the paper's protocol at T = 6, L = 10, where 100
// sweeps from a random start are ample. 8 000 independent configurations:
// the mean magnetisation is consistent with 0 and the energy with
// Kaufman's value (plain standard errors: the configurations are
// independent).
func TestPaperProtocolHighT(t *testing.T) {
	const L, per, T = 10, 8000, 6.0
	out := collect(t, New(), sdk.SampleRequest{Points: points([]float64{T}), Size: L, PerPoint: per, Seed: 6})
	if out.attempts[0] != per*100*L*L {
		t.Errorf("attempts = %d, want %d", out.attempts[0], per*100*L*L)
	}
	s := observe(t, L, T, out.configs[0])
	m, mSE := meanSE(s.m)
	check(t, "paper T=6 <m>", m, mSE, 0)
	e, eSE := meanSE(s.e)
	ex, _ := exact.Kaufman(L, T)
	check(t, "paper T=6 E/N", e, eSE, ex.Energy)
	t.Logf("T=6: <m> = %.5f ± %.5f, E/N = %.5f ± %.5f (exact %.5f), acceptance %.3f",
		m, mSE, e, eSE, ex.Energy, float64(out.accepted[0])/float64(out.attempts[0]))
}

// TestZeroTemperatureNeverRaisesEnergy steps the kernel at T = 0 (run as
// 1e-6) one attempt at a time: every accepted move has dE ≤ 0 and the
// energy never rises; moves with dE = 0 are accepted.
func TestZeroTemperatureNeverRaisesEnergy(t *testing.T) {
	const L = 10
	c := NewChain(L, 0, 42)
	if c.Temperature() != ZeroTemperature {
		t.Fatalf("T = 0 runs at %g", c.Temperature())
	}
	c.Randomize()
	e := c.Energy()
	zeroAccepted, rejected := 0, 0
	for k := 0; k < 100*L*L; k++ {
		_, dE, ok := c.MetropolisStep()
		if !ok {
			if dE <= 0 {
				t.Fatalf("attempt %d: move with dE = %d rejected", k, dE)
			}
			rejected++
			continue
		}
		if dE > 0 {
			t.Fatalf("attempt %d: move with dE = %d accepted at T = 0", k, dE)
		}
		if dE == 0 {
			zeroAccepted++
		}
		e2 := c.Energy()
		if e2 != e+dE || e2 > e {
			t.Fatalf("attempt %d: energy %d → %d with dE = %d", k, e, e2, dE)
		}
		e = e2
	}
	if zeroAccepted == 0 || rejected == 0 {
		t.Errorf("%d dE = 0 moves accepted, %d moves rejected: expected both", zeroAccepted, rejected)
	}
	// The paper protocol at T = 0 likewise ends far below the random
	// start's energy (≈ 0).
	out := collect(t, New(), sdk.SampleRequest{Points: points([]float64{0}), Size: L, PerPoint: 50, Seed: 3})
	s := observe(t, L, 0, out.configs[0])
	for i, v := range s.e {
		if v > -1 {
			t.Errorf("T=0 configuration %d has E/N = %g", i, v)
		}
	}
}

// TestKernelMatchesRNG: the generator inlined in MetropolisAttempts draws
// the numbers of xrand.RNG.Uint64 (whose test checks the published
// xoshiro256** test vector).
func TestKernelMatchesRNG(t *testing.T) {
	start := [4]uint64{1, 2, 3, 4}
	c := NewChain(4, 2, 0)
	c.RNG().SetState(start)
	c.MetropolisAttempts(10)
	var r xrand.RNG
	r.SetState(start)
	for range 10 {
		r.Uint64()
	}
	if r.State() != c.RNG().State() {
		t.Error("MetropolisAttempts advances the generator differently")
	}
}

// TestKernelMatchesStep: MetropolisAttempts and MetropolisStep draw the same
// random numbers and make the same moves.
func TestKernelMatchesStep(t *testing.T) {
	for _, T := range []float64{0, 1, 2.269, 6} {
		for _, L := range []int{2, 3, 7} {
			a, b := NewChain(L, T, 9), NewChain(L, T, 9)
			a.Randomize()
			b.Randomize()
			acc := a.MetropolisAttempts(5000)
			var accB int64
			for k := 0; k < 5000; k++ {
				if _, _, ok := b.MetropolisStep(); ok {
					accB++
				}
			}
			if acc != accB || string(bytesOf(a.Spins)) != string(bytesOf(b.Spins)) || *a.RNG() != *b.RNG() {
				t.Errorf("T=%g L=%d: kernel and step disagree (accepted %d vs %d)", T, L, acc, accB)
			}
		}
	}
}

func bytesOf(s []int8) []byte {
	b := make([]byte, len(s))
	for i, v := range s {
		b[i] = byte(v)
	}
	return b
}

// TestWolffCluster: a cluster at T = 0 (p_add = 1) flips a whole domain;
// at very high T (p_add ≈ 0) a single spin.
func TestWolffCluster(t *testing.T) {
	c := NewChain(8, 0, 1)
	if n := c.WolffCluster(); n != 64 || c.Magnetization() != -64 {
		t.Errorf("T=0 from all up: cluster of %d, M = %d", n, c.Magnetization())
	}
	c.SetTemperature(1e9)
	for k := 0; k < 100; k++ {
		m := c.Magnetization()
		if n := c.WolffCluster(); n != 1 {
			t.Fatalf("T=1e9: cluster of %d", n)
		}
		if d := c.Magnetization() - m; d != 2 && d != -2 {
			t.Fatalf("T=1e9: magnetisation changed by %d", d)
		}
	}
}
