package ising

import (
	"context"
	"math"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// TestXoshiroReference: the first outputs of xoshiro256** from state
// {1, 2, 3, 4}, the test vector of github.com/morinim/xoshiro256ss (from
// Vigna's reference C code).
func TestXoshiroReference(t *testing.T) {
	r := &RNG{s: [4]uint64{1, 2, 3, 4}}
	want := []uint64{11520, 0, 1509978240, 1215971899390074240, 1216172134540287360,
		607988272756665600, 16172922978634559625, 8476171486693032832,
		10595114339597558777, 2904607092377533576}
	for i, w := range want {
		if got := r.Uint64(); got != w {
			t.Fatalf("output %d: %d, want %d", i, got, w)
		}
	}
	// The kernel's inlined copy draws the same numbers.
	c := NewChain(4, 2, 0)
	c.rng.s = [4]uint64{1, 2, 3, 4}
	c.MetropolisAttempts(10)
	r = &RNG{s: [4]uint64{1, 2, 3, 4}}
	for range 10 {
		r.Uint64()
	}
	if r.s != c.rng.s {
		t.Error("MetropolisAttempts advances the generator differently")
	}
}

// TestSplitMix64: the first SplitMix64 output from seed 0 is
// 0xe220a8397b1dcdaf (Steele, Lea and Flood's reference).
func TestSplitMix64(t *testing.T) {
	if got := SplitMix64(0); got != 0xe220a8397b1dcdaf {
		t.Errorf("SplitMix64(0) = %#x", got)
	}
	seen := map[uint64]bool{}
	for p := 0; p < 30; p++ {
		for c := 0; c < 30; c++ {
			s := DeriveSeed(7, p, c)
			if seen[s] {
				t.Fatalf("DeriveSeed(7, %d, %d) repeats", p, c)
			}
			seen[s] = true
		}
	}
}

// TestRNGUniform: a coarse check of Below and Float64 (10^6 draws, χ² over
// 10 bins at the 10^-6 level; the mean within 5σ).
func TestRNGUniform(t *testing.T) {
	r := NewRNG(123)
	const n, bins = 1_000_000, 10
	var counts [bins]float64
	sum := 0.0
	for i := 0; i < n; i++ {
		counts[r.Below(bins)]++
		sum += r.Float64()
	}
	chi2 := 0.0
	for _, c := range counts {
		chi2 += (c - n/bins) * (c - n/bins) / (n / bins)
	}
	if chi2 > 40 { // P(χ²_9 > 40) ≈ 7e-6
		t.Errorf("Below(10): χ² = %.1f", chi2)
	}
	if mean := sum / n; math.Abs(mean-0.5) > 5*math.Sqrt(1.0/12/n) {
		t.Errorf("Float64 mean %g", mean)
	}
}

// TestChunkSize: no chunk holds more than max(1, ChunkBytes/L²)
// configurations, and chunks are whole configurations.
func TestChunkSize(t *testing.T) {
	const L = 6
	for _, algo := range []string{AlgorithmMetropolisPaper, AlgorithmMetropolis, AlgorithmWolff} {
		for _, cb := range []int{1, 100, 36 * 7, 1 << 20} {
			limit := max(1, cb/(L*L))
			req := sdk.SampleRequest{Points: points([]float64{2}), Size: L, PerPoint: 100, Algorithm: algo, Sweeps: 1, Thermalization: 1, Seed: 1}
			err := NewWithOptions(Options{ChunkBytes: cb}).Sample(context.Background(), req, func(c sdk.SampleChunk) error {
				if len(c.Configs)%(L*L) != 0 || c.Count(L*L) > limit || c.Count(L*L) == 0 {
					t.Errorf("%s ChunkBytes %d: chunk of %d values", algo, cb, len(c.Configs))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}
