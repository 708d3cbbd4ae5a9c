package rbm

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/kernels"
	"github.com/rgml/rgml/plugins/internal/linalg"
	"github.com/rgml/rgml/plugins/internal/numpyref"
)

// The paper's training set size: 25 temperatures × 1000 configurations of
// a 10×10 lattice.
const benchN, benchNv = 25000, 100

var benchHidden = []int{16, 36, 64, 100, 400}

// benchEngines are the engines of this build: package kernels'
// implementations this CPU runs and, in a build with OpenBLAS, blas32 on it.
func benchEngines() []string {
	names := kernels.Available()
	if linalg.Backend() == "openblas" {
		names = append(names, "openblas")
	}
	return names
}

// newBenchEngine returns an engine of the named implementation and a
// function restoring the previous one.
func newBenchEngine(b *testing.B, name string) (*engine, func()) {
	restore := func() {}
	if name != "openblas" {
		var err error
		if restore, err = kernels.Force(name); err != nil {
			b.Fatal(err)
		}
	}
	e := newEngine(0)
	e.blas = name == "openblas"
	return e, func() { e.close(); restore() }
}

// benchRound is about how long each side runs between two switches.
const benchRound = 200 * time.Millisecond

// BenchmarkEpoch is one epoch of the paper's training (mean-field CD-1,
// full batch) on N = 25 000 random configurations of N_v = 100 spins,
// beside the same epoch in numpy float32 (testdata/numpy_epoch.py, started
// once per N_h): rounds of about 200 ms of our epochs alternate with rounds
// of as many numpy epochs, so that both see the same load from other
// processes. Then the largest RBM epoch of the finite-size preset (L = 32:
// N_v = 1024, N_h = 655, N = 18 000 = 1000 configurations at each of its
// 18 temperatures, full batch), "Nv=1024/Nh=655", on the best kernel set
// only (generic takes tens of seconds an epoch). Metrics: ns/epoch,
// configs/s, numpy-ns/epoch and speedup (numpy's mean time / ours, > 1
// when faster than numpy), the fastest epoch of each, min-ns/epoch,
// numpy-min-ns/epoch and speedup-min, cpu-ns/epoch (the process's CPU
// time per epoch, user + system: all its threads, which other processes
// on the cores disturb less than wall time), and GFLOP/epoch, the
// arithmetic of the products (make bench's share of the peak).
func BenchmarkEpoch(b *testing.B) {
	configs := randomConfigs(benchN, benchNv, 1)
	for _, nh := range benchHidden {
		np := startNumpy(b, benchN, benchNv, nh)
		for _, eng := range benchEngines() {
			b.Run(fmt.Sprintf("Nh=%d/%s", nh, eng), func(b *testing.B) {
				benchEpoch(b, eng, benchN, benchNv, nh, configs, np)
			})
		}
		if np != nil {
			np.Close()
		}
	}
	const n, nv, nh = 18000, 1024, 655
	eng := kernels.Available()[len(kernels.Available())-1]
	np := startNumpy(b, n, nv, nh)
	b.Run(fmt.Sprintf("Nv=%d/Nh=%d/%s", nv, nh, eng), func(b *testing.B) {
		benchEpoch(b, eng, n, nv, nh, randomConfigs(n, nv, 1), np)
	})
	if np != nil {
		np.Close()
	}
}

// startNumpy starts the numpy reference epoch of the size given, or logs
// why not and returns nil.
func startNumpy(b *testing.B, n, nv, nh int) *numpyref.Server {
	np, err := numpyref.Start("testdata/numpy_epoch.py", "--serve", "--n", strconv.Itoa(n),
		"--nv", strconv.Itoa(nv), "--nh", strconv.Itoa(nh), "--warmup", "2")
	if err != nil {
		b.Logf("numpy reference skipped: %v", err)
		return nil
	}
	return np
}

