package fss

import (
	"math"
	"strings"
	"testing"

	"github.com/rgml/rgml/plugins/internal/xrand"
)

var sizes = []float64{8, 12, 16, 24, 32}

// synthetic returns T*(L) = tInf + a/L plus normal noise of sigma.
func synthetic(r *xrand.RNG, tInf, a float64, sigma []float64) []float64 {
	T := make([]float64, len(sizes))
	for i, L := range sizes {
		T[i] = tInf + a/L + sigma[i]*r.Normal()
	}
	return T
}

// TestFitCoverage: 4 000 synthetic T*(L) sets with known T*(∞) = 2.269,
// a = 0.8, errors growing with L (as a flow's do). The fitted T*(∞) is
// unbiased, its error agrees with the spread of the fits, the true value
// lies within one error bar in 68 % of the draws (within 4 binomial σ),
// and the mean χ² is the number of degrees of freedom. Power: half the
// reported error would cover in ≈ 38 % of the draws, outside the band.
func TestFitCoverage(t *testing.T) {
	const draws, tInf, a = 4000, 2.269, 0.8
	sigma := []float64{0.004, 0.005, 0.006, 0.008, 0.01}
	r := xrand.New(25)
	var inside, insideHalf int
	var sum, sum2, sumErr, sumChi2 float64
	for k := 0; k < draws; k++ {
		f, err := FitPowerLaw(sizes, synthetic(r, tInf, a, sigma), sigma, 1)
		if err != nil {
			t.Fatal(err)
		}
		d := f.TInf - tInf
		sum += d
		sum2 += d * d
		sumErr += f.TInfErr
		sumChi2 += f.Chi2
		if math.Abs(d) <= f.TInfErr {
			inside++
		}
		if math.Abs(d) <= f.TInfErr/2 {
			insideHalf++
		}
	}
	n := float64(draws)
	bias, spread, meanErr := sum/n, math.Sqrt(sum2/n), sumErr/n
	if math.Abs(bias) > 4*spread/math.Sqrt(n) {
		t.Errorf("T*(∞) biased by %.5f (spread %.5f)", bias, spread)
	}
	if math.Abs(meanErr/spread-1) > 0.05 {
		t.Errorf("reported error %.5f, spread of the fits %.5f", meanErr, spread)
	}
	band := 4 * math.Sqrt(0.6827*(1-0.6827)/n)
	if cov := float64(inside) / n; math.Abs(cov-0.6827) > band {
		t.Errorf("coverage %.3f, want 0.683 ± %.3f", cov, band)
	}
	if cov := float64(insideHalf) / n; math.Abs(cov-0.6827) <= band {
		t.Errorf("half the error also covers %.3f: the coverage check has no power", cov)
	}
	if dof := 3.0; math.Abs(sumChi2/n-dof) > 4*math.Sqrt(2*dof/n) {
		t.Errorf("mean χ² %.3f, want %g", sumChi2/n, dof)
	}
	t.Logf("bias %.5f, spread %.5f, mean error %.5f, coverage %.3f (half error %.3f), mean χ² %.3f",
		bias, spread, meanErr, float64(inside)/n, float64(insideHalf)/n, sumChi2/n)
}

// TestFitExact: noiseless data on the line give the parameters exactly and
// χ² = 0; the errors are those of weighted least squares, which for two
// points are the line through them propagated by hand.
func TestFitExact(t *testing.T) {
	f, err := FitPowerLaw([]float64{10, 20}, []float64{2.369, 2.319}, []float64{0.01, 0.02}, 1)
	if err != nil {
		t.Fatal(err)
	}
	// T(∞) = 2 T(20) − T(10): error √((2·0.02)² + 0.01²).
	if math.Abs(f.TInf-2.269) > 1e-12 || math.Abs(f.A-1) > 1e-12 || f.Chi2 > 1e-20 || f.Dof != 0 {
		t.Errorf("fit %+v", f)
	}
	if want := math.Sqrt(0.04*0.04 + 0.01*0.01); math.Abs(f.TInfErr-want) > 1e-12 {
		t.Errorf("T*(∞) error %.6f, want %.6f", f.TInfErr, want)
	}
	if !math.IsNaN(f.P) {
		t.Errorf("P with no degrees of freedom = %g", f.P)
	}
}

