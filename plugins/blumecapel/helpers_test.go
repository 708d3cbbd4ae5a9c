package blumecapel

import (
	"context"
	"math"
	"sync"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// sample runs m.Sample and reassembles the configurations of each point in
// index order, failing on malformed, duplicated or missing chunks.
func sample(t testing.TB, m sdk.Model, req sdk.SampleRequest) [][]int8 {
	t.Helper()
	n := req.Size * req.Size
	out := make([][]int8, len(req.Points))
	seen := make([][]bool, len(req.Points))
	for p := range out {
		out[p] = make([]int8, req.PerPoint*n)
		seen[p] = make([]bool, req.PerPoint)
	}
	var mu sync.Mutex
	err := m.Sample(context.Background(), req, func(c sdk.SampleChunk) error {
		mu.Lock()
		defer mu.Unlock()
		k := c.Count(n)
		if c.Point < 0 || c.Point >= len(req.Points) || len(c.Configs)%n != 0 || c.First < 0 || c.First+k > req.PerPoint {
			return sdk.InvalidArgument("malformed chunk: point %d first %d, %d values", c.Point, c.First, len(c.Configs))
		}
		for i := c.First; i < c.First+k; i++ {
			if seen[c.Point][i] {
				return sdk.InvalidArgument("point %d: configuration %d emitted twice", c.Point, i)
			}
			seen[c.Point][i] = true
		}
		copy(out[c.Point][c.First*n:], c.Configs)
		return nil
	})
	if err != nil {
		t.Fatalf("Sample: %v", err)
	}
	for p := range seen {
		for i, ok := range seen[p] {
			if !ok {
				t.Fatalf("point %d: configuration %d never emitted", p, i)
			}
		}
	}
	return out
}

// series are per-configuration observables of one point.
type series struct {
	e, m, s2 []float64
}

func observe(t testing.TB, L int, pt sdk.Params, configs []int8) series {
	t.Helper()
	obs, err := New().Observables(context.Background(), pt, L, configs)
	if err != nil {
		t.Fatal(err)
	}
	return series{e: obs["energy"], m: obs["magnetization"], s2: obs["density"]}
}

// blockStats returns the mean of x and its standard error from nb blocks of
// consecutive values (binning: blocks much longer than the autocorrelation
// time).
func blockStats(x []float64, nb int) (mean, se float64) {
	size := len(x) / nb
	means := make([]float64, nb)
	for b := range means {
		s := 0.0
		for _, v := range x[b*size : (b+1)*size] {
			s += v
		}
		means[b] = s / float64(size)
		mean += means[b]
	}
	mean /= float64(nb)
	var ss float64
	for _, v := range means {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(nb-1) / float64(nb))
}

func mapped(x []float64, f func(float64) float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = f(v)
	}
	return y
}
