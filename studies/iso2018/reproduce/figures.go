package reproduce

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Fig1Temperatures are the temperatures of the paper's Fig. 1 and Fig. 5.
var Fig1Temperatures = []float64{0, 2, 3, 6}

// Samples judges Fig. 1 from configurations (N × L² int8 ±1, periodic
// L×L lattice, x-major) at T = 0, 2, 3, 6: the energy per spin rises with
// T over 2, 3, 6; the T = 0 configurations are ordered domains (energy per
// spin ≤ −1.5: at most about two straight domain walls on L = 10, which
// the paper's non-equilibrium protocol leaves); and T = 6 is disordered
// (⟨|m|⟩ < 0.3; the exact value at L = 10 is about 0.1).
func Samples(L int, configs map[float64][]int8) Verdict {
	v := Verdict{Row: "samples", Paper: "Fig. 1", Criterion: "configurations at T = 0, 2, 3, 6: energy per spin E(2) < E(3) < E(6); E(0) ≤ −1.5; ⟨|m|⟩(6) < 0.3"}
	n := L * L
	E, M := map[float64]float64{}, map[float64]float64{}
	var parts []string
	for _, T := range Fig1Temperatures {
		c := configs[T]
		if L < 2 || len(c) == 0 || len(c)%n != 0 {
			v.Missing = missing("no configurations of L = %d at T = %s", L, fmtT(T))
			return v
		}
		k := len(c) / n
		for s := 0; s < k; s++ {
			e, m, err := energyMag(L, c[s*n:(s+1)*n])
			if err != nil {
				v.Missing = fmt.Errorf("configurations at T = %s: %w", fmtT(T), err)
				return v
			}
			E[T] += e / float64(k)
			M[T] += math.Abs(m) / float64(k)
		}
		parts = append(parts, fmt.Sprintf("T = %s: E %.3f, ⟨|m|⟩ %.3f", fmtT(T), E[T], M[T]))
	}
	v.Measured = strings.Join(parts, "; ")
	v.Value = E[0]
	v.Pass = E[2] < E[3] && E[3] < E[6] && E[0] <= -1.5 && M[6] < 0.3
	return v
}

// energyMag returns the energy and magnetisation per spin of one ±1
// configuration (J = 1, each bond once).
func energyMag(L int, c []int8) (e, m float64, err error) {
	for x := 0; x < L; x++ {
		for y := 0; y < L; y++ {
			s := c[x*L+y]
			if s != 1 && s != -1 {
				return 0, 0, missing("spin %d is not ±1", s)
			}
			e -= float64(s) * float64(c[((x+1)%L)*L+y]+c[x*L+(y+1)%L])
			m += float64(s)
		}
	}
	n := float64(L * L)
	return e / n, m / n, nil
}

// Loss thresholds of Fig. 4.
const (
	LossDrop     = 0.5 // the final test loss is at most LossDrop × the first
	LossGapRatio = 1.5 // and at most LossGapRatio × the final training loss
)

// Losses judges Fig. 4 from the thermometer's history (epochs, training
// and test loss, same lengths): the test loss falls to at most half its
// first value, and ends at most 1.5 times the training loss (it learnt
// temperature, not the training set).
func Losses(epochs, train, test []float64) Verdict {
	v := Verdict{Row: "thermometer-loss", Paper: "Fig. 4", Criterion: fmt.Sprintf(
		"thermometer: final test loss ≤ %g × the first, and ≤ %g × the final training loss", LossDrop, LossGapRatio)}
	if len(epochs) < 2 || len(train) != len(epochs) || len(test) != len(epochs) {
		v.Missing = missing("loss history: %d epochs, %d training and %d test losses (want at least 2 of each, equal)", len(epochs), len(train), len(test))
		return v
	}
	for _, x := range append(append([]float64{}, train...), test...) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			v.Missing = missing("a loss is not finite")
			return v
		}
	}
	n := len(epochs) - 1
	v.Measured = fmt.Sprintf("test loss %.4g → %.4g over %g epochs; final training loss %.4g", test[0], test[n], epochs[n], train[n])
	v.Value = test[n] / train[n]
	v.Pass = test[n] <= LossDrop*test[0] && test[n] <= LossGapRatio*train[n]
	return v
}

