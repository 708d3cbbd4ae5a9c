package kernels

import (
	"fmt"
	"testing"

	"github.com/rgml/rgml/plugins/internal/numpyref"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// BenchmarkGenericProducts times the products of the RBM's block-wise
// step (64 configurations, N_v = 100) on generic, on one goroutine: v·W,
// h·Wᵀ and vᵀh for N_h = 64 and 400, with gonum's Sger (ger, where gonum
// has its assembly) and with tileGo (scalar). Metric: GFLOP per second of
// the process's CPU time, which other processes' load lowers less than
// the wall clock's rate.
func BenchmarkGenericProducts(b *testing.B) {
	restore, err := Force("generic")
	if err != nil {
		b.Fatal(err)
	}
	defer restore()
	const mb, nv = 64, 100
	nvp := Pad16(nv)
	r := xrand.New(1)
	for _, impl := range []string{"ger", "scalar"} {
		genGer = impl == "ger" && gonumAsm
		for _, nh := range []int{64, 400} {
			v := randMat(r, mb, nvp, nv)
			h := randMat(r, mb, nh, nh)
			w := randMat(r, nv, nh, nh)
			wt := randMat(r, nh, nvp, nv)
			ch, cv, dw := make([]float32, mb*nh), make([]float32, mb*nvp), make([]float32, Pad4(nv)*nh)
			for _, s := range []struct {
				name string
				run  func()
			}{
				{"vW", func() { Gemm(mb, nh, nv, 1, v, nvp, w, nh, false, ch, nh) }},
				{"hWt", func() { Gemm(mb, nv, nh, 1, h, nh, wt, nvp, false, cv, nvp) }},
				{"vTh", func() { GemmTA(nv, nh, mb, 1, v, nvp, h, nh, true, dw, nh) }},
			} {
				b.Run(fmt.Sprintf("%s/Nh=%d/%s", impl, nh, s.name), func(b *testing.B) {
					t0 := numpyref.CPUNanos() / 1e9
					for b.Loop() {
						s.run()
					}
					b.ReportMetric(2*mb*nv*float64(nh)*float64(b.N)/(numpyref.CPUNanos()/1e9-t0)/1e9, "GFLOP/cpu-s")
				})
			}
		}
	}
	genGer = gonumAsm
}
