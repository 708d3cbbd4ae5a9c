package flow

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/experiment/steps/stepdata"
	"github.com/rgml/rgml/framework/sdk"
)

// TwoParamReadout is the read-out of a flow by a thermometer of two
// labels (x, y: T and Δ for a Blume-Capel-like study, whatever its data
// call them): the mode and mean of its distribution on the grid in both
// coordinates after each iteration count, and thermometer-free
// observables of the flowed configurations, measured by the model that
// sampled the data (Observe). The fields named T are the first label's,
// those named Delta the second's.
type TwoParamReadout struct {
	Classes              []float64 // K×2: (x, y) per class
	TMean, TMode         []float64 // per iteration count
	DeltaMean, DeltaMode []float64
	// Observables are, per observable the data's model declares, its
	// average over the flowed configurations per iteration count (⟨|O|⟩
	// of a symmetric one), measured by the model at the flow's start;
	// none for data no model sampled (imported).
	Observables []formats.FlowObservable
	// EqT, EqDelta: the grid point of the flow's starting dataset (all
	// its points, before the flow's selection) whose Monte Carlo averages
	// of the same observables, measured the same way, are nearest
	// (Nearest); NaN without a model or without both labels.
	EqT, EqDelta []float64
}

// newTwoParamReadout is the read-out of a flow of the given iteration
// counts, its observables unknown (NaN) until Observe.
func newTwoParamReadout(iterations int) *TwoParamReadout {
	z := func() []float64 { return make([]float64, iterations) }
	nan := func() []float64 {
		v := z()
		for i := range v {
			v[i] = math.NaN()
		}
		return v
	}
	return &TwoParamReadout{TMean: z(), TMode: z(), DeltaMean: z(), DeltaMode: z(), EqT: nan(), EqDelta: nan()}
}

// add records iteration count k: the distribution dist over the classes
// (K×2).
func (j *TwoParamReadout) add(k int, dist, classes []float64) error {
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
	return nil
}

// Measurer is what the read-out asks of the data's model: its
// Observables of configurations at one point of its parameters (a
// running model plugin, host.Model; or a model in-process).
type Measurer interface {
	Observables(ctx context.Context, point sdk.Params, size int, configs []int8) (map[string][]float64, error)
}

// Observe measures, with the model m that sampled the flow's data (its
// declared observables obs), the flowed configurations fconfigs
// (iteration counts × n configurations of L^d sites) and every
// configuration of the starting dataset all, all at one point of the
// model's parameters (the flow's start), so that both are measured by
// the same function; x and y are the labels the thermometer learned. It
// sets Observables per iteration count and EqT, EqDelta: the grid point
// of all whose averages are Nearest.
func (j *TwoParamReadout) Observe(ctx context.Context, m Measurer, obs []sdk.Observable, point sdk.Params, fconfigs []int8, n int, all sdk.Dataset, x, y string) error {
	its, sites := len(j.TMean), all.Sites()
	if len(fconfigs) != its*n*sites {
		return fmt.Errorf("%d flowed site values for %d iteration counts of %d configurations of %d sites", len(fconfigs), its, n, sites)
	}
	j.Observables = make([]formats.FlowObservable, len(obs))
	for i, o := range obs {
		j.Observables[i] = formats.FlowObservable{Name: o.Name, Abs: o.Symmetric, Values: make([]float64, its)}
	}
	for k := range its {
		v, err := measure(ctx, m, obs, point, all.Size, fconfigs[k*n*sites:(k+1)*n*sites], n)
		if err != nil {
			return fmt.Errorf("measuring the flowed configurations: %w", err)
		}
		for i := range obs {
			j.Observables[i].Values[k] = average(v[i], nil, obs[i].Symmetric)
		}
	}
	grid, err := GridObservables(ctx, m, obs, point, all, x, y)
	if err != nil {
		return fmt.Errorf("measuring the starting dataset: %w", err)
	}
	at := make([]float64, len(obs))
	for k := range its {
		for i := range obs {
			at[i] = j.Observables[i].Values[k]
		}
		if g, ok := Nearest(grid, at); ok {
			j.EqT[k], j.EqDelta[k] = g.T, g.Delta
		}
	}
	return nil
}

