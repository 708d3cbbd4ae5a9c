package ising

import (
	"context"
	"math"
	"sync"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// collected is the output of one Sample call, reassembled by point.
type collected struct {
	configs  [][]int8 // per point, PerPoint·L² values in index order
	attempts []int64  // per point
	accepted []int64
	chunks   int
}

// collect runs m.Sample and reassembles the chunks, failing the test if a
// configuration is missing, duplicated or a chunk is malformed.
func collect(t testing.TB, m sdk.Model, req sdk.SampleRequest) *collected {
	t.Helper()
	out, err := tryCollect(m, req)
	if err != nil {
		t.Fatalf("Sample: %v", err)
	}
	n := req.Size * req.Size
	for p, cfg := range out.configs {
		for i := 0; i < req.PerPoint; i++ {
			if cfg[i*n] == 0 {
				t.Fatalf("point %d: configuration %d never emitted", p, i)
			}
		}
	}
	return out
}

func tryCollect(m sdk.Model, req sdk.SampleRequest) (*collected, error) {
	n := req.Size * req.Size
	out := &collected{
		configs:  make([][]int8, len(req.Points)),
		attempts: make([]int64, len(req.Points)),
		accepted: make([]int64, len(req.Points)),
	}
	for p := range out.configs {
		out.configs[p] = make([]int8, req.PerPoint*n)
	}
	var mu sync.Mutex
	var bad error
	err := m.Sample(context.Background(), req, func(c sdk.SampleChunk) error {
		mu.Lock()
		defer mu.Unlock()
		if c.Point < 0 || c.Point >= len(req.Points) || len(c.Configs)%n != 0 ||
			c.First < 0 || c.First+c.Count(n) > req.PerPoint {
			bad = sdk.InvalidArgument("malformed chunk: point %d first %d %d values", c.Point, c.First, len(c.Configs))
			return bad
		}
		dst := out.configs[c.Point][c.First*n : (c.First+c.Count(n))*n]
		for i, v := range dst {
			if v != 0 {
				bad = sdk.InvalidArgument("point %d: configuration %d emitted twice", c.Point, c.First+i/n)
				return bad
			}
		}
		copy(dst, c.Configs)
		out.attempts[c.Point] += c.Attempts
		out.accepted[c.Point] += c.Accepted
		out.chunks++
		return nil
	})
	if bad != nil {
		return nil, bad
	}
	return out, err
}

// series holds per-configuration observables of one point.
type series struct {
	e, m []float64 // energy and magnetisation per spin
}

func observe(t testing.TB, L int, T float64, configs []int8) series {
	t.Helper()
	obs, err := New().Observables(context.Background(), sdk.Params{"T": T}, L, configs)
	if err != nil {
		t.Fatal(err)
	}
	return series{e: obs["energy"], m: obs["magnetization"]}
}

// blockStats returns the mean of x and its standard error from nb blocks
// of consecutive values (binning analysis): the blocks must be much longer
// than the autocorrelation time.
func blockStats(x []float64, nb int) (mean, se float64) {
	means := blockMeans(x, nb)
	return meanSE(means)
}

func blockMeans(x []float64, nb int) []float64 {
	size := len(x) / nb
	means := make([]float64, nb)
	for b := range means {
		s := 0.0
		for _, v := range x[b*size : (b+1)*size] {
			s += v
		}
		means[b] = s / float64(size)
	}
	return means
}

func meanSE(x []float64) (mean, se float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(x)-1) / float64(len(x)))
}

// specificHeat returns C/N = N(⟨e²⟩ − ⟨e⟩²)/T² from per-spin energies e
// of an N-site lattice, with a jackknife error over nb blocks: the
// estimate is recomputed with each block left out, and
// se² = (nb−1)/nb Σ_b (C_b − C̄)².
func specificHeat(e []float64, N int, T float64, nb int) (c, se float64) {
	e2 := make([]float64, len(e))
	for i, v := range e {
		e2[i] = v * v
	}
	m1, m2 := blockMeans(e, nb), blockMeans(e2, nb)
	var s1, s2 float64
	for b := range m1 {
		s1 += m1[b]
		s2 += m2[b]
	}
	f := float64(N) / (T * T)
	k := float64(nb)
	c = f * (s2/k - (s1/k)*(s1/k))
	jk := make([]float64, nb)
	var jmean float64
	for b := range m1 {
		a1, a2 := (s1-m1[b])/(k-1), (s2-m2[b])/(k-1)
		jk[b] = f * (a2 - a1*a1)
		jmean += jk[b] / k
	}
	var ss float64
	for _, v := range jk {
		ss += (v - jmean) * (v - jmean)
	}
	return c, math.Sqrt((k - 1) / k * ss)
}

func absOf(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = math.Abs(v)
	}
	return y
}

func squareOf(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = v * v
	}
	return y
}
