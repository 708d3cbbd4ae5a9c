package ising3d

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/ising3d/exact"
)

// maxZ is the number of standard errors a Monte Carlo estimate may differ
// from its exact value. The seeds are fixed, so the test is deterministic;
// with 48 comparisons at 4σ and 200 blocks per error bar, a correct
// sampler fails one with a probability well below 1%.
const maxZ = 4

// TestAgainstEnumeration: metropolis and wolff chains on the 2×2×2 and
// 3×3×3 tori against exact enumeration of their 2^8 and 2^27 states (the
// energy per spin, ⟨|m|⟩ and ⟨m²⟩ at T = 3, 4.5 and 6, below, near and
// above the infinite lattice's T_c ≈ 4.51). Sample sizes: 40 000
// configurations per temperature (8 chains × 5 000, default sweeps);
// errors from 200 blocks of 200 configurations. Power: the same estimates
// compared with the exact values at 1.1·T (a coupling 10% too weak) must
// fail for at least one observable at every temperature, and so must the
// energy per spin of the 2D model's bond count (2 of the 3 bonds per site,
// the square lattice's −2 at T = 0 instead of −3) in place of the 3D one.
func TestAgainstEnumeration(t *testing.T) {
	if testing.Short() {
		t.Skip("enumerates 2^27 states")
	}
	const per, blocks = 40000, 200
	temps := []float64{3, 4.5, 6}
	for _, L := range []int{2, 3} {
		spec, err := exact.Enumerate(L)
		if err != nil {
			t.Fatal(err)
		}
		for _, algo := range []string{AlgorithmMetropolis, AlgorithmWolff} {
			name := fmt.Sprintf("%s L=%d", algo, L)
			configs := collect(t, New(), sdk.SampleRequest{Points: points(temps), Size: L, PerPoint: per, Algorithm: algo, Seed: 2018})
			for p, T := range temps {
				obs, err := New().Observables(context.Background(), sdk.Params{"T": T}, L, configs[p])
				if err != nil {
					t.Fatal(err)
				}
				m2 := make([]float64, per)
				twoD := make([]float64, per)
				for i, m := range obs["magnetization"] {
					m2[i] = m * m
				}
				n := Sites(L)
				for i := 0; i < per; i++ {
					twoD[i] = float64(energy2D(L, configs[p][i*n:(i+1)*n])) / float64(n)
				}
				e, eSE := blockStats(obs["energy"], blocks)
				am, amSE := blockStats(obs["abs_magnetization"], blocks)
				q, qSE := blockStats(m2, blocks)
				e2, e2SE := blockStats(twoD, blocks)
				ex, _ := spec.At(T)
				wrong, _ := spec.At(1.1 * T)
				what := fmt.Sprintf("%s T=%g", name, T)
				worst := 0.0
				for _, c := range []struct {
					obs                   string
					est, se, exact, wrong float64
				}{
					{"E/N", e, eSE, ex.Energy, wrong.Energy},
					{"<|m|>", am, amSE, ex.AbsMagnetization, wrong.AbsMagnetization},
					{"<m²>", q, qSE, ex.Magnetization2, wrong.Magnetization2},
				} {
					if !(c.se > 0) {
						t.Errorf("%s %s: standard error %g", what, c.obs, c.se)
						continue
					}
					if z := (c.est - c.exact) / c.se; math.Abs(z) > maxZ {
						t.Errorf("%s %s = %.5f ± %.5f, exact %.5f (z = %.1f)", what, c.obs, c.est, c.se, c.exact, z)
					}
					worst = math.Max(worst, math.Abs(c.est-c.wrong)/c.se)
				}
				if worst <= maxZ {
					t.Errorf("%s: the test cannot tell T from 1.1·T (largest |z| = %.1f)", what, worst)
				}
				if z := math.Abs(e2-ex.Energy) / e2SE; z <= maxZ {
					t.Errorf("%s: the 2D bond count's energy %.5f ± %.5f passes for the exact %.5f (z = %.1f)", what, e2, e2SE, ex.Energy, z)
				}
				t.Logf("%s: E/N %.5f±%.5f (%.5f)  <|m|> %.5f±%.5f (%.5f)  <m²> %.5f±%.5f (%.5f); at 1.1T max|z| = %.0f",
					what, e, eSE, ex.Energy, am, amSE, ex.AbsMagnetization, q, qSE, ex.Magnetization2, worst)
			}
		}
	}
}

// energy2D is the wrong energy the power check feeds the comparison: the
// bonds along x and y only, as if the cube were a stack of square lattices.
func energy2D(L int, spins []int8) int {
	nb := Neighbours(L)
	e := 0
	for i, s := range spins {
		e -= int(s) * (int(spins[nb[i][0]]) + int(spins[nb[i][2]]))
	}
	return e
}
