package blumecapel

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/ising"
)

// sink keeps benchmark results alive.
var sink int64

// BenchmarkMetropolisAttempt runs the Blume-Capel kernel beside the Ising
// kernel (plugins/ising) at L = 10 on one core, interleaved in the same
// loop so both see the same machine load, and reports ns/attempt of each
// and their ratio (the target is ≤ 1.5). Points: the Ising kernel at
// T_c = 2.269; Blume-Capel at T = 1.0, Δ = 0 and near the tricritical point
// (T = 0.61, Δ = 1.96).
func BenchmarkMetropolisAttempt(b *testing.B) {
	const L, per = 10, 1 << 16
	for _, c := range []Couplings{{T: 1.0, Delta: 0, J: 1}, {T: 0.61, Delta: 1.96, J: 1}} {
		b.Run(fmt.Sprintf("T=%g/Delta=%g", c.T, c.Delta), func(b *testing.B) {
			bc := NewChain(L, c, 1)
			bc.Randomize()
			bc.MetropolisAttempts(100 * L * L)
			is := ising.NewChain(L, 2.269, 1)
			is.Randomize()
			is.MetropolisAttempts(100 * L * L)
			var tb, ti time.Duration
			for b.Loop() {
				t0 := time.Now()
				sink += bc.MetropolisAttempts(per)
				t1 := time.Now()
				sink += is.MetropolisAttempts(per)
				ti += time.Since(t1)
				tb += t1.Sub(t0)
			}
			n := float64(int64(b.N) * per)
			b.ReportMetric(float64(tb.Nanoseconds())/n, "ns/attempt")
			b.ReportMetric(float64(ti.Nanoseconds())/n, "ising-ns/attempt")
			b.ReportMetric(float64(tb)/float64(ti), "ratio")
		})
	}
}

// BenchmarkPaperGrid is the grid through Sample on all cores: 25
// points (T = 0.5, 1, …, 2.5 × Δ = 0, 0.5, …, 2), 1000 configurations each,
// L = 10, paper protocol (100·L² attempts per configuration).
func BenchmarkPaperGrid(b *testing.B) {
	var pts []sdk.Params
	for i := 1; i <= 5; i++ {
		for j := 0; j < 5; j++ {
			pts = append(pts, sdk.Params{"T": 0.5 * float64(i), "Delta": 0.5 * float64(j)})
		}
	}
	req := sdk.SampleRequest{Points: pts, Size: 10, PerPoint: 1000, Seed: 1}
	m := New()
	for b.Loop() {
		if err := m.Sample(context.Background(), req, func(sdk.SampleChunk) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/grid")
}

// BenchmarkHybrid is one hybrid sweep (L² Metropolis attempts plus n_c
// clusters) near the second-order line (Δ = 0, T_c ≈ 1.69), per site.
func BenchmarkHybrid(b *testing.B) {
	for _, L := range []int{16, 64} {
		b.Run(fmt.Sprintf("L=%d", L), func(b *testing.B) {
			req := sdk.SampleRequest{Points: []sdk.Params{{"T": 1.69}}, Size: L, PerPoint: 8, Algorithm: AlgorithmHybrid,
				Sweeps: 10, Thermalization: 20, Seed: 1}
			m := NewWithOptions(Options{Workers: 1})
			for b.Loop() {
				if err := m.Sample(context.Background(), req, func(sdk.SampleChunk) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*int64(L*L)*(8*10+8*20)), "ns/site-sweep")
		})
	}
}
