package ising3d

import (
	"context"
	"math"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/autocorr"
)

// TestWolffAutocorrelationTimes measures, at T = 4.51 (T_c) and L = 6, 8,
// 10 (the ising-3d preset's sizes), the integrated autocorrelation time of
// the energy and of |m| of wolff chains read after every sweep (Sweeps =
// 1), 8 chains × 2 000 sweeps per L (Sokal's windowed estimate, package
// plugins/internal/autocorr), and requires both (plus 4σ) below
// DefaultWolffSweeps, the spacing the preset's datasets use. The figures
// it logs are those of docs/ising-3d.md.
func TestWolffAutocorrelationTimes(t *testing.T) {
	if testing.Short() {
		t.Skip("48 000 Wolff sweeps")
	}
	const per, T = 16000, 4.51
	for _, L := range []int{6, 8, 10} {
		configs := collect(t, New(), sdk.SampleRequest{Points: points([]float64{T}), Size: L, PerPoint: per, Algorithm: AlgorithmWolff, Seed: 1989, Sweeps: 1})
		obs, err := New().Observables(context.Background(), sdk.Params{"T": T}, L, configs[0])
		if err != nil {
			t.Fatal(err)
		}
		var tauE, tauM, errE, errM float64
		const chains = 8
		for c := 0; c < chains; c++ {
			lo, hi := c*per/chains, (c+1)*per/chains
			re, rm := autocorr.Estimate(obs["energy"][lo:hi]), autocorr.Estimate(obs["abs_magnetization"][lo:hi])
			tauE += re.Tau / chains
			tauM += rm.Tau / chains
			errE += re.TauErr * re.TauErr
			errM += rm.TauErr * rm.TauErr
		}
		errE, errM = math.Sqrt(errE)/chains, math.Sqrt(errM)/chains
		t.Logf("L=%d T=%g: τ_int(E) = %.2f ± %.2f sweeps, τ_int(|m|) = %.2f ± %.2f sweeps", L, T, tauE, errE, tauM, errM)
		if tauE+4*errE > DefaultWolffSweeps || tauM+4*errM > DefaultWolffSweeps {
			t.Errorf("L=%d: τ_int(E) = %.2f, τ_int(|m|) = %.2f sweeps: the default %d sweeps between configurations do not decorrelate them",
				L, tauE, tauM, DefaultWolffSweeps)
		}
	}
}
