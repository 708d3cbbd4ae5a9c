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
// min-ns/epoch, numpy-min-ns/epoch and x-numpy-min. Run the OpenBLAS build
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
			numpyRound := func(k int) {
				if np == nil || k == 0 {
					return
				}
				b.StopTimer()
				if err := np.Epochs(k); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			if np != nil {
				np.Reset()
			}
			fastest, pending := time.Duration(math.MaxInt64), 0
			b.ResetTimer()
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
			b.StopTimer()
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(ns, "ns/epoch")
			b.ReportMetric(float64(fastest.Nanoseconds()), "min-ns/epoch")
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
