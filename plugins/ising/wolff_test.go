package ising

import (
	"fmt"
	"math"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/autocorr"
	"github.com/rgml/rgml/plugins/ising/exact"
)

// wolffEstimate is the energy and specific heat per spin of a set of
// independent chains, with errors that account for autocorrelation: the
// energy's from each chain's integrated autocorrelation time (Sokal's
// window), the specific heat's from a jackknife over blocks of blockLen
// configurations (much longer than τ, which the test checks).
type wolffEstimate struct {
	e, eSE, c, cSE, tau float64
}

const wolffBlockLen = 200

func estimateChains(chains [][]float64, N int, T float64) wolffEstimate {
	var est wolffEstimate
	var all []float64
	var v float64
	for _, x := range chains {
		r := autocorr.Estimate(x)
		est.e += r.Mean / float64(len(chains))
		v += r.MeanErr * r.MeanErr
		est.tau = math.Max(est.tau, r.Tau)
		all = append(all, x...)
	}
	est.eSE = math.Sqrt(v) / float64(len(chains))
	est.c, est.cSE = specificHeat(all, N, T, len(all)/wolffBlockLen)
	return est
}

// splitChains cuts a point's per-configuration series into its
// ChainsPerPoint chains (chain c holds configurations [c·n/8, (c+1)·n/8)).
func splitChains(x []float64) [][]float64 {
	n := len(x)
	out := make([][]float64, ChainsPerPoint)
	for c := range out {
		out[c] = x[c*n/ChainsPerPoint : (c+1)*n/ChainsPerPoint]
	}
	return out
}

// wolffTemps are below, at, and above T_c, and at the L = 16 specific-heat
// peak (≈ 2.32).
var wolffTemps = []float64{1.8, 2.269, 2.32, 2.6}

// TestWolffL8L16AgainstKaufman: wolff chains (8 × 4 000 configurations per
// temperature, default sweeps) on the 8×8 and 16×16 tori against
// Kaufman's exact energy and specific heat, within 4σ. The block length
// of the specific heat's jackknife must exceed 10 τ_int of the energy.
func TestWolffL8L16AgainstKaufman(t *testing.T) {
	const per = 32000
	for _, L := range []int{8, 16} {
		out := collect(t, New(), sdk.SampleRequest{
			Points: points(wolffTemps), Size: L, PerPoint: per, Algorithm: AlgorithmWolff, Seed: 1989,
		})
		for p, T := range wolffTemps {
			s := observe(t, L, T, out.configs[p])
			est := estimateChains(splitChains(s.e), L*L, T)
			ex, err := exact.Kaufman(L, T)
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("wolff L=%d T=%g", L, T)
			check(t, name+" E/N", est.e, est.eSE, ex.Energy)
			check(t, name+" C/N", est.c, est.cSE, ex.SpecificHeat)
			if est.tau*10 > wolffBlockLen {
				t.Errorf("%s: τ_int(E) = %.1f configurations: blocks of %d are too short", name, est.tau, wolffBlockLen)
			}
			t.Logf("%s: E/N %.5f±%.5f (%.5f)  C/N %.4f±%.4f (%.4f)  τ_int(E) %.2f configurations",
				name, est.e, est.eSE, ex.Energy, est.c, est.cSE, ex.SpecificHeat, est.tau)
		}
	}
}

// wolffChainPAdd runs one Wolff chain like the model's (random start,
// thermalisation by flipped spins, then a fixed n_c clusters per sweep) but
// with the bond probability of temperature pAddT, and returns the energy
// per spin of n configurations Sweeps sweeps apart.
func wolffChainPAdd(L int, pAddT float64, seed uint64, n int) []float64 {
	c := NewChain(L, pAddT, seed)
	c.Randomize()
	N := L * L
	var clusters, flipped int
	for s := 0; s < DefaultWolffThermalization; s++ {
		for f := 0; f < N; {
			k := c.WolffCluster()
			f += k
			if s >= DefaultWolffThermalization/2 {
				clusters++
				flipped += k
			}
		}
	}
	nc := max(1, int(math.Round(float64(N)*float64(clusters)/float64(flipped))))
	e := make([]float64, n)
	for i := range e {
		for k := 0; k < DefaultWolffSweeps*nc; k++ {
			c.WolffCluster()
		}
		e[i] = float64(c.Energy()) / float64(N)
	}
	return e
}

