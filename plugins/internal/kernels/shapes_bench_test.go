package kernels

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/rgml/rgml/plugins/internal/xrand"
	"golang.org/x/sys/unix"
)

// threadCPU returns the CPU time of the calling thread, in seconds.
func threadCPU() float64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return float64(ts.Nano()) / 1e9
}

// BenchmarkShapes times, on one locked thread and by its CPU time, the
// products of one 64-row block of the RBM's fused step (up: v·W, down:
// h·Wᵀ, grad: vᵀh added to C) at the paper's sizes and at the L = 32
// lattice's (N_v = 1024, N_h = 655), with the trainer's row strides, on
// the best kernels, alternating with the peak loop (PeakGFLOPS's) on the
// same thread: metrics GFLOP/cpu-s (the product's flops, padding not
// counted), peak-GFLOP/cpu-s and of-peak. CPU time, not wall time: other
// processes on the cores slow it less.
func BenchmarkShapes(b *testing.B) {
	loop, turnFlops := peakLoop()
	if loop == nil {
		b.Skip("no assembly kernels")
	}
	for _, sz := range [][2]int{{100, 16}, {100, 64}, {100, 100}, {100, 400}, {1024, 655}} {
		nv, nh := sz[0], sz[1]
		nvp, nhp := RowStride(nv), RowStride(nh)
		r := xrand.New(1)
		fl := 2.0 * blockRows * float64(nv) * float64(nh)
		up, down, grad := blockProducts(r, nv, nh, nvp, nhp)
		for _, s := range []struct {
			name string
			run  func()
		}{{"up", up}, {"down", down}, {"grad", grad}} {
			b.Run(fmt.Sprintf("Nv=%d/Nh=%d/%s", nv, nh, s.name), func(b *testing.B) {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				reps := max(1, int(5e9/fl))
				var cpu, pcpu float64
				var pfl float64
				for b.Loop() {
					t0 := threadCPU()
					for range reps {
						s.run()
					}
					cpu += threadCPU() - t0
					t0 = threadCPU()
					loop(peakTurns * 8)
					pcpu += threadCPU() - t0
					pfl += peakTurns * 8 * turnFlops
				}
				g := fl * float64(reps) * float64(b.N) / cpu / 1e9
				p := pfl / pcpu / 1e9
				b.ReportMetric(g, "GFLOP/cpu-s")
				b.ReportMetric(p, "peak-GFLOP/cpu-s")
				b.ReportMetric(g/p, "of-peak")
			})
		}
	}
}

// blockRows is the rows of a block of the RBM's fused step.
const blockRows = 64

// blockProducts returns the products of one block of the RBM's fused step
// on random matrices: v·W, h·Wᵀ and vᵀh added to C, with rows of nv
// values at stride ldv and of nh values at stride ldh.
func blockProducts(r *xrand.RNG, nv, nh, ldv, ldh int) (up, down, grad func()) {
	const mb = blockRows
	v := randMat(r, mb, ldv, nv)
	h := randMat(r, mb, ldh, nh)
	w := randMat(r, nv, ldh, nh)
	wt := randMat(r, nh, ldv, nv)
	ch, cv, dw := make([]float32, mb*ldh), make([]float32, mb*ldv), make([]float32, Pad4(nv)*ldh)
	up = func() { Gemm(mb, nh, nv, 1, v, ldv, w, ldh, false, ch, ldh) }
	down = func() { Gemm(mb, nv, nh, 1, h, ldh, wt, ldv, false, cv, ldv) }
	grad = func() { GemmTA(nv, nh, mb, 1, v, ldv, h, ldh, true, dw, ldh) }
	return up, down, grad
}
