package flow

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/rgml/rgml/framework/sdk"
)

// TwoParamReadout is the read-out of a flow by a thermometer of two
// labels (x, y: T and Δ for a Blume-Capel-like study, whatever its data
// call them): the mode and mean of its distribution on the grid in both
// coordinates after each iteration count, and thermometer-free
// observables of the flowed configurations. The fields named T are the
// first label's, those named Delta the second's.
type TwoParamReadout struct {
	Classes              []float64 // K×2: (x, y) per class
	TMean, TMode         []float64 // per iteration count
	DeltaMean, DeltaMode []float64
	AbsM, S2, NN         []float64 // SpinObservables per iteration count (NaN where undefined)
	// EqT, EqDelta: the grid point of the flow's starting dataset (all
	// its points, before the flow's selection) whose Monte Carlo
	// observables are nearest (Nearest); NaN without both labels.
	EqT, EqDelta []float64
	grid         []GridPoint
	spins        bool // SpinObservablesDefined for the flow's data
}

// newTwoParamReadout reads out a flow of the given iteration counts from
// the dataset all, whose labels x and y the thermometer learned; spins
// says SpinObservablesDefined for its model (the observables are NaN
// otherwise).
func newTwoParamReadout(iterations int, all sdk.Dataset, x, y string, spins bool) *TwoParamReadout {
	z := func() []float64 { return make([]float64, iterations) }
	j := &TwoParamReadout{TMean: z(), TMode: z(), DeltaMean: z(), DeltaMode: z(), AbsM: z(), S2: z(), NN: z(),
		EqT: z(), EqDelta: z(), spins: spins}
	if spins {
		j.grid = GridObservables(all, x, y)
	}
	return j
}

// SpinObservablesDefined says SpinObservables mean something on a
// model's data: its sites take spin values (a subset of {−1, 0, 1}
// holding ±1) and it declares the hypercubic lattice whose bonds they
// count. On any other model's data they would be a silent wrong
// reading, so the read-out leaves them NaN.
func SpinObservablesDefined(states []int8, lattice string) bool {
	if lattice != sdk.LatticeHypercubic || !slices.Contains(states, 1) || !slices.Contains(states, -1) {
		return false
	}
	for _, s := range states {
		if s < -1 || s > 1 {
			return false
		}
	}
	return true
}

// add records iteration count k: the distribution dist over the classes
// (K×2) and the observables of the n flowed configurations of L×L sites.
func (j *TwoParamReadout) add(k int, dist, classes []float64, configs []int8, n, L int) error {
	if len(classes) != 2*len(dist) || (j.Classes != nil && len(classes) != len(j.Classes)) {
		return fmt.Errorf("predict returned %d classes values for %d probabilities (want K×2 pairs)", len(classes), len(dist))
	}
	j.Classes = classes
	best := 0
	for i, p := range dist {
		j.TMean[k] += p * classes[2*i]
		j.DeltaMean[k] += p * classes[2*i+1]
		if p > dist[best] {
			best = i
		}
	}
	j.TMode[k], j.DeltaMode[k] = classes[2*best], classes[2*best+1]
	j.AbsM[k], j.S2[k], j.NN[k] = math.NaN(), math.NaN(), math.NaN()
	j.EqT[k], j.EqDelta[k] = math.NaN(), math.NaN()
	if !j.spins {
		return nil
	}
	j.AbsM[k], j.S2[k], j.NN[k] = SpinObservables(configs, n, L)
	if g, ok := Nearest(j.grid, j.AbsM[k], j.S2[k], j.NN[k]); ok {
		j.EqT[k], j.EqDelta[k] = g.T, g.Delta
	}
	return nil
}

// GridPoint is the Monte Carlo average of SpinObservables at one point
// (x, y) of a grid of two labels; T is x, Delta is y.
type GridPoint struct {
	T, Delta     float64
	AbsM, S2, NN float64
	N            int // configurations
}

// GridObservables returns SpinObservables per distinct (x, y) of a
// dataset labelled x and y, sorted by x then y; nil without both labels.
func GridObservables(d sdk.Dataset, x, y string) []GridPoint {
	ts, ds := d.Labels[x], d.Labels[y]
	n, sites := d.Len(), d.Sites()
	if len(ts) != n || len(ds) != n || n == 0 {
		return nil
	}
	type key struct{ t, d float64 }
	rows := map[key][]int8{}
	for i := 0; i < n; i++ {
		k := key{ts[i], ds[i]}
		rows[k] = append(rows[k], d.Configs[i*sites:(i+1)*sites]...)
	}
	out := make([]GridPoint, 0, len(rows))
	for k, c := range rows {
		g := GridPoint{T: k.t, Delta: k.d, N: len(c) / sites}
		g.AbsM, g.S2, g.NN = SpinObservables(c, g.N, d.Size)
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b GridPoint) int {
		return cmp.Or(cmp.Compare(a.T, b.T), cmp.Compare(a.Delta, b.Delta))
	})
	return out
}

// Nearest returns the grid point whose (|m|, ⟨s²⟩, nn) is nearest to the
// given one: a thermometer-free reading of where configurations sit on
// the phase diagram. nn ∈ [−2, 2] is halved so that the three
// coordinates span comparable ranges. ok is false for an empty grid.
func Nearest(grid []GridPoint, absM, s2, nn float64) (g GridPoint, ok bool) {
	best := math.Inf(1)
	for _, p := range grid {
		dm, dq, dn := p.AbsM-absM, p.S2-s2, (p.NN-nn)/2
		if d := dm*dm + dq*dq + dn*dn; d < best {
			best, g, ok = d, p, true
		}
	}
	return g, ok
}

// SpinObservables returns, averaged over n configurations of an L×L
// periodic lattice (site x·L + y; only for data of a model for which
// SpinObservablesDefined), the thermometer-free observables of
// spin configurations: |m| = |Σ_i s_i|/L², ⟨s²⟩ = Σ_i s_i²/L² and the
// nearest-neighbour correlation nn = Σ_⟨ij⟩ s_i s_j / L² (2L² bonds):
// the terms of a spin-1 energy with a coupling and a crystal field.
func SpinObservables(configs []int8, n, L int) (absM, s2, nn float64) {
	if n == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	N := L * L
	for c := 0; c < n; c++ {
		s := configs[c*N : (c+1)*N]
		m, q, b := 0, 0, 0
		for x := 0; x < L; x++ {
			for y := 0; y < L; y++ {
				v := int(s[x*L+y])
				m += v
				q += v * v
				b += v * (int(s[((x+1)%L)*L+y]) + int(s[x*L+(y+1)%L]))
			}
		}
		absM += math.Abs(float64(m))
		s2 += float64(q)
		nn += float64(b)
	}
	d := float64(n * N)
	return absM / d, s2 / d, nn / d
}
