package rbm

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/numpyref"
)

// BenchmarkEpochCategorical times one full-batch mean-field CD-1 epoch of
// the categorical RBM at q = 3 beside the ±1 RBM's at the same sizes (N =
// 25 000, N_v = 100), alternating the two epoch by epoch so that both see
// the same load. Metrics: the median categorical-ns/epoch and
// ising-ns/epoch, and their ratio (categorical / ±1; the target is ≤ 3);
// cpu-ratio is the ratio of the median CPU times the process spent on an
// epoch (all threads), which waiting for a core shared with others does
// not inflate.
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
			var spent, cpu [2][]float64
			ctx := context.Background()
			for i := 0; i < b.N; i++ {
				for k, t := range ts {
					c0, t0 := numpyref.CPUNanos(), time.Now()
					if _, err := t.epoch(ctx); err != nil {
						b.Fatal(err)
					}
					spent[k] = append(spent[k], float64(time.Since(t0).Nanoseconds()))
					cpu[k] = append(cpu[k], numpyref.CPUNanos()-c0)
				}
			}
			// Medians: on a shared machine a few epochs are slowed by
			// others' work, which the mean would pass on to the ratio.
			is, ct := median(spent[0]), median(spent[1])
			b.ReportMetric(is, "ising-ns/epoch")
			b.ReportMetric(ct, "categorical-ns/epoch")
			b.ReportMetric(ct/is, "ratio")
			b.ReportMetric(median(cpu[1])/median(cpu[0]), "cpu-ratio")
		})
	}
}

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