// Reading is the thermometer's distribution of measured temperatures over
// Classes for one set of configurations.
type Reading struct {
	Classes []float64
	Share   []float64
}

func (r Reading) mode() float64 {
	best := 0
	for k, p := range r.Share {
		if p > r.Share[best] {
			best = k
		}
	}
	return r.Classes[best]
}

// LowTMode bounds the mode of the T = 0 test set in Fig. 5: the paper's
// protocol leaves low-T configurations out of equilibrium, so T = 0 reads
// as some low temperature rather than exactly 0.
const LowTMode = 1.0

// TestReadings judges Fig. 5 from the thermometer's readings of the test
// sets at T = 0, 2, 3, 6: for T ≥ 2 the mode is within one grid step of
// the true T; for T = 0 it is ≤ LowTMode.
func TestReadings(readings map[float64]Reading) Verdict {
	v := Verdict{Row: "thermometer-test", Paper: "Fig. 5", Criterion: fmt.Sprintf(
		"thermometer on the test sets at T = 2, 3, 6: mode within one grid step of the true T; at T = 0: mode ≤ %s", fmtT(LowTMode))}
	var parts []string
	pass, good := true, 0
	for _, T := range Fig1Temperatures {
		r, ok := readings[T]
		if !ok || len(r.Classes) == 0 || len(r.Share) != len(r.Classes) {
			v.Missing = missing("no thermometer reading of the test set at T = %s", fmtT(T))
			return v
		}
		step, err := GridStep(r.Classes)
		if err != nil {
			v.Missing = err
			return v
		}
		m := r.mode()
		ok = near(m, T, step)
		if T == 0 {
			ok = m <= LowTMode
		}
		if ok {
			good++
		}
		pass = pass && ok
		parts = append(parts, fmt.Sprintf("T = %s reads mode %s", fmtT(T), fmtT(m)))
	}
	v.Measured = strings.Join(parts, "; ")
	v.Value = float64(good) / float64(len(Fig1Temperatures))
	v.Pass = pass
	return v
}

// Fig12Hidden are the N_h of the paper's Fig. 12.
var Fig12Hidden = []int{16, 100, 400}

// LocalWWT judges Fig. 12 from WWᵀ (N_v × N_v, row-major, N_v = L²) of the
// type V RBMs with N_h = 16, 100, 400: the weights are local, i.e. the
// mean of WWᵀ over nearest-neighbour pairs, relative to the mean diagonal,
// exceeds the same mean over pairs at the largest distance (L/2, L/2).
func LocalWWT(L int, wwt map[int][]float64) Verdict {
	v := Verdict{Row: "wwt-local", Paper: "Fig. 12", Criterion: "type V, N_h = 16, 100, 400: mean WWᵀ over nearest neighbours / mean diagonal > the same over the farthest pairs (distance (L/2, L/2))"}
	var parts []string
	pass := true
	minGap := math.Inf(1)
	for _, h := range Fig12Hidden {
		m := wwt[h]
		n := L * L
		if L < 2 || len(m) != n*n {
			v.Missing = missing("no WWᵀ of %d×%d for type V N_h = %d", n, n, h)
			return v
		}
		var diag, nn, far float64
		for x := 0; x < L; x++ {
			for y := 0; y < L; y++ {
				i := x*L + y
				diag += m[i*n+i]
				nn += (m[i*n+((x+1)%L)*L+y] + m[i*n+x*L+(y+1)%L]) / 2
				far += m[i*n+((x+L/2)%L)*L+(y+L/2)%L]
			}
		}
		if !(diag > 0) {
			v.Missing = missing("WWᵀ of N_h = %d has a non-positive diagonal", h)
			return v
		}
		a, b := nn/diag, far/diag
		pass = pass && a > b
		minGap = math.Min(minGap, a-b)
		parts = append(parts, fmt.Sprintf("N_h = %d: neighbours %.3f, farthest %.3f", h, a, b))
	}
	v.Measured = strings.Join(parts, "; ")
	v.Value = minGap
	v.Pass = pass
	return v
}

