package rbm

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/sdk"
)

// BenchmarkEpochSpin1 times one full-batch mean-field CD-1 epoch of the
// spin-1 RBM beside the ±1 RBM's at the same sizes (N = 25 000, N_v =
// 100), alternating the two epoch by epoch so that both see the same load.
// Metrics: spin1-ns/epoch, ising-ns/epoch and ratio (spin-1 / ±1; the
// target is ≤ 1.5).
func BenchmarkEpochSpin1(b *testing.B) {
	ising := randomConfigs(benchN, benchNv, 1)
	spin1 := spin1Data(10, benchN, 1).Configs
	for _, nh := range []int{64, 400} {
		b.Run(fmt.Sprintf("Nh=%d", nh), func(b *testing.B) {
			e := newEngine(0)
			defer e.close()
			newT := func(visible int, configs []int8) *trainer {
				h, err := hyperOf(sdk.Params{ParamHidden: float64(nh), ParamVisible: float64(visible)})
				if err != nil {
					b.Fatal(err)
				}
				t, err := newTrainer(e, h, 1, configs, benchN, benchNv, false)
				if err != nil {
					b.Fatal(err)
				}
				t.init()
				return t
			}
			ts := [2]*trainer{newT(VisibleIsing, ising), newT(VisibleSpin1, spin1)}
			var spent [2]time.Duration
			ctx := context.Background()
			for i := 0; i < b.N; i++ {
				for k, t := range ts {
					t0 := time.Now()
					if _, err := t.epoch(ctx); err != nil {
						b.Fatal(err)
					}
					spent[k] += time.Since(t0)
				}
			}
			is, s1 := float64(spent[0].Nanoseconds())/float64(b.N), float64(spent[1].Nanoseconds())/float64(b.N)
			b.ReportMetric(is, "ising-ns/epoch")
			b.ReportMetric(s1, "spin1-ns/epoch")
			b.ReportMetric(s1/is, "ratio")
		})
	}
}
