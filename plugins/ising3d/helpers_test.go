package ising3d

import (
	"context"
	"math"
	"sync"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// collect runs m.Sample and reassembles the chunks by point, failing the
// test if a configuration is missing, emitted twice or a chunk is
// malformed.
func collect(t testing.TB, m sdk.Model, req sdk.SampleRequest) [][]int8 {
	t.Helper()
	n := Sites(req.Size)
	configs := make([][]int8, len(req.Points))
	for p := range configs {
		configs[p] = make([]int8, req.PerPoint*n)
	}
	var mu sync.Mutex
	err := m.Sample(context.Background(), req, func(c sdk.SampleChunk) error {
		mu.Lock()
		defer mu.Unlock()
		if c.Point < 0 || c.Point >= len(req.Points) || len(c.Configs)%n != 0 || c.First < 0 || c.First+c.Count(n) > req.PerPoint {
			return sdk.InvalidArgument("malformed chunk: point %d first %d %d values", c.Point, c.First, len(c.Configs))
		}
		dst := configs[c.Point][c.First*n : (c.First+c.Count(n))*n]
		for i, v := range dst {
			if v != 0 {
				return sdk.InvalidArgument("point %d: configuration %d emitted twice", c.Point, c.First+i/n)
			}
		}
		copy(dst, c.Configs)
		return nil
	})
	if err != nil {
		t.Fatalf("Sample: %v", err)
	}
	for p, cfg := range configs {
		for i := 0; i < req.PerPoint; i++ {
			if cfg[i*n] == 0 {
				t.Fatalf("point %d: configuration %d never emitted", p, i)
			}
		}
	}
	return configs
}

func points(temps []float64) []sdk.Params {
	p := make([]sdk.Params, len(temps))
	for i, T := range temps {
		p[i] = sdk.Params{"T": T}
	}
	return p
}

// blockStats returns the mean of x and its standard error from nb blocks
// of consecutive values (binning): the blocks must be much longer than the
// autocorrelation time.
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
