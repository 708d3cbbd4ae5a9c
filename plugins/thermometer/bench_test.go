package thermometer

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/kernels"
	"github.com/rgml/rgml/plugins/internal/linalg"
	"github.com/rgml/rgml/plugins/internal/numpyref"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// The paper's problem size: 25 000 configurations of 10×10, 64 hidden
// units, 25 temperatures.
const benchN, benchSites, benchHidden, benchClasses = 25000, 100, 64, 25

// randomData returns n random ±1 configurations of the given number of
// sites and random class indices.
func randomData(n, sites, classes int, seed uint64) ([]int8, []int32) {
	r := xrand.New(seed)
	c := make([]int8, n*sites)
	for i := range c {
		c[i] = int8(1 - 2*int(r.Uint64()>>63))
	}
	y := make([]int32, n)
	for i := range y {
		y[i] = int32(r.Below(classes))
	}
	return c, y
}

// BenchmarkEpoch times one full-batch training epoch (forward pass, loss,
// accuracy, back-propagation and update) at the paper's size, on every
// implementation of the kernels this CPU runs (and OpenBLAS in a build
// with it), beside the same epoch in float32 numpy
// (testdata/numpy_epoch.py --serve, with the OpenBLAS Debian's numpy links
// to): rounds of about 200 ms of our epochs alternate with rounds of as
// many numpy epochs, so that both see the same load from other processes.
// Metrics: ns/epoch, numpy-ns/epoch and x-numpy (numpy's mean time over
// ours, above 1 when faster than numpy), and the fastest epoch of each,
// min-ns/epoch, numpy-min-ns/epoch and x-numpy-min, cpu-ns/epoch (the
// process's CPU time per epoch, user + system, numpy's rounds left out),
// and GFLOP/epoch, the arithmetic of its products. Run the OpenBLAS build
// with OPENBLAS_CORETYPE set (SKYLAKEX on AVX-512 CPUs, HASWELL on AVX2),
// as the rgml host does for its plugins; the numpy script gets it
// automatically.
func BenchmarkEpoch(b *testing.B) {
	if linalg.Backend() == "openblas" && os.Getenv("OPENBLAS_CORETYPE") == "" {
		b.Logf("OPENBLAS_CORETYPE is not set: Debian's OpenBLAS may pick slow generic kernels (set it to %q)", sdk.OpenBLASCoreType())
	}
	np, err := numpyref.Start(filepath.Join("testdata", "numpy_epoch.py"), strconv.Itoa(benchN), strconv.Itoa(benchSites),
		strconv.Itoa(benchHidden), strconv.Itoa(benchClasses), "0", "--serve")
	if err != nil {
		b.Logf("numpy reference skipped: %v", err)
	} else {
		defer np.Close()
	}
	configs, y := randomData(benchN, benchSites, benchClasses, 1)
	impls := kernels.Available()
	if linalg.Backend() == "openblas" {
		impls = append(impls, "openblas")
	}
	for _, impl := range impls {
		b.Run(impl, func(b *testing.B) {
			if impl != "openblas" {
				restore, err := kernels.Force(impl)
				if err != nil {
					b.Fatal(err)
				}
				defer restore()
			}
			nt := newNet(benchSites, benchHidden, benchClasses)
			nt.init(xrand.New(1))
			p := newPool(0)
			defer p.close()
			tr := &trainer{h: hyper{hidden: benchHidden, epochs: 1, lr: 0.1, testEvery: 1}, net: nt,
				x: toX(configs, benchSites), y: y, n: benchN, eng: newEngine(nt, benchN, 0, p)}
			tr.eng.blas = impl == "openblas"
			t0 := time.Now()
			tr.epoch()
			round := max(1, int(200*time.Millisecond/time.Since(t0)))
			cpu := 0.0
			numpyRound := func(k int) {
				if np == nil || k == 0 {
					return
				}
				b.StopTimer()
				c0 := numpyref.CPUNanos()
				if err := np.Epochs(k); err != nil {
					b.Fatal(err)
				}
				cpu -= numpyref.CPUNanos() - c0
				b.StartTimer()
			}
			if np != nil {
				np.Reset()
			}
			fastest, pending := time.Duration(math.MaxInt64), 0
			b.ResetTimer()
			c0 := numpyref.CPUNanos()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				tr.epoch()
				fastest = min(fastest, time.Since(t0))
				if pending++; pending == round {
					numpyRound(pending)
					pending = 0
				}
			}
			numpyRound(pending)
			cpu += numpyref.CPUNanos() - c0
			b.StopTimer()
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(ns, "ns/epoch")
			b.ReportMetric(cpu/float64(b.N), "cpu-ns/epoch")
			b.ReportMetric(float64(fastest.Nanoseconds()), "min-ns/epoch")
			// The five products of an epoch: X·W1 and Xᵀ·Δ2 (sites ×
			// hidden), Z2·W2, Δ3·W2ᵀ and Δ3ᵀ·Z2 (hidden × classes).
			b.ReportMetric(2*benchN*(2*benchSites*benchHidden+3*benchHidden*benchClasses)/1e9, "GFLOP/epoch")
			if np != nil && len(np.Times) > 0 {
				mean, least := np.Stats()
				b.ReportMetric(mean, "numpy-ns/epoch")
				b.ReportMetric(mean/ns, "x-numpy")
				b.ReportMetric(least, "numpy-min-ns/epoch")
				b.ReportMetric(least/float64(fastest.Nanoseconds()), "x-numpy-min")
			}
		})
	}
}