// measure returns the model's values of each observable of obs for n
// configurations, in that order.
func measure(ctx context.Context, m Measurer, obs []sdk.Observable, point sdk.Params, L int, configs []int8, n int) ([][]float64, error) {
	got, err := m.Observables(ctx, point, L, configs)
	if err != nil {
		return nil, err
	}
	out := make([][]float64, len(obs))
	for i, o := range obs {
		if out[i] = got[o.Name]; len(out[i]) != n {
			return nil, fmt.Errorf("the model returned %d values of %s for %d configurations", len(out[i]), o.Name, n)
		}
		// One configuration's observable is always a number: a NaN would
		// make every grid point's distance NaN and Nearest pick none.
		if k, ok := stepdata.NonFinite(out[i]); ok {
			return nil, fmt.Errorf("the model returned %v as %s of configuration %d", out[i][k], o.Name, k)
		}
	}
	return out, nil
}

// average is the mean of v over rows (all of v for nil), of |v| when abs.
func average(v []float64, rows []int, abs bool) float64 {
	s, count := 0.0, len(v)
	add := func(x float64) {
		if abs {
			x = math.Abs(x)
		}
		s += x
	}
	if rows == nil {
		for _, x := range v {
			add(x)
		}
	} else {
		count = len(rows)
		for _, i := range rows {
			add(v[i])
		}
	}
	return s / float64(count)
}

// GridPoint is the Monte Carlo average of the model's observables (in
// the order it declares them, ⟨|O|⟩ of a symmetric one) at one point
// (x, y) of a grid of two labels; T is x, Delta is y.
type GridPoint struct {
	T, Delta float64
	Values   []float64
	N        int // configurations
}

// GridObservables measures every configuration of a dataset labelled x
// and y with the model m (its observables obs) at point and returns the
// averages per distinct (x, y), sorted by x then y; nil without both
// labels.
func GridObservables(ctx context.Context, m Measurer, obs []sdk.Observable, point sdk.Params, d sdk.Dataset, x, y string) ([]GridPoint, error) {
	ts, ds := d.Labels[x], d.Labels[y]
	n := d.Len()
	if len(ts) != n || len(ds) != n || n == 0 || len(obs) == 0 {
		return nil, nil
	}
	v, err := measure(ctx, m, obs, point, d.Size, d.Configs, n)
	if err != nil {
		return nil, err
	}
	type key struct{ t, d float64 }
	rows := map[key][]int{}
	for i := range n {
		k := key{ts[i], ds[i]}
		rows[k] = append(rows[k], i)
	}
	out := make([]GridPoint, 0, len(rows))
	for k, r := range rows {
		g := GridPoint{T: k.t, Delta: k.d, N: len(r), Values: make([]float64, len(obs))}
		for i, o := range obs {
			g.Values[i] = average(v[i], r, o.Symmetric)
		}
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b GridPoint) int {
		return cmp.Or(cmp.Compare(a.T, b.T), cmp.Compare(a.Delta, b.Delta))
	})
	return out, nil
}

// Nearest returns the grid point whose averages are nearest to at: a
// thermometer-free reading of where configurations sit on the grid.
// Each observable counts in units of its range over the grid (max − min
// of the grid points' averages), so that observables of any scale weigh
// alike; one that does not vary over the grid does not count. ok is false
// for an empty grid.
func Nearest(grid []GridPoint, at []float64) (g GridPoint, ok bool) {
	if len(grid) == 0 {
		return g, false
	}
	scale := make([]float64, len(at))
	for i := range at {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, p := range grid {
			lo, hi = min(lo, p.Values[i]), max(hi, p.Values[i])
		}
		scale[i] = hi - lo
	}
	best := math.Inf(1)
	for _, p := range grid {
		d := 0.0
		for i, v := range at {
			if scale[i] > 0 {
				z := (p.Values[i] - v) / scale[i]
				d += z * z
			}
		}
		if d < best {
			best, g, ok = d, p, true
		}
	}
	return g, ok
}
