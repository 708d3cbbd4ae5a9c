// Package autocorr estimates the integrated autocorrelation time of a
// Markov chain's time series, and from it the error of the series' mean,
// with Sokal's automatic windowing (A. D. Sokal, "Monte Carlo methods in
// statistical mechanics: foundations and new algorithms", Cargèse lectures
// 1996, Sec. 3; N. Madras and A. D. Sokal, J. Stat. Phys. 50, 109 (1988)).
//
// For a stationary series with normalised autocorrelation ρ(t),
//
//	τ_int = ½ + Σ_{t≥1} ρ(t),
//
// so that the variance of the mean of n values is 2τ_int·var(x)/n. The sum
// over all lags of the estimated ρ has a variance that does not shrink with
// n (the far lags are pure noise), so it is cut at a window M: the smallest
// M with M ≥ c·τ(M), c = Window. The cut biases τ by about −exp(−c) (for
// an exponential ρ) and leaves it a variance of 2(2M+1)τ²/n.
package autocorr

import "math"

// Window is Sokal's c: the sum over lags stops at the first M ≥ c·τ(M).
// Sokal recommends c ≈ 4 to 6 for ρ close to exponential; 6 keeps the
// cut's bias (≈ e^-6 τ) far below the statistical error at any n a test
// uses.
const Window = 6

// Result is an estimate of a series' integrated autocorrelation time and of
// its mean.
type Result struct {
	// Tau is τ_int in units of the series' step; ½ for independent values.
	Tau float64
	// TauErr is Sokal's error of Tau, τ·√(2(2M+1)/n).
	TauErr float64
	// Window is the lag M at which the sum stopped.
	Window int
	// Mean is the series' mean, MeanErr its error √(2τ·var/n).
	Mean, MeanErr float64
	// N is the series' length.
	N int
}

// Estimate returns τ_int of x with the automatic window c = Window. A series
// of fewer than 2 values has Tau and the errors NaN; a constant series has
// Tau = ½ and MeanErr = 0. If no window up to n/2 satisfies M ≥ c·τ(M), the
// series is too short for its τ: the result has Window = n/2 and
// TauErr = +Inf, so a caller comparing with it cannot mistake it for a
// measurement.
func Estimate(x []float64) Result {
	n := len(x)
	r := Result{N: n, Tau: math.NaN(), TauErr: math.NaN(), MeanErr: math.NaN()}
	if n == 0 {
		return r
	}
	r.Mean = mean(x)
	if n < 2 {
		return r
	}
	c0 := cov(x, r.Mean, 0)
	if c0 == 0 {
		r.Tau, r.TauErr, r.MeanErr = 0.5, 0, 0
		return r
	}
	tau := 0.5
	m := 1
	for ; m <= n/2; m++ {
		tau += cov(x, r.Mean, m) / c0
		if float64(m) >= Window*tau {
			break
		}
	}
	r.Window = min(m, n/2)
	// A τ below ½ (anticorrelation, or noise at τ ≈ ½) still gives a mean
	// error; it is kept as estimated.
	r.Tau = tau
	r.TauErr = math.Abs(tau) * math.Sqrt(2*float64(2*r.Window+1)/float64(n))
	if m > n/2 {
		r.TauErr = math.Inf(1)
	}
	r.MeanErr = math.Sqrt(2 * math.Max(tau, 0) * c0 / float64(n))
	return r
}

// Autocorrelation returns ρ(0), …, ρ(maxLag) of x (ρ(0) = 1), each lag's
// covariance averaged over its n−t pairs and divided by the variance. A
// constant series has ρ = 1 at lag 0 and 0 elsewhere.
func Autocorrelation(x []float64, maxLag int) []float64 {
	maxLag = min(maxLag, len(x)-1)
	if maxLag < 0 {
		return nil
	}
	mu := mean(x)
	c0 := cov(x, mu, 0)
	rho := make([]float64, maxLag+1)
	rho[0] = 1
	if c0 == 0 {
		return rho
	}
	for t := 1; t <= maxLag; t++ {
		rho[t] = cov(x, mu, t) / c0
	}
	return rho
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// cov is the lag-t autocovariance over the n−t pairs.
func cov(x []float64, mu float64, t int) float64 {
	s := 0.0
	for i := 0; i+t < len(x); i++ {
		s += (x[i] - mu) * (x[i+t] - mu)
	}
	return s / float64(len(x)-t)
}