// TestFitRejectsOtherForms: data whose L dependence is not a + b/L (an
// L^-2 approach, or T* that jumps between sizes) fit with a χ²/dof far
// above 1 and a p-value below 10^-3, at errors of the size the coverage
// test uses; data of the right form at the same errors do not.
func TestFitRejectsOtherForms(t *testing.T) {
	sigma := []float64{0.004, 0.004, 0.004, 0.004, 0.004}
	r := xrand.New(3)
	forms := []struct {
		name string
		form func(L float64) float64
	}{
		{"L^-2", func(L float64) float64 { return 2.269 + 40/(L*L) }},
		{"jumps", func(L float64) float64 { return 2.269 + 0.05*math.Mod(L, 16)/8 }},
		{"1/L", func(L float64) float64 { return 2.269 + 0.8/L }},
	}
	for _, c := range forms {
		name := c.name
		T := make([]float64, len(sizes))
		for i, L := range sizes {
			T[i] = c.form(L) + sigma[i]*r.Normal()
		}
		f, err := FitPowerLaw(sizes, T, sigma, 1)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: T*(∞) = %.4f ± %.4f, χ²/dof = %.1f, P = %.2g", name, f.TInf, f.TInfErr, f.Chi2/float64(f.Dof), f.P)
		bad := f.P < 1e-3 && f.Chi2/float64(f.Dof) > 5
		if bad != (name != "1/L") {
			t.Errorf("%s: χ²/dof = %.1f, P = %.2g", name, f.Chi2/float64(f.Dof), f.P)
		}
	}
}

// TestChi2Q: the χ² tail probability against closed forms (dof = 2:
// exp(−χ²/2)) and table values (dof = 1, χ² = 3.841: 0.05; dof = 10,
// χ² = 18.307: 0.05; dof = 3, χ² = 11.345: 0.01).
func TestChi2Q(t *testing.T) {
	for _, c := range []struct{ dof, chi2, want, tol float64 }{
		{2, 0.5, math.Exp(-0.25), 1e-12}, {2, 30, math.Exp(-15), 1e-18},
		{1, 3.841459, 0.05, 1e-6}, {10, 18.307038, 0.05, 1e-6}, {3, 11.344867, 0.01, 1e-7},
		{4, 0, 1, 0},
	} {
		if got := Chi2Q(int(c.dof), c.chi2); math.Abs(got-c.want) > c.tol {
			t.Errorf("Q(dof %g, χ² %g) = %.9g, want %.9g", c.dof, c.chi2, got, c.want)
		}
	}
}

// TestFitBadInput: each bad input is refused with a message naming it.
func TestFitBadInput(t *testing.T) {
	for _, c := range []struct {
		L, T, s []float64
		nu      float64
		want    string
	}{
		{[]float64{8}, []float64{2.3}, []float64{0.1}, 1, "at least two sizes"},
		{[]float64{8, 16}, []float64{2.3}, []float64{0.1, 0.1}, 1, "lengths"},
		{[]float64{8, 8}, []float64{2.3, 2.31}, []float64{0.1, 0.1}, 1, "two different sizes"},
		{[]float64{8, 16}, []float64{2.3, 2.31}, []float64{0.1, 0}, 1, "error"},
		{[]float64{8, -16}, []float64{2.3, 2.31}, []float64{0.1, 0.1}, 1, "size"},
		{[]float64{8, 16}, []float64{2.3, math.NaN()}, []float64{0.1, 0.1}, 1, "T*"},
		{[]float64{8, 16}, []float64{2.3, 2.31}, []float64{0.1, 0.1}, 0, "ν"},
	} {
		_, err := FitPowerLaw(c.L, c.T, c.s, c.nu)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v %v %v ν=%g: error %v, want one line with %q", c.L, c.T, c.s, c.nu, err, c.want)
		}
	}
}