// Decay judges Fig. 13 from the off-diagonal decay of WWᵀ (the value at
// distance r = 0, 1, …; normalised here by r = 0) of the single-temperature
// RBMs (N_h = 16) at T = 0, 2, 3, 6 and the type V one. The range
// S = Σ_{r≥1} C(r)/C(0) shrinks as T rises, S(0) ≥ S(2) ≥ S(3) ≥ S(6),
// and type V lies strictly inside, S(6) < S(V) < S(0): it has learnt the
// correlations of every temperature.
func Decay(singleT map[float64][]float64, typeV []float64) Verdict {
	v := Verdict{Row: "wwt-decay", Paper: "Fig. 13", Criterion: "N_h = 16: range S = Σ_{r≥1} C(r)/C(0) of WWᵀ's off-diagonal decay: S(T=0) ≥ S(2) ≥ S(3) ≥ S(6) for single-T RBMs, and S(6) < S(type V) < S(0)"}
	rng := func(c []float64) (float64, bool) {
		if len(c) < 2 || !(c[0] > 0) {
			return 0, false
		}
		s := 0.0
		for _, x := range c[1:] {
			s += x / c[0]
		}
		return s, true
	}
	S := map[float64]float64{}
	var parts []string
	for _, T := range Fig1Temperatures {
		s, ok := rng(singleT[T])
		if !ok {
			v.Missing = missing("no decay curve (at least r = 0, 1, with C(0) > 0) for the single-T RBM at T = %s", fmtT(T))
			return v
		}
		S[T] = s
		parts = append(parts, fmt.Sprintf("S(%s) = %.3f", fmtT(T), s))
	}
	sv, ok := rng(typeV)
	if !ok {
		v.Missing = missing("no decay curve for the type V RBM")
		return v
	}
	parts = append(parts, fmt.Sprintf("S(V) = %.3f", sv))
	v.Measured = strings.Join(parts, ", ")
	v.Value = sv
	v.Pass = S[0] >= S[2] && S[2] >= S[3] && S[3] >= S[6] && S[6] < sv && sv < S[0]
	return v
}

// Curve is a function of temperature.
type Curve struct {
	T     []float64 // increasing
	Value []float64
}

// SteepWindow is how far from T_c the steepest fall of ⟨vᵀWWᵀv⟩ may lie.
const SteepWindow = 0.5

// Energy judges Figs. 14–15 from ⟨vᵀWWᵀv⟩ against T for type V RBMs of
// several N_h: for each, the value at the lowest T exceeds the value at
// the highest, and its steepest fall between neighbouring temperatures
// lies within SteepWindow of T_c (midpoint of the steepest segment).
func Energy(curves map[int]Curve) Verdict {
	v := Verdict{Row: "vwwv", Paper: "Figs. 14–15", Criterion: fmt.Sprintf(
		"type V, every N_h given: ⟨vᵀWWᵀv⟩ at the lowest T > at the highest, and its steepest fall between neighbouring T lies within %s of T_c", fmtT(SteepWindow))}
	if len(curves) == 0 {
		v.Missing = missing("no ⟨vᵀWWᵀv⟩ curves")
		return v
	}
	hs := make([]int, 0, len(curves))
	for h := range curves {
		hs = append(hs, h)
	}
	sort.Ints(hs)
	var parts []string
	pass := true
	worst := 0.0
	for _, h := range hs {
		c := curves[h]
		if len(c.T) < 3 || len(c.Value) != len(c.T) || !sort.Float64sAreSorted(c.T) {
			v.Missing = missing("⟨vᵀWWᵀv⟩ of N_h = %d: want at least 3 increasing temperatures with one value each", h)
			return v
		}
		best, at := math.Inf(-1), 0.0
		for i := 1; i < len(c.T); i++ {
			if s := -(c.Value[i] - c.Value[i-1]) / (c.T[i] - c.T[i-1]); s > best {
				best, at = s, (c.T[i]+c.T[i-1])/2
			}
		}
		n := len(c.T) - 1
		ok := c.Value[0] > c.Value[n] && math.Abs(at-Tc) <= SteepWindow
		pass = pass && ok
		worst = math.Max(worst, math.Abs(at-Tc))
		parts = append(parts, fmt.Sprintf("N_h = %d: %.3g → %.3g, steepest at T = %s", h, c.Value[0], c.Value[n], fmtT(at)))
	}
	v.Measured = strings.Join(parts, "; ")
	v.Value = worst
	v.Pass = pass
	return v
}