// BenchmarkPredict times the predict operation (in process, without the
// gRPC transport) on 25 000 configurations with the paper's network.
func BenchmarkPredict(b *testing.B) {
	configs, _ := randomData(benchN, benchSites, benchClasses, 2)
	nt := newNet(benchSites, benchHidden, benchClasses)
	nt.init(xrand.New(1))
	classes := make([]float64, benchClasses)
	for i := range classes {
		classes[i] = 0.25 * float64(i)
	}
	req := sdk.ApplyRequest{Operation: OpPredict, Weights: weights(nt, classes, true),
		Inputs: []sdk.Tensor{{Name: TensorConfigs, Shape: []int{benchN, benchSites}, Data: configs}}}
	th := NewWithOptions(Options{})
	ctx := context.Background()
	for b.Loop() {
		if _, err := th.Apply(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchN, "ns/config")
}

// BenchmarkChunkProducts times the five products of one chunk of an
// epoch at the paper's size (chunkRows configurations, 100 sites, 64
// hidden units, 25 classes) on one goroutine, on every kernels
// implementation this CPU runs and on OpenBLAS in a build with it: the
// per-shape measurement behind Backend's choice. Metric: GFLOP/s.
func BenchmarkChunkProducts(b *testing.B) {
	const m, s, h, c = chunkRows, benchSites, benchHidden, benchClasses
	hp, cp, xs := kernels.Pad16(h), kernels.Pad16(c), kernels.Pad4(s)
	r := xrand.New(1)
	mat := func(rows, ld, cols int) []float32 {
		x := make([]float32, rows*ld)
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				x[i*ld+j] = float32(r.Normal())
			}
		}
		return x
	}
	x, w1, z2, w2, d3, w2t := mat(m, xs, s), mat(s, hp, h), mat(m, hp, h), mat(h, cp, c), mat(m, cp, c), mat(c, hp, h)
	out := make([]float32, kernels.Pad4(max(m, s))*max(hp, cp))
	type product struct {
		name     string
		transA   bool
		m, n, k  int
		a        []float32
		lda      int
		bm       []float32
		ldb, ldc int
	}
	products := []product{
		{"XW1", false, m, h, s, x, xs, w1, hp, hp},
		{"Z2W2", false, m, c, h, z2, hp, w2, cp, cp},
		{"D3W2t", false, m, h, c, d3, cp, w2t, hp, hp},
		{"D3tZ2", true, c, h, m, d3, cp, z2, hp, hp},
		{"XtD2", true, s, h, m, x, xs, z2, hp, hp},
	}
	impls := kernels.Available()
	if linalg.Backend() == "openblas" {
		impls = append(impls, "openblas")
	}
	initBLAS()
	for _, p := range products {
		for _, impl := range impls {
			b.Run(p.name+"/"+impl, func(b *testing.B) {
				e := &engine{blas: impl == "openblas"}
				if impl != "openblas" {
					restore, err := kernels.Force(impl)
					if err != nil {
						b.Fatal(err)
					}
					defer restore()
				}
				for b.Loop() {
					e.gemm(p.transA, p.m, p.n, p.k, 1, p.a, p.lda, p.bm, p.ldb, false, out, p.ldc)
				}
				b.ReportMetric(2*float64(p.m*p.n*p.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
