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
	const nv = 100
	nvp := Pad16(nv)
	r := xrand.New(1)
	for _, impl := range []string{"ger", "scalar"} {
		genGer = impl == "ger" && gonumAsm
		for _, nh := range []int{64, 400} {
			vW, hWt, vTh := blockProducts(r, nv, nh, nvp, nh)
			for _, s := range []struct {
				name string
				run  func()
			}{{"vW", vW}, {"hWt", hWt}, {"vTh", vTh}} {
				b.Run(fmt.Sprintf("%s/Nh=%d/%s", impl, nh, s.name), func(b *testing.B) {
					t0 := numpyref.CPUNanos()
					for b.Loop() {
						s.run()
					}
					// flops per CPU-nanosecond: GFLOP per CPU-second.
					b.ReportMetric(2*blockRows*nv*float64(nh)*float64(b.N)/(numpyref.CPUNanos()-t0), "GFLOP/cpu-s")
				})
			}
		}
	}
	genGer = gonumAsm
}
