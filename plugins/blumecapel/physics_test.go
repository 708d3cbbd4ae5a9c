package blumecapel

import (
	"fmt"
	"math"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/blumecapel/exact"
	isingexact "github.com/rgml/rgml/plugins/ising/exact"
)

// maxZ is how many standard errors an estimate may be from its exact value.
// Seeds are fixed, so the tests are deterministic.
const maxZ = 4

var algorithms = []string{AlgorithmMetropolisPaper, AlgorithmMetropolis, AlgorithmHybrid}

// estimate is one observable's Monte Carlo mean and standard error.
type estimate struct {
	name     string
	mean, se float64
}

// estimates returns ⟨E⟩/N, ⟨s²⟩, ⟨|m|⟩ and ⟨m²⟩ with errors from nb blocks.
func estimates(s series, nb int) []estimate {
	out := make([]estimate, 0, 4)
	for _, o := range []struct {
		name string
		x    []float64
	}{
		{"energy", s.e}, {"s2", s.s2}, {"|m|", mapped(s.m, math.Abs)}, {"m2", mapped(s.m, func(v float64) float64 { return v * v })},
	} {
		m, se := blockStats(o.x, nb)
		out = append(out, estimate{o.name, m, se})
	}
	return out
}

func exactValue(a exact.Averages, name string) float64 {
	switch name {
	case "energy":
		return a.Energy
	case "s2":
		return a.S2
	case "|m|":
		return a.AbsM
	}
	return a.M2
}

// TestAgainstEnumeration: every algorithm on the 3×3 and 4×4 tori against
// exact enumeration of their 3^9 and 3^16 states, at several (T, Δ):
// energy, ⟨s²⟩, ⟨|m|⟩ and ⟨m²⟩ within maxZ standard errors (200 blocks of
// 100 configurations). Power: the same estimates against the exact values
// at 1.1·Δ must fail for at least one observable at every point, so a 10%
// error in Δ would not pass.
func TestAgainstEnumeration(t *testing.T) {
	if testing.Short() {
		t.Skip("long Monte Carlo runs")
	}
	const per, blocks = 20000, 200
	cases := []struct {
		L     int
		T, Dl float64
	}{
		{3, 1.0, 0.5}, {3, 1.5, 1.0},
		{4, 2.0, -0.5}, {4, 1.2, 1.0}, {4, 0.9, 1.5},
	}
	hist := map[int]*exact.Histogram{}
	for _, L := range []int{3, 4} {
		h, err := exact.Enumerate(L)
		if err != nil {
			t.Fatal(err)
		}
		hist[L] = h
	}
	for _, algo := range algorithms {
		for L := 3; L <= 4; L++ {
			var pts []sdk.Params
			var idx []int
			for i, c := range cases {
				if c.L == L {
					pts = append(pts, sdk.Params{"T": c.T, "Delta": c.Dl, "J": 1})
					idx = append(idx, i)
				}
			}
			req := sdk.SampleRequest{Points: pts, Size: L, PerPoint: per, Algorithm: algo, Seed: 13}
			got := sample(t, New(), req)
			for k, i := range idx {
				c := cases[i]
				want, _ := hist[L].At(c.T, c.Dl, 1)
				off, _ := hist[L].At(c.T, 1.1*c.Dl, 1)
				power := false
				for _, e := range estimates(observe(t, L, pts[k], got[k]), blocks) {
					what := fmt.Sprintf("%s L=%d T=%g Δ=%g %s", algo, L, c.T, c.Dl, e.name)
					if !(e.se > 0) {
						t.Errorf("%s: standard error %g", what, e.se)
						continue
					}
					if z := (e.mean - exactValue(want, e.name)) / e.se; math.Abs(z) > maxZ {
						t.Errorf("%s = %.5f ± %.5f, exact %.5f (z = %.1f)", what, e.mean, e.se, exactValue(want, e.name), z)
					}
					if z := (e.mean - exactValue(off, e.name)) / e.se; math.Abs(z) > maxZ {
						power = true
					}
				}
				if !power {
					t.Errorf("%s L=%d T=%g Δ=%g: the estimates also agree with Δ·1.1: no power", algo, L, c.T, c.Dl)
				}
			}
		}
	}
}

// TestIsingLimit: at Δ = −20 zeros cost e^(−20/T) and the model is the
// Ising model: bond energy E − Δ⟨s²⟩, ⟨|m|⟩ and ⟨m²⟩ of every algorithm
// against the Ising exact enumeration of the 4×4 torus.
func TestIsingLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("long Monte Carlo runs")
	}
	const L, per, blocks, Dl = 4, 10000, 100, -20.0
	temps := []float64{1.5, 2.269}
	pts := []sdk.Params{}
	for _, T := range temps {
		pts = append(pts, sdk.Params{"T": T, "Delta": Dl})
	}
	for _, algo := range algorithms {
		got := sample(t, New(), sdk.SampleRequest{Points: pts, Size: L, PerPoint: per, Algorithm: algo, Seed: 5})
		for k, T := range temps {
			want, err := isingexact.EnumerateAt(L, T)
			if err != nil {
				t.Fatal(err)
			}
			s := observe(t, L, pts[k], got[k])
			bond := make([]float64, len(s.e))
			for i := range bond {
				bond[i] = s.e[i] - Dl*s.s2[i]
			}
			for _, c := range []struct {
				name string
				x    []float64
				want float64
			}{
				{"bond energy", bond, want.Energy},
				{"|m|", mapped(s.m, math.Abs), want.AbsMagnetization},
				{"m2", mapped(s.m, func(v float64) float64 { return v * v }), want.Magnetization2},
			} {
				m, se := blockStats(c.x, blocks)
				if !(se > 0) || math.Abs(m-c.want) > maxZ*se {
					t.Errorf("%s T=%g Δ=−20 %s = %.5f ± %.5f, Ising exact %.5f", algo, T, c.name, m, se, c.want)
				}
			}
		}
	}
}

// TestLargeDeltaEmpties: Δ = 3, T = 0.3 (deep in the Δ > 2J phase, where
// the ground state is all zeros): ⟨s²⟩ < 0.01 with every algorithm.
func TestLargeDeltaEmpties(t *testing.T) {
	pts := []sdk.Params{{"T": 0.3, "Delta": 3}}
	for _, algo := range algorithms {
		got := sample(t, New(), sdk.SampleRequest{Points: pts, Size: 10, PerPoint: 200, Algorithm: algo, Seed: 3})
		s := observe(t, 10, pts[0], got[0])
		if m, _ := blockStats(s.s2, 10); m >= 0.01 {
			t.Errorf("%s: ⟨s²⟩ = %g at Δ = 3, T = 0.3, want < 0.01", algo, m)
		}
	}
}
