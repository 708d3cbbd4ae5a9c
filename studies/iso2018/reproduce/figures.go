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
	v := Verdict{Row: "samples", Paper: "Fig. 1",
		Says:      `Fig. 1 caption: "Examples of spin configurations at temperatures T = 0, 2, 3, 6"`,
		Criterion: "configurations at T = 0, 2, 3, 6: energy per spin E(2) < E(3) < E(6); E(0) ≤ −1.5; ⟨|m|⟩(6) < 0.3 (ours: what the pictures show, ordered domains at T = 0 and disorder at T = 6, in numbers)"}
	if len(configs) == 0 {
		v.Absent, v.Missing = true, missing("no configurations labelled by T")
		return v
	}
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
	v.Quantity, v.Value = "energy per spin at T = 0", E[0]
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

// Tolerances of Fig. 4. The epochs are the paper's; Flat is ours.
const (
	// PlateauFrom: "after 6000 epochs it becomes almost constant".
	PlateauFrom = 6000
	// Flat: "almost constant" means that from PlateauFrom on the test
	// loss varies by at most Flat × its fall before PlateauFrom (ours: a
	// tenth, where a loss still falling at its early pace varies by a
	// third or more of it over the last 1500 of 7500 epochs).
	Flat = 0.1
)

// Losses judges Fig. 4 from the thermometer's logged history (epochs,
// training and test loss, same lengths) by the paper's sentences: the
// training loss falls at every logged point; the test loss falls at first
// (lower at PlateauFrom than at the first logged point), is almost
// constant from PlateauFrom on (Flat), and turns up by the last logged
// point (its minimum from PlateauFrom on lies before the last point, and
// the last is above it). A history that ends before PlateauFrom is judged
// on what it has (the training loss, and the test loss lower at its end
// than at its start) and says that the plateau and the turn lie beyond
// it.
func Losses(epochs, train, test []float64) Verdict {
	v := Verdict{Row: "thermometer-loss", Paper: "Fig. 4",
		Says: `Sec. 3.1: the training error "is continuously decreasing, even after 7500 epochs"; the test error "is also decreasing at first, but after 6000 epochs it becomes almost constant. After 7500 epochs, in fact, it turns to increase."`,
		Criterion: fmt.Sprintf("training loss lower at every logged point than at the one before; test loss lower at epoch %d than at the first logged point, varying from epoch %d on by at most %g × that fall (ours), and its minimum from epoch %d on before the last logged point, the last above it",
			PlateauFrom, PlateauFrom, Flat, PlateauFrom)}
	if len(epochs) == 0 && len(train) == 0 && len(test) == 0 {
		v.Absent, v.Missing = true, missing("no thermometer with a loss history")
		return v
	}
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
	v.Quantity, v.Value = "final test loss", test[n]
	falls, parts := true, []string{fmt.Sprintf("training loss %.4g → %.4g, lower at each of %d logged points ✓", train[0], train[n], n)}
	for i := 1; i <= n; i++ {
		if !(train[i] < train[i-1]) {
			falls, parts[0] = false, fmt.Sprintf("training loss %.4g → %.4g, rises at epoch %g (%.5g after %.5g) ✗", train[0], train[n], epochs[i], train[i], train[i-1])
			break
		}
	}
	if epochs[n] < PlateauFrom {
		early := test[n] < test[0]
		parts = append(parts, fmt.Sprintf("test loss %.4g (epoch %g) → %.4g (epoch %g) %s", test[0], epochs[0], test[n], epochs[n], mark(early)),
			fmt.Sprintf("this thermometer trained %g epochs: the paper's plateau after %d and turn by 7500 lie beyond it, not judged", epochs[n], PlateauFrom))
		v.Measured, v.Pass = strings.Join(parts, "; "), falls && early
		return v
	}
	i6 := 0
	for epochs[i6] < PlateauFrom {
		i6++
	}
	if i6 == 0 {
		v.Missing = missing("no test loss logged before epoch %d", PlateauFrom)
		return v
	}
	fall := test[0] - test[i6]
	lo, hi, at := test[i6], test[i6], i6
	for i := i6; i <= n; i++ {
		if test[i] < lo {
			lo, at = test[i], i
		}
		hi = math.Max(hi, test[i])
	}
	early, flat, turn := fall > 0, hi-lo <= Flat*fall, at < n && test[n] > lo
	parts = append(parts,
		fmt.Sprintf("test loss %.4g (epoch %g) → %.5g (%g) %s", test[0], epochs[0], test[i6], epochs[i6], mark(early)),
		fmt.Sprintf("from %g on it varies by %.3g, %.1f%% of that fall %s", epochs[i6], hi-lo, 100*(hi-lo)/math.Abs(fall), mark(flat)),
		fmt.Sprintf("minimum %.5g at %g, %.5g at %g %s", lo, epochs[at], test[n], epochs[n], mark(turn)))
	v.Measured = strings.Join(parts, "; ")
	v.Pass = falls && early && flat && turn
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

func (r Reading) mean() float64 {
	f := Flow{Iterations: []int64{0}, Classes: r.Classes, Distribution: [][]float64{r.Share}}
	return f.Mean(0)
}

// TestReadings judges Fig. 5 from the thermometer's readings of the test
// sets at T = 0, 2, 3, 6 by its caption: the temperatures can be told
// apart, i.e. the mean measured temperature rises strictly with the true
// T. The paper says the distributions are not sharply peaked at the true
// T (its footnote 7): whether each mode lies within one grid step of it is
// reported beyond the paper. The temperatures the study has no reading of
// are named; with fewer than two the row is Absent.
func TestReadings(readings map[float64]Reading) Verdict {
	v := Verdict{Row: "thermometer-test", Paper: "Fig. 5",
		Says:      `Fig. 5 caption: "Temperature of the configurations can be distinguished by looking at the shapes of the distributions."`,
		Criterion: "thermometer on the test sets at T = 0, 2, 3, 6: the mean measured temperature rises strictly with the true T (ours: the mean as the summary of a distribution's shape)"}
	var parts, beyond, absent []string
	prev, gap, seen := math.Inf(-1), math.Inf(1), 0
	pass := true
	for _, T := range Fig1Temperatures {
		r, ok := readings[T]
		if !ok {
			absent = append(absent, fmtT(T))
			continue
		}
		if len(r.Classes) == 0 || len(r.Share) != len(r.Classes) {
			v.Missing = missing("the thermometer's reading of the test set at T = %s has %d shares for %d classes", fmtT(T), len(r.Share), len(r.Classes))
			return v
		}
		step, err := GridStep(r.Classes)
		if err != nil {
			v.Missing = err
			return v
		}
		m, mean := r.mode(), r.mean()
		ok = mean > prev
		pass = pass && ok
		if seen > 0 {
			gap = math.Min(gap, mean-prev)
		}
		prev, seen = mean, seen+1
		parts = append(parts, fmt.Sprintf("T = %s reads mean %.2f %s", fmtT(T), mean, mark(ok)))
		beyond = append(beyond, fmt.Sprintf("T = %s reads mode %s %s", fmtT(T), fmtT(m), mark(near(m, T, step))))
	}
	if seen < 2 {
		v.Absent, v.Missing = true, missing("readings of fewer than two of the test sets at T = 0, 2, 3, 6")
		return v
	}
	if len(absent) > 0 {
		parts = append(parts, "not in this study: T = "+strings.Join(absent, ", "))
	}
	v.Measured = strings.Join(parts, "; ")
	v.Beyond = "modes within one grid step of the true T: " + strings.Join(beyond, "; ")
	v.Quantity, v.Value = "smallest gap between the means of neighbouring test sets", gap
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
	v := Verdict{Row: "wwt-local", Paper: "Fig. 12",
		Says:      `Sec. 4.2: "We can see that they have large values in the diagonal and near diagonal elements."`,
		Criterion: "type V, N_h = 16, 100, 400: mean WWᵀ over nearest neighbours / mean diagonal > the same over the farthest pairs (distance (L/2, L/2))"}
	var parts, absent []string
	pass := true
	minGap := math.Inf(1)
	for _, h := range Fig12Hidden {
		m, ok := wwt[h]
		n := L * L
		if !ok {
			absent = append(absent, fmt.Sprint(h))
			continue
		}
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
	if len(parts) == 0 {
		v.Absent, v.Missing = true, missing("no WWᵀ of a type V RBM with N_h = 16, 100 or 400")
		return v
	}
	if len(absent) > 0 {
		parts = append(parts, "not in this study: N_h = "+strings.Join(absent, ", "))
	}
	v.Measured = strings.Join(parts, "; ")
	v.Quantity, v.Value = "smallest (neighbours − farthest)", minGap
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
	v := Verdict{Row: "wwt-decay", Paper: "Fig. 13",
		Says:      `Sec. 4.2: "the correlation of WW^T decays more rapidly at higher temperature"; "for the type V RBM … the off-diagonal elements decrease with the decay rate between the T = 2 case and the T = 3 case."`,
		Criterion: "N_h = 16: range S = Σ_{r≥1} C(r)/C(0) of WWᵀ's off-diagonal decay (ours: the range as the decay rate's measure): S(T=0) ≥ S(2) ≥ S(3) ≥ S(6) for single-T RBMs, and S(3) < S(type V) < S(2)"}
	if len(singleT) == 0 {
		v.Absent, v.Missing = true, missing("no single-temperature RBMs (N_h = 16) to compare with")
		return v
	}
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
	v.Quantity, v.Value = "S(type V)", sv
	v.Pass = S[0] >= S[2] && S[2] >= S[3] && S[3] >= S[6] && S[3] < sv && sv < S[2]
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
	v := Verdict{Row: "vwwv", Paper: "Figs. 14–15",
		Says: `Sec. 4.3: "The figure shows a big change near the critical point, which is reminiscent of the magnetization of Ising model."`,
		Criterion: fmt.Sprintf(
			"type V, every N_h given: ⟨vᵀWWᵀv⟩ at the lowest T > at the highest, and its steepest fall between neighbouring T lies within %s of T_c (ours: two grid steps)", fmtT(SteepWindow))}
	if len(curves) == 0 {
		v.Absent, v.Missing = true, missing("no ⟨vᵀWWᵀv⟩ curves")
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
	v.Quantity, v.Value = "largest distance of the steepest fall from T_c", worst
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
	v := Verdict{Row: "spectrum", Paper: "Figs. 16–17",
		Says: `Fig. 16 caption: "Eigenvalues of WW^T for type V RBM (red, a smooth line) and type L RBM (blue, a steplike line). Both RBMs have 64 neurons"; Sec. 4.4: "in the type V RBM with N_h > N_v = 100, most eigenvalues have similar values."`,
		Criterion: fmt.Sprintf(
			"WWᵀ eigenvalues: step-likeness (largest λ_i/λ_{i+1} among the top %d) of type L ≥ %g × type V at N_h = %d; type V with N_h = %d > N_v: smallest eigenvalue ≥ %g × median (ours: the numbers)",
			StepTop, StepRatio, nh, nhWide, FlatTail)}
	var parts, absent []string
	pass := true
	if typeV != nil && typeL != nil {
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
		pass = pass && sl >= StepRatio*sv
		parts = append(parts, fmt.Sprintf("step-likeness type V %.3g, type L %.3g %s", sv, sl, mark(sl >= StepRatio*sv)))
		v.Quantity, v.Value = fmt.Sprintf("step-likeness type L / type V at N_h = %d", nh), sl/sv
	} else {
		absent = append(absent, fmt.Sprintf("type V and L spectra at N_h = %d", nh))
	}
	if wide != nil {
		w := sortedDesc(wide)
		if len(w) < 2 || !(w[0] > 0) {
			v.Missing = missing("the spectrum of type V N_h = %d has fewer than 2 eigenvalues or none positive", nhWide)
			return v
		}
		tail := w[len(w)-1] / w[len(w)/2]
		pass = pass && tail >= FlatTail
		parts = append(parts, fmt.Sprintf("N_h = %d: smallest/median %.3g %s", nhWide, tail, mark(tail >= FlatTail)))
		if v.Quantity == "" {
			v.Quantity, v.Value = fmt.Sprintf("smallest/median eigenvalue at N_h = %d", nhWide), tail
		}
	} else {
		absent = append(absent, fmt.Sprintf("type V spectrum at N_h = %d", nhWide))
	}
	if len(parts) == 0 {
		v.Absent, v.Missing = true, missing("no %s", strings.Join(absent, ", no "))
		return v
	}
	if len(absent) > 0 {
		parts = append(parts, "not in this study: "+strings.Join(absent, ", "))
	}
	v.Measured = strings.Join(parts, "; ")
	v.Pass = pass
	return v
}