// StepTop is how many leading eigenvalues StepLikeness looks at.
const StepTop = 10

// StepLikeness returns the largest ratio λ_i/λ_{i+1} among the top StepTop
// eigenvalues of WWᵀ (sorted here, largest first; ratios whose
// denominator is ≤ 1e-9·λ_1 are left out: those are rank deficiency, not
// steps). A smooth spectrum gives a number near 1, a step-like one ≫ 1.
func StepLikeness(eig []float64) (float64, error) {
	e := sortedDesc(eig)
	if len(e) < 2 || !(e[0] > 0) {
		return 0, missing("want at least 2 eigenvalues, the largest positive")
	}
	worst := 1.0
	for i := 0; i+1 < len(e) && i+1 < StepTop; i++ {
		if e[i+1] <= 1e-9*e[0] {
			break
		}
		worst = math.Max(worst, e[i]/e[i+1])
	}
	return worst, nil
}

func sortedDesc(x []float64) []float64 {
	e := append([]float64(nil), x...)
	sort.Sort(sort.Reverse(sort.Float64Slice(e)))
	return e
}

// Spectrum thresholds of Figs. 16–17.
const (
	StepRatio = 2.0 // type L's step-likeness ≥ StepRatio × type V's
	FlatTail  = 0.1 // N_h > N_v: smallest eigenvalue ≥ FlatTail × the median
)

// Spectra judges Figs. 16–17 from the eigenvalues of WWᵀ (N_v of them):
// type L's step-likeness (StepLikeness) is at least StepRatio times type
// V's at the same N_h (smooth against step-like), and for N_h > N_v
// (type V, nhWide) the spectrum has no empty tail: its smallest eigenvalue
// is at least FlatTail times its median.
func Spectra(typeV, typeL []float64, nh int, wide []float64, nhWide int) Verdict {
	v := Verdict{Row: "spectrum", Paper: "Figs. 16–17", Criterion: fmt.Sprintf(
		"WWᵀ eigenvalues: step-likeness (largest λ_i/λ_{i+1} among the top %d) of type L ≥ %g × type V at N_h = %d; type V with N_h = %d > N_v: smallest eigenvalue ≥ %g × median",
		StepTop, StepRatio, nh, nhWide, FlatTail)}
	sv, err := StepLikeness(typeV)
	if err != nil {
		v.Missing = fmt.Errorf("type V N_h = %d spectrum: %w", nh, err)
		return v
	}
	sl, err := StepLikeness(typeL)
	if err != nil {
		v.Missing = fmt.Errorf("type L N_h = %d spectrum: %w", nh, err)
		return v
	}
	w := sortedDesc(wide)
	if len(w) < 2 || !(w[0] > 0) {
		v.Missing = missing("no spectrum of type V N_h = %d", nhWide)
		return v
	}
	tail := w[len(w)-1] / w[len(w)/2]
	v.Measured = fmt.Sprintf("step-likeness type V %.3g, type L %.3g; N_h = %d: smallest/median %.3g", sv, sl, nhWide, tail)
	v.Value = sl / sv
	v.Pass = sl >= StepRatio*sv && tail >= FlatTail
	return v
}
