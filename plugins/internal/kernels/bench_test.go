package kernels

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/rgml/rgml/plugins/internal/xrand"
)

// BenchmarkPeak measures the float32 peak of the cores GOMAXPROCS allows
// (PeakGFLOPS): metric GFLOP/s.
func BenchmarkPeak(b *testing.B) {
	if best() == generic {
		b.Skip("no assembly kernels")
	}
	var g float64
	for b.Loop() {
		g = PeakGFLOPS(runtime.GOMAXPROCS(0), 200*time.Millisecond)
	}
	b.ReportMetric(g, "GFLOP/s")
}

// BenchmarkGemm runs the products of an RBM epoch at the paper's size
// (N = 25 000, N_v = 100, N_h = 400: v·W, h·Wᵀ and vᵀh) on every
// implementation, split over GOMAXPROCS goroutines, alternating with
// rounds of the float32 peak loop (PeakGFLOPS) of the same length, so
// that both see the same load from other processes; the fastest round of
// each counts. Metrics: GFLOP/s, peak-GFLOP/s, and of-peak, their ratio.
func BenchmarkGemm(b *testing.B) {
	const n, nv, nh = 25000, 100, 400
	r := xrand.New(1)
	v := randMat(r, n, Pad16(nv), nv)
	h := randMat(r, n, nh, nh)
	w := randMat(r, nv, nh, nh)
	wt := randMat(r, nh, Pad16(nv), nv)
	c := make([]float32, n*nh)
	cv := make([]float32, n*Pad16(nv))
	threads := runtime.GOMAXPROCS(0)
	partials := make([][]float32, threads)
	for i := range partials {
		partials[i] = make([]float32, Pad4(nv)*nh)
	}
	shapes := []struct {
		name  string
		flops float64
		run   func(part, parts int)
	}{
		{"vW", 2 * n * nv * nh, func(p, ps int) {
			Rows(n/4*p/ps, n/4*(p+1)/ps, nh, nv, 1, v, Pad16(nv), w, nh, false, c, nh)
		}},
		{"hWt", float64(2 * n * Pad16(nv) * nh), func(p, ps int) {
			Rows(n/4*p/ps, n/4*(p+1)/ps, Pad16(nv), nh, 1, h, nh, wt, Pad16(nv), false, cv, Pad16(nv))
		}},
		{"vTh", 2 * n * nv * nh, func(p, ps int) {
			k0, k1 := n*p/ps, n*(p+1)/ps
			GemmTA(nv, nh, k1-k0, 1, v[k0*Pad16(nv):], Pad16(nv), h[k0*nh:], nh, false, partials[p], nh)
		}},
	}
	for _, name := range Available() {
		if name == "generic" {
			continue // seconds per product
		}
		for _, s := range shapes {
			b.Run(fmt.Sprintf("%s/%s", s.name, name), func(b *testing.B) {
				restore, err := Force(name)
				if err != nil {
					b.Fatal(err)
				}
				defer restore()
				loop, flops := peakLoop()
				fastest, peak := time.Duration(1<<62), 0.0
				for b.Loop() {
					t0 := time.Now()
					var wg sync.WaitGroup
					for p := range threads {
						wg.Add(1)
						go func() { defer wg.Done(); s.run(p, threads) }()
					}
					wg.Wait()
					d := time.Since(t0)
					fastest = min(fastest, d)
					b.StopTimer()
					for t1 := time.Now(); time.Since(t1) < d; {
						peak = max(peak, peakRound(loop, flops, threads))
					}
					b.StartTimer()
				}
				g := s.flops / fastest.Seconds() / 1e9
				b.ReportMetric(g, "GFLOP/s")
				b.ReportMetric(peak, "peak-GFLOP/s")
				b.ReportMetric(g/peak, "of-peak")
			})
		}
	}
}