// TestWolffPower: the model's own chain with p_add of T reproduces what
// Sample gives (same analysis, passes), and the same chain with the bond
// probability of 1.02·T (a 2% error in β·J of the bonds) fails the
// comparison with Kaufman at L = 16 at every temperature of the test:
// the test above can see such a sampler error.
func TestWolffPower(t *testing.T) {
	const L, chains, perChain = 16, 4, 4000
	for i, T := range wolffTemps {
		ex, _ := exact.Kaufman(L, T)
		for _, f := range []float64{1, 1.02} {
			var xs [][]float64
			for c := 0; c < chains; c++ {
				xs = append(xs, wolffChainPAdd(L, f*T, uint64(1000*i+c), perChain))
			}
			est := estimateChains(xs, L*L, T)
			zE := (est.e - ex.Energy) / est.eSE
			zC := (est.c - ex.SpecificHeat) / est.cSE
			worst := math.Max(math.Abs(zE), math.Abs(zC))
			t.Logf("T=%g p_add of %g·T: E/N %.5f±%.5f (%.5f) C/N %.4f±%.4f (%.4f): max|z| = %.1f",
				T, f, est.e, est.eSE, ex.Energy, est.c, est.cSE, ex.SpecificHeat, worst)
			if f == 1 && worst > maxZ {
				t.Errorf("T=%g: the correct chain fails (max|z| = %.1f)", T, worst)
			}
			if f != 1 && worst <= maxZ {
				t.Errorf("T=%g: a bond probability of %g·T passes (max|z| = %.1f)", T, f, worst)
			}
		}
	}
}

// TestWolffAutocorrelationTimes measures, at T = 2.269 and L = 8 … 32, the
// integrated autocorrelation time of the energy and of |m| of wolff
// chains read after every sweep (Sweeps = 1: n_c clusters), 8 chains ×
// 4 000 sweeps per L, and requires both (plus 4σ) below
// DefaultWolffSweeps: the default spacing of 5 sweeps is then longer than
// the integrated autocorrelation time at every L of the finite-size study.
// The figures it logs are those of docs/finite-size.md.
func TestWolffAutocorrelationTimes(t *testing.T) {
	const per, T = 32000, 2.269
	for _, L := range []int{8, 12, 16, 24, 32} {
		out := collect(t, New(), sdk.SampleRequest{
			Points: points([]float64{T}), Size: L, PerPoint: per, Algorithm: AlgorithmWolff, Seed: 1996, Sweeps: 1,
		})
		s := observe(t, L, T, out.configs[0])
		var tauE, tauM, errE, errM float64
		chE, chM := splitChains(s.e), splitChains(absOf(s.m))
		for c := range chE {
			re, rm := autocorr.Estimate(chE[c]), autocorr.Estimate(chM[c])
			tauE += re.Tau / float64(len(chE))
			tauM += rm.Tau / float64(len(chM))
			errE += re.TauErr * re.TauErr
			errM += rm.TauErr * rm.TauErr
		}
		n := float64(len(chE))
		errE, errM = math.Sqrt(errE)/n, math.Sqrt(errM)/n
		size := float64(out.accepted[0]) / float64(out.attempts[0])
		t.Logf("L=%d T=%g: τ_int(E) = %.2f ± %.2f sweeps, τ_int(|m|) = %.2f ± %.2f sweeps, ⟨cluster⟩ = %.0f spins (%.1f%% of L²), ≈ %.1f clusters per sweep",
			L, T, tauE, errE, tauM, errM, size, 100*size/float64(L*L), float64(L*L)/size)
		if tauE+4*errE > DefaultWolffSweeps || tauM+4*errM > DefaultWolffSweeps {
			t.Errorf("L=%d: τ_int(E) = %.2f, τ_int(|m|) = %.2f sweeps: the default %d sweeps between configurations do not decorrelate them",
				L, tauE, tauM, DefaultWolffSweeps)
		}
	}
}
