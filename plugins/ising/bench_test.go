package ising

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// sink keeps benchmark results alive.
var sink int64

// referenceMetropolis is the straightforward implementation the kernel is
// measured against: math/rand/v2 (PCG), site from IntN, neighbours by
// modulo arithmetic, math.Exp per attempt and an if/else acceptance.
type referenceMetropolis struct {
	L     int
	T     float64
	spins []int8
	rng   *rand.Rand
}

func newReferenceMetropolis(L int, T float64, seed uint64) *referenceMetropolis {
	r := &referenceMetropolis{L: L, T: T, spins: make([]int8, L*L), rng: rand.New(rand.NewPCG(seed, 1))}
	for i := range r.spins {
		if r.rng.IntN(2) == 0 {
			r.spins[i] = -1
		} else {
			r.spins[i] = 1
		}
	}
	return r
}

func (r *referenceMetropolis) attempts(n int64) int64 {
	L := r.L
	var acc int64
	for ; n > 0; n-- {
		i := r.rng.IntN(L * L)
		x, y := i/L, i%L
		h := r.spins[((x+1)%L)*L+y] + r.spins[((x-1+L)%L)*L+y] +
			r.spins[x*L+(y+1)%L] + r.spins[x*L+(y-1+L)%L]
		dE := 2 * float64(r.spins[i]) * float64(h)
		if dE <= 0 {
			r.spins[i] = -r.spins[i]
			acc++
		} else if r.rng.Float64() < math.Exp(-dE/r.T) {
			r.spins[i] = -r.spins[i]
			acc++
		}
	}
	return acc
}

// BenchmarkMetropolisAttempt compares the branch-free kernel with the
// reference implementation at L = 10, T = 2.269, one core, in ns/attempt.
func BenchmarkMetropolisAttempt(b *testing.B) {
	const L, T = 10, 2.269
	const per = 1 << 16
	b.Run("kernel", func(b *testing.B) {
		c := NewChain(L, T, 1)
		c.Randomize()
		c.MetropolisAttempts(100 * L * L)
		b.ResetTimer()
		for b.Loop() {
			sink += c.MetropolisAttempts(per)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*per), "ns/attempt")
	})
	b.Run("reference", func(b *testing.B) {
		r := newReferenceMetropolis(L, T, 1)
		r.attempts(100 * L * L)
		b.ResetTimer()
		for b.Loop() {
			sink += r.attempts(per)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*per), "ns/attempt")
	})
}

// BenchmarkMetropolisAttemptSizes is the kernel at several sizes (the
// lattice falls out of L1 cache beyond L ≈ 100).
func BenchmarkMetropolisAttemptSizes(b *testing.B) {
	for _, L := range []int{4, 10, 32, 128, 512} {
		b.Run(fmt.Sprintf("L=%d", L), func(b *testing.B) {
			const per = 1 << 16
			c := NewChain(L, 2.269, 1)
			c.Randomize()
			b.ResetTimer()
			for b.Loop() {
				sink += c.MetropolisAttempts(per)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*per), "ns/attempt")
		})
	}
}

// BenchmarkPaperDataset generates the paper's data set through Sample on
// all cores: 25 temperatures T = 0, 0.25, …, 6, 2 000 configurations each
// (1 000 for training, 1 000 for tests), L = 10, 100·L² Metropolis attempts
// per configuration: 5·10^8 attempts.
func BenchmarkPaperDataset(b *testing.B) {
	temps := make([]float64, 25)
	for i := range temps {
		temps[i] = 0.25 * float64(i)
	}
	req := sdk.SampleRequest{Points: points(temps), Size: 10, PerPoint: 2000, Seed: 2018}
	m := New()
	var attempts int64
	var mu sync.Mutex
	for b.Loop() {
		err := m.Sample(context.Background(), req, func(c sdk.SampleChunk) error {
			mu.Lock()
			attempts += c.Attempts
			mu.Unlock()
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(attempts)/sec, "attempts/s")
	b.ReportMetric(sec/float64(b.N), "s/dataset")
}

// BenchmarkWolff grows clusters at T_c ≈ 2.269 and reports ns per flipped
// spin.
func BenchmarkWolff(b *testing.B) {
	for _, L := range []int{10, 64} {
		b.Run(fmt.Sprintf("L=%d", L), func(b *testing.B) {
			c := NewChain(L, 2.269, 1)
			c.Randomize()
			for k := 0; k < 1000; k++ {
				c.WolffCluster()
			}
			var flipped int64
			b.ResetTimer()
			for b.Loop() {
				flipped += int64(c.WolffCluster())
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(flipped), "ns/spin")
			b.ReportMetric(float64(flipped)/float64(b.N), "spins/cluster")
		})
	}
}

// BenchmarkSample is one Sample call per algorithm at L = 10, T = 2.269,
// 8 000 configurations with the default sweeps, on all cores.
func BenchmarkSample(b *testing.B) {
	for _, algo := range []string{AlgorithmMetropolisPaper, AlgorithmMetropolis, AlgorithmWolff} {
		b.Run(algo, func(b *testing.B) {
			req := sdk.SampleRequest{Points: points([]float64{2.269}), Size: 10, PerPoint: 8000, Algorithm: algo, Seed: 1}
			m := New()
			for b.Loop() {
				if err := m.Sample(context.Background(), req, func(sdk.SampleChunk) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*req.PerPoint), "µs/config")
		})
	}
}
