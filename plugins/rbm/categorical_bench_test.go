package rbm

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/sdk"
)

// BenchmarkEpochCategorical times one full-batch mean-field CD-1 epoch of
// the categorical RBM at q = 3 beside the ±1 RBM's at the same sizes (N =
// 25 000, N_v = 100), alternating the two epoch by epoch so that both see
// the same load. Metrics: categorical-ns/epoch, ising-ns/epoch and ratio
// (categorical / ±1; the target is ≤ 3).
func BenchmarkEpochCategorical(b *testing.B) {
	ising := randomConfigs(benchN, benchNv, 1)
	potts := pottsData(10, benchN, []int8{0, 1, 2}, 1)
	for _, nh := range []int{64, 400} {
		b.Run(fmt.Sprintf("Nh=%d", nh), func(b *testing.B) {
			e := newEngine(0)
			defer e.close()
			newT := func(ds sdk.Dataset) *trainer {
				h, err := hyperOf(sdk.Params{ParamHidden: float64(nh)})
				if err != nil {
					b.Fatal(err)
				}
				h.states = ds.StateSpace
				t, err := newTrainer(e, h, 1, ds.Configs, benchN, benchNv, false)
				if err != nil {
					b.Fatal(err)
				}
				t.init()
				return t
			}
			ts := [2]*trainer{newT(sdk.Dataset{Configs: ising}), newT(potts)}
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
			is, ct := float64(spent[0].Nanoseconds())/float64(b.N), float64(spent[1].Nanoseconds())/float64(b.N)
			b.ReportMetric(is, "ising-ns/epoch")
			b.ReportMetric(ct, "categorical-ns/epoch")
			b.ReportMetric(ct/is, "ratio")
		})
	}
}
