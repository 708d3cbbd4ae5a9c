package autocorr

import (
	"math"
	"testing"

	"github.com/rgml/rgml/plugins/internal/xrand"
)

// ar1 returns n values of x_t = φ x_{t−1} + ε_t (unit normal ε), started
// from its stationary distribution, whose integrated autocorrelation time
// is (1+φ)/(2(1−φ)).
func ar1(n int, phi float64, seed uint64) []float64 {
	r := xrand.New(seed)
	x := make([]float64, n)
	x[0] = r.Normal() / math.Sqrt(1-phi*phi)
	for t := 1; t < n; t++ {
		x[t] = phi*x[t-1] + r.Normal()
	}
	return x
}

func exactTau(phi float64) float64 { return (1 + phi) / (2 * (1 - phi)) }

// TestAR1: the windowed estimate of τ_int against the exact value of AR(1)
// processes from τ = 0.5 (white noise) to 19.5, within 4σ of the estimate's
// own error. Power: every estimate is also compared with the τ of a φ off
// by 0.02 (0.1 for white noise) and must be more than 4σ from it.
func TestAR1(t *testing.T) {
	const n = 400000
	for i, phi := range []float64{0, 0.5, 0.8, 0.9, 0.95} {
		x := ar1(n, phi, uint64(100+i))
		est := Estimate(x)
		want := exactTau(phi)
		z := (est.Tau - want) / est.TauErr
		if math.Abs(z) > 4 || est.TauErr <= 0 {
			t.Errorf("φ=%g: τ = %.3f ± %.3f (window %d), exact %.3f (z = %.1f)", phi, est.Tau, est.TauErr, est.Window, want, z)
		}
		dphi := 0.02
		if phi == 0 {
			dphi = 0.1
		}
		wrong := exactTau(phi + dphi)
		if zw := (est.Tau - wrong) / est.TauErr; math.Abs(zw) <= 4 {
			t.Errorf("φ=%g: cannot tell τ = %.3f from φ+%g's %.3f (z = %.1f)", phi, want, dphi, wrong, zw)
		}
		// The error of the mean: the AR(1) stationary variance is 1/(1−φ²).
		wantSE := math.Sqrt(2 * want / (1 - phi*phi) / n)
		if r := est.MeanErr / wantSE; math.Abs(r-1) > 0.1 {
			t.Errorf("φ=%g: error of the mean %.5f, exact %.5f", phi, est.MeanErr, wantSE)
		}
		t.Logf("φ=%g: τ = %.3f ± %.3f (exact %.3f, window %d), mean %.4f ± %.4f", phi, est.Tau, est.TauErr, want, est.Window, est.Mean, est.MeanErr)
	}
}

// TestWindowMatters: the sum of the autocorrelation function over all lags
// (no window) is noise of the size of the series, not τ; the windowed
// estimate is not.
func TestWindowMatters(t *testing.T) {
	x := ar1(20000, 0.9, 7)
	est := Estimate(x)
	if est.Window >= len(x)/2 || est.Window < 5*9 {
		t.Errorf("window %d for τ ≈ 9.5 and n = %d", est.Window, len(x))
	}
	full := 0.5
	rho := Autocorrelation(x, len(x)-1)
	for _, r := range rho[1:] {
		full += r
	}
	if math.Abs(full-exactTau(0.9)) < math.Abs(est.Tau-exactTau(0.9)) {
		t.Errorf("unwindowed sum %.3f is closer to 9.5 than the windowed %.3f", full, est.Tau)
	}
}

// TestDegenerate: a constant series has τ = 0.5 and no error of its mean;
// too short a series is refused.
func TestDegenerate(t *testing.T) {
	est := Estimate([]float64{3, 3, 3, 3, 3, 3, 3, 3})
	if est.Tau != 0.5 || est.MeanErr != 0 || est.Mean != 3 {
		t.Errorf("constant series: %+v", est)
	}
	if est := Estimate([]float64{1}); !math.IsNaN(est.Tau) {
		t.Errorf("one value: %+v", est)
	}
}