func benchEpoch(b *testing.B, eng string, n, nv, nh int, configs []int8, np *numpyref.Server) {
	e, done := newBenchEngine(b, eng)
	defer done()
	h, err := hyperOf(sdk.Params{ParamHidden: float64(nh)})
	if err != nil {
		b.Fatal(err)
	}
	t, err := newTrainer(e, h, 1, configs, n, nv, false)
	if err != nil {
		b.Fatal(err)
	}
	t.init()
	ctx := context.Background()
	t0 := time.Now()
	if _, err := t.epoch(ctx); err != nil { // warm up (OpenBLAS threads, caches)
		b.Fatal(err)
	}
	round := max(1, int(benchRound/time.Since(t0)))
	if np != nil {
		np.Reset()
	}
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
		cpu -= numpyref.CPUNanos() - c0 // our process's CPU while numpy ran
		b.StartTimer()
	}
	b.ReportAllocs()
	b.ResetTimer()
	fastest, pending := time.Duration(math.MaxInt64), 0
	c0 := numpyref.CPUNanos()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := t.epoch(ctx); err != nil {
			b.Fatal(err)
		}
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
	b.ReportMetric(float64(n)/(ns*1e-9), "configs/s")
	b.ReportMetric(float64(fastest.Nanoseconds()), "min-ns/epoch")
	b.ReportMetric(cpu/float64(b.N), "cpu-ns/epoch")
	// The arithmetic of an epoch: CD-1's five products (v0·W, h1·Wᵀ,
	// v1·W, v0ᵀh1, v1ᵀh2), 2·N·N_v·N_h flops each.
	b.ReportMetric(10*float64(n)*float64(nv)*float64(nh)/1e9, "GFLOP/epoch")
	if np != nil && len(np.Times) > 0 {
		mean, best := np.Stats()
		b.ReportMetric(mean, "numpy-ns/epoch")
		b.ReportMetric(mean/ns, "speedup")
		b.ReportMetric(best, "numpy-min-ns/epoch")
		b.ReportMetric(best/float64(fastest.Nanoseconds()), "speedup-min")
	}
}

// BenchmarkFlow runs the flow of 1000 configurations for 1000 iterations
// with N_v = 100 and N_h = 16, 64 and 400, through Apply (seconds per
// flow). At small N_h drawing the ±1 units costs more than the products.
func BenchmarkFlow(b *testing.B) {
	const n = 1000
	for _, nh := range []int{16, 64, 400} {
		b.Run(fmt.Sprintf("Nh=%d", nh), func(b *testing.B) {
			w := randomWeights(benchNv, nh, 0.1, 1)
			req := sdk.ApplyRequest{Operation: OpFlow, Seed: 1, Size: 10, Weights: w,
				Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{n, benchNv}, Data: randomConfigs(n, benchNv, 2)},
					{Name: "iterations", Shape: []int{11}, Data: []int64{0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}}}}
			l := New()
			for b.Loop() {
				if _, err := l.Apply(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/flow")
		})
	}
}

// BenchmarkTrainMemory trains N_h = 400 on 25 000 configurations for a
// few epochs through Train, with checkpoints, and reports the memory the
// Go runtime obtained from the OS (MiB-sys, an upper bound of the heap
// part of the resident set) and the peak heap in use (MiB-heap, sampled).
func BenchmarkTrainMemory(b *testing.B) {
	ds := sdk.Dataset{Size: 10, Configs: randomConfigs(benchN, benchNv, 1)}
	req := sdk.TrainRequest{Hyper: sdk.Params{ParamHidden: 400, ParamEpochs: 6, ParamPLLEvery: 2}, Seed: 1, Train: ds, CheckpointEvery: 2}
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	l := New()
	for b.Loop() {
		if _, err := l.Train(context.Background(), req, nil); err != nil {
			b.Fatal(err)
		}
	}
	close(stop)
	<-done
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.Sys)/(1<<20), "MiB-sys")
	b.ReportMetric(float64(peak)/(1<<20), "MiB-heap")
}
