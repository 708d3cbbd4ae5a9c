package experiment_test

import (
	"context"
	"math"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/blumecapel"
)

// GridObservables measures a labelled dataset with its model at one
// point and averages per (T, Δ); Nearest and columnTemperature read
// flowed observables against it. The model is the Blume-Capel plugin's
// own code, on hand-counted 3×3 periodic configurations.
func TestGridReadings(t *testing.T) {
	const L = 3
	up := []int8{1, 1, 1, 1, 1, 1, 1, 1, 1}
	// A column of −1 (x = 0): m = 3, s² = 9; of the 18 bonds, the 6
	// between column 0 and its neighbours are −1, the other 12 +1: Σ s_i s_j = 6.
	col := []int8{-1, -1, -1, 1, 1, 1, 1, 1, 1}
	zero := make([]int8, 9)
	down := []int8{-1, -1, -1, -1, -1, -1, -1, -1, -1}
	var configs []int8
	for _, c := range [][]int8{col, up, down, zero} {
		configs = append(configs, c...)
	}
	ds := sdk.Dataset{Size: L, Configs: configs, Labels: map[string][]float64{
		"T": {2, 1, 1, 1}, "Delta": {0, 0, 0, 3}}}
	m := &blumecapel.Model{}
	obs := blumecapel.Description().Observables // energy, magnetization (symmetric), density
	g, err := experiment.GridObservables(context.Background(), m, obs, sdk.Params{"T": 1, "Delta": 0}, ds, "T", "Delta")
	if err != nil {
		t.Fatal(err)
	}
	// Measured at Δ = 0 for all: the energy is −Σ s_i s_j/9; the up and
	// the down configuration average to |m| = 1, not 0.
	want := []experiment.GridPoint{{T: 1, Delta: 0, Values: []float64{-2, 1, 1}, N: 2},
		{T: 1, Delta: 3, Values: []float64{0, 0, 0}, N: 1}, {T: 2, Delta: 0, Values: []float64{-6.0 / 9, 1.0 / 3, 1}, N: 1}}
	if !gridNear(g, want) {
		t.Fatalf("grid %+v, want %+v", g, want)
	}
	// At Δ = 3 every point's energy gains 3·⟨s²⟩: the model measures at
	// the point it is given, whatever the configurations' labels say.
	g3, err := experiment.GridObservables(context.Background(), m, obs, sdk.Params{"T": 1, "Delta": 3}, ds, "T", "Delta")
	if err != nil || math.Abs(g3[0].Values[0]-1) > 1e-12 || math.Abs(g3[2].Values[0]-(3-6.0/9)) > 1e-12 {
		t.Errorf("measured at Δ = 3: %+v, %v", g3, err)
	}
	if p, ok := experiment.Nearest(g, []float64{-0.1, 0.05, 0.1}); !ok || p.Delta != 3 {
		t.Errorf("nearest to an almost empty lattice: %+v", p)
	}
	if p, ok := experiment.Nearest(g, []float64{-0.7, 0.3, 0.95}); !ok || p.T != 2 {
		t.Errorf("nearest to the column's readings: %+v", p)
	}
	// |m| = 2/3 is halfway between T = 1 (|m| 1) and T = 2 (|m| 1/3) at Δ = 0.
	T, at, ok := columnTemperature(g, 0, 1, 2.0/3)
	if !ok || math.Abs(T-1.5) > 1e-12 || math.Abs(at[2]-1) > 1e-12 || math.Abs(at[0]-(-2-6.0/9)/2) > 1e-12 {
		t.Errorf("columnTemperature: %g %v %v", T, at, ok)
	}
	if _, _, ok := columnTemperature(g, 0, 1, 0.1); ok {
		t.Errorf("|m| outside the column's range was interpolated")
	}
	if g, err := experiment.GridObservables(context.Background(), m, obs, nil, sdk.Dataset{Size: L, Configs: up, Labels: map[string][]float64{"T": {1}}}, "T", "Delta"); g != nil || err != nil {
		t.Errorf("a dataset without Delta labels has a grid: %v, %v", g, err)
	}
}

func gridNear(g, want []experiment.GridPoint) bool {
	if len(g) != len(want) {
		return false
	}
	for i := range g {
		if g[i].T != want[i].T || g[i].Delta != want[i].Delta || g[i].N != want[i].N || len(g[i].Values) != len(want[i].Values) {
			return false
		}
		for k, v := range g[i].Values {
			if math.Abs(v-want[i].Values[k]) > 1e-12 {
				return false
			}
		}
	}
	return true
}

// columnTemperature returns, in the column Δ = delta of grid (sorted by T
// then Δ, as GridObservables returns it), the temperature T* at which the
// Monte Carlo average of observable i equals v, interpolated linearly
// between the first two neighbouring temperatures whose averages bracket
// it, and every observable's Monte Carlo average interpolated at T*. ok
// is false when no pair brackets v (out of the column's range). It is a
// thermometer-free temperature of flowed configurations at a given Δ:
// docs/blume-capel.md's T* column was computed this way from |m|.
func columnTemperature(grid []experiment.GridPoint, delta float64, i int, v float64) (t float64, at []float64, ok bool) {
	var col []experiment.GridPoint
	for _, g := range grid {
		if g.Delta == delta {
			col = append(col, g)
		}
	}
	for k := 0; k+1 < len(col); k++ {
		a, b := col[k], col[k+1]
		if a.Values[i] == b.Values[i] || (a.Values[i]-v)*(b.Values[i]-v) > 0 {
			continue
		}
		f := (v - a.Values[i]) / (b.Values[i] - a.Values[i])
		at = make([]float64, len(a.Values))
		for j := range at {
			at[j] = a.Values[j] + f*(b.Values[j]-a.Values[j])
		}
		return a.T + f*(b.T-a.T), at, true
	}
	return math.NaN(), nil, false
}
