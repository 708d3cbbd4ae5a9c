package blumecapel

import (
	"bytes"
	"context"
	"errors"
	"math"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

func asBytes(v [][]int8) []byte {
	var b []byte
	for _, p := range v {
		for _, x := range p {
			b = append(b, byte(x))
		}
	}
	return b
}

// Same request → same bytes whatever the number of workers and the chunk
// size; a different seed or Δ gives different bytes.
func TestDeterministicAcrossWorkers(t *testing.T) {
	pts := []sdk.Params{{"T": 1.0, "Delta": 0.5}, {"T": 0.7, "Delta": 1.9}}
	for _, algo := range algorithms {
		req := sdk.SampleRequest{Points: pts, Size: 6, PerPoint: 70, Algorithm: algo, Sweeps: 2, Thermalization: 20, Seed: 42}
		if algo == AlgorithmMetropolisPaper {
			req.Thermalization = 0 // it has none, and refuses one
		}
		one := asBytes(sample(t, NewWithOptions(Options{Workers: 1}), req))
		many := asBytes(sample(t, NewWithOptions(Options{Workers: 7, ChunkBytes: 100}), req))
		if !bytes.Equal(one, many) {
			t.Errorf("%s: 1 worker and 7 workers with small chunks gave different configurations", algo)
		}
		req.Seed++
		if bytes.Equal(one, asBytes(sample(t, New(), req))) {
			t.Errorf("%s: seeds 42 and 43 gave the same configurations", algo)
		}
	}
}

// Each zero-temperature Metropolis move that raises the energy is refused,
// and the density follows Δ: at Δ = −1 every site fills, at Δ = 3 every
// site empties (T → 0, from a random start).
func TestZeroTemperatureGroundStates(t *testing.T) {
	for _, c := range []struct {
		delta float64
		s2    int
	}{{-1, 64}, {3, 0}} {
		ch := NewChain(8, Couplings{T: 0, Delta: c.delta, J: 1}, 1)
		ch.Randomize()
		e0 := Measure(8, ch.Spins).Energy(1, c.delta)
		ch.MetropolisAttempts(200 * 64)
		s := Measure(8, ch.Spins)
		if s.Energy(1, c.delta) > e0 {
			t.Errorf("Δ = %g: energy rose from %g to %g at T = 0", c.delta, e0, s.Energy(1, c.delta))
		}
		if c.s2 == 0 && s.S2 != 0 {
			t.Errorf("Δ = %g: %d non-zero spins left at T = 0", c.delta, s.S2)
		}
		if c.s2 == 64 && s.S2 != 64 {
			t.Errorf("Δ = %g: %d of 64 sites filled at T = 0", c.delta, s.S2)
		}
	}
}

func TestInvalidArguments(t *testing.T) {
	m := New()
	ctx := context.Background()
	for name, pt := range map[string]sdk.Params{
		"J = 0":       {"J": 0},
		"J negative":  {"J": -1},
		"T negative":  {"T": -0.5},
		"Delta NaN":   {"Delta": nan()},
		"unknown key": {"K": 1},
	} {
		req := sdk.SampleRequest{Points: []sdk.Params{pt}, Size: 4, PerPoint: 1, Seed: 1}
		if err := m.Sample(ctx, req, func(sdk.SampleChunk) error { return nil }); !errors.Is(err, sdk.ErrInvalidArgument) {
			t.Errorf("%s: got %v, want InvalidArgument", name, err)
		}
	}
	if _, err := m.Observables(ctx, sdk.Params{}, 2, []int8{1, 0, -1, 2}); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Errorf("spin 2 accepted: %v", err)
	}
}

func nan() float64 { return math.NaN() }

// Observables of a hand-made 2×2 configuration (each pair joined by two
// bonds): s = [[1, 0], [−1, 1]], bonds B = 2(1·0 + 1·−1 + 0·1 + −1·1) = −4,
// S2 = 3, M = 1; E = −J·B + Δ·S2.
func TestObservablesByHand(t *testing.T) {
	obs, err := New().Observables(context.Background(), sdk.Params{"Delta": 0.5, "J": 2}, 2, []int8{1, 0, -1, 1})
	if err != nil {
		t.Fatal(err)
	}
	if e, want := obs["energy"][0], (-2*-4+0.5*3)/4.0; e != want {
		t.Errorf("energy %g, want %g", e, want)
	}
	if obs["magnetization"][0] != 0.25 || obs["density"][0] != 0.75 {
		t.Errorf("m = %g, density = %g, want 0.25, 0.75", obs["magnetization"][0], obs["density"][0])
	}
	if u := Binder([]float64{0.5, -0.5}); math.Abs(u-2.0/3) > 1e-15 {
		t.Errorf("Binder of ±0.5 = %g, want 2/3", u)
	}
}
