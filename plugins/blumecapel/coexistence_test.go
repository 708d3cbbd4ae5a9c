package blumecapel

import (
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// TestFirstOrderCoexistence: beyond the tricritical point (Δ_t, T_t) =
// (1.9660(1), 0.6080(1)) (W. Kwak, J. Jeong, J. Lee, D.-H. Kim, "First-order
// phase transition and tricritical scaling behavior of the Blume-Capel
// model: A Wang-Landau sampling approach", Phys. Rev. E 92, 022134 (2015))
// the transition is first order: at Δ = 1.99 and T = 0.55, just below T_t
// and near the L = 16 lattice's coexistence temperature, long Metropolis
// chains (10^5 sweeps) go from the sparse disordered phase (density
// ≈ 0.1) to the dense ordered one (≈ 0.9) and back, and the distribution of
// the density has two peaks with a deep valley between them. (Tunnelling
// is rare, ~1 per 10^5 sweeps at L = 16, so the peaks' weights are not
// converged: the test asks for two peaks, not their ratio.) On the
// second-order side (Δ = 0 at its T_c ≈ 1.69) there is no sparse phase.
func TestFirstOrderCoexistence(t *testing.T) {
	if testing.Short() {
		t.Skip("long Monte Carlo run")
	}
	const L, per, chains = 16, 8000, ChainsPerPoint
	pt := sdk.Params{"T": 0.55, "Delta": 1.99}
	// 8 Metropolis chains of 10^5 sweeps each: tunnelling between the
	// phases takes ~10^5 sweeps at L = 16.
	got := sample(t, New(), sdk.SampleRequest{Points: []sdk.Params{pt}, Size: L, PerPoint: per,
		Algorithm: AlgorithmMetropolis, Sweeps: 100, Thermalization: 500, Seed: 1})
	s := observe(t, L, pt, got[0])
	var h [10]int // density in bins of 0.1
	both := 0
	for c := 0; c < chains; c++ {
		sparse, dense := false, false
		for _, v := range s.s2[c*per/chains : (c+1)*per/chains] {
			h[min(9, int(v*10))]++
			sparse = sparse || v < 0.3
			dense = dense || v >= 0.7
		}
		if sparse && dense {
			both++
		}
	}
	t.Logf("Δ = 1.99, T = 0.55, L = 16: density histogram %v; %d of %d chains visited both phases", h, both, chains)
	lowPeak, highPeak, valley := max(h[0], h[1], h[2]), max(h[7], h[8], h[9]), max(h[4], h[5])
	if lowPeak < per/100 || highPeak < per/100 || lowPeak < 5*valley || highPeak < 5*valley {
		t.Errorf("density not two-peaked: histogram %v (bins of 0.1)", h)
	}
	// Coexistence within chains, not chains stuck in different phases.
	if both < 2 {
		t.Errorf("only %d of %d chains visited both phases", both, chains)
	}
	// On the second-order side (Δ = 0, T_c ≈ 1.69) the density has one
	// peak, near 0.7.
	pt = sdk.Params{"T": 1.69, "Delta": 0}
	got = sample(t, New(), sdk.SampleRequest{Points: []sdk.Params{pt}, Size: L, PerPoint: 800, Algorithm: AlgorithmHybrid, Seed: 1})
	for _, v := range observe(t, L, pt, got[0]).s2 {
		if v < 0.4 {
			t.Fatalf("Δ = 0, T = 1.69: density %g: a sparse phase where there is none", v)
		}
	}
}
