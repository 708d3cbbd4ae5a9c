// Package fss holds the finite-size-scaling arithmetic of a study of
// where a quantity's L-dependent temperature goes as L → ∞: a weighted
// least-squares fit of T*(L) = T*(∞) + a·L^(−1/ν) with the error of T*(∞)
// and the χ² that says whether the data have that form at all, and the
// Binder cumulant U4 with the crossing of two sizes' U4(T) curves. It is
// physics of the Ising-like models, not of the framework: the analyzers
// of a finite-size study import it.
package fss

import (
	"fmt"
	"math"
)

// Fit is a weighted least-squares fit of T*(L) = TInf + A·L^(−1/ν).
type Fit struct {
	// TInf is T*(∞) and TInfErr its standard error from the input errors
	// (the covariance of weighted least squares, not rescaled by χ²: a
	// χ²/dof far above 1 says the errors or the form are wrong, and
	// rescaling would hide it).
	TInf, TInfErr float64
	// A is the amplitude of L^(−1/ν), AErr its error, Cov the covariance
	// of TInf and A.
	A, AErr, Cov float64
	// Chi2 is Σ ((T_i − fit_i)/σ_i)² over Dof = n − 2 degrees of freedom;
	// P = Chi2Q(Dof, Chi2) is the probability of a χ² at least as large
	// if the form and the errors are right (NaN when Dof = 0).
	Chi2 float64
	Dof  int
	P    float64
}

// FitPowerLaw fits T*(L_i) = TInf + A·L_i^(−1/nu), each point weighted by
// 1/sigma_i². It needs at least two points with different L, positive
// finite L and sigma, finite T and nu > 0; otherwise it returns a one-line
// error saying which input to fix.
func FitPowerLaw(L, T, sigma []float64, nu float64) (Fit, error) {
	if err := checkFitInput(L, T, sigma, nu); err != nil {
		return Fit{}, err
	}
	var s, sx, sxx, sy, sxy float64
	x := make([]float64, len(L))
	for i := range L {
		x[i] = math.Pow(L[i], -1/nu)
		w := 1 / (sigma[i] * sigma[i])
		s += w
		sx += w * x[i]
		sxx += w * x[i] * x[i]
		sy += w * T[i]
		sxy += w * x[i] * T[i]
	}
	det := s*sxx - sx*sx
	f := Fit{
		TInf: (sxx*sy - sx*sxy) / det,
		A:    (s*sxy - sx*sy) / det,
		Dof:  len(L) - 2,
	}
	f.TInfErr = math.Sqrt(sxx / det)
	f.AErr = math.Sqrt(s / det)
	f.Cov = -sx / det
	for i := range L {
		r := (T[i] - f.TInf - f.A*x[i]) / sigma[i]
		f.Chi2 += r * r
	}
	f.P = math.NaN()
	if f.Dof > 0 {
		f.P = Chi2Q(f.Dof, f.Chi2)
	}
	return f, nil
}

func checkFitInput(L, T, sigma []float64, nu float64) error {
	if len(L) != len(T) || len(L) != len(sigma) {
		return fmt.Errorf("fss: %d sizes, %d T* values and %d errors: the lengths must agree", len(L), len(T), len(sigma))
	}
	if len(L) < 2 {
		return fmt.Errorf("fss: %d point(s): the fit needs at least two sizes", len(L))
	}
	if !(nu > 0) || math.IsInf(nu, 0) {
		return fmt.Errorf("fss: exponent ν = %v: must be positive and finite", nu)
	}
	distinct := false
	for i := range L {
		if !(L[i] > 0) || math.IsInf(L[i], 0) {
			return fmt.Errorf("fss: size L = %v (point %d): must be positive and finite", L[i], i)
		}
		if math.IsNaN(T[i]) || math.IsInf(T[i], 0) {
			return fmt.Errorf("fss: T* = %v at L = %v: must be finite", T[i], L[i])
		}
		if !(sigma[i] > 0) || math.IsInf(sigma[i], 0) {
			return fmt.Errorf("fss: error %v of T* at L = %v: must be positive and finite", sigma[i], L[i])
		}
		distinct = distinct || L[i] != L[0]
	}
	if !distinct {
		return fmt.Errorf("fss: every point has L = %v: the fit needs at least two different sizes", L[0])
	}
	return nil
}

// Chi2Q returns the probability that a χ² variable with dof degrees of
// freedom is at least chi2: the regularised upper incomplete gamma
// function Q(dof/2, chi2/2), by its series below a+1 and its continued
// fraction above (Numerical Recipes, 2nd ed., Sec. 6.2).
func Chi2Q(dof int, chi2 float64) float64 {
	if dof <= 0 || math.IsNaN(chi2) {
		return math.NaN()
	}
	if chi2 <= 0 {
		return 1
	}
	a, x := float64(dof)/2, chi2/2
	lg, _ := math.Lgamma(a)
	pre := math.Exp(-x + a*math.Log(x) - lg)
	if x < a+1 {
		// P(a, x) = e^-x x^a / Γ(a) · Σ_n x^n / (a(a+1)…(a+n)).
		sum, term := 1/a, 1/a
		for n := 1; n < 1000; n++ {
			term *= x / (a + float64(n))
			sum += term
			if term < sum*1e-16 {
				break
			}
		}
		return 1 - pre*sum
	}
	// Lentz's method for the continued fraction of Q(a, x).
	const tiny = 1e-300
	b := x + 1 - a
	c := 1 / tiny
	d := 1 / b
	h := d
	for i := 1; i < 1000; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-16 {
			break
		}
	}
	return pre * h
}
