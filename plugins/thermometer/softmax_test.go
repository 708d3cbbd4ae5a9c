package thermometer

import (
	"math"
	"slices"
	"testing"

	"github.com/rgml/rgml/plugins/internal/kernels"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// softmaxDeltaRows is softmaxDelta row by row, as it was written before
// it took four rows at a time: the reference its bits must match.
func softmaxDeltaRows(us []float32, ld, k int, bp []float32, y, arg []int32, gb []float32) (loss float64, correct int) {
	softmaxExp(us, ld, bp, arg)
	gb = gb[:k]
	for r, t := range y {
		row := us[r*ld : r*ld+k : r*ld+k]
		inv := 1 / sum32(row)
		for j, v := range row {
			v = float32(v * inv)
			row[j] = v
			gb[j] += v
		}
		loss -= math.Log(float64(row[t]))
		if arg[r] == t {
			correct++
		}
		row[t]--
		gb[t]--
	}
	return loss, correct
}

// softmaxCase returns logits of m rows of k classes (stride Pad16(k)),
// biases with −∞ padding, classes y and a gradient row gb; spread scales
// the logits (large: probabilities that underflow to 0).
func softmaxCase(r *xrand.RNG, m, k int, spread float64) (us, bp []float32, y []int32, gb []float32) {
	ld := kernels.Pad16(k)
	us = make([]float32, kernels.Pad4(m)*ld)
	for i := 0; i < m; i++ {
		for j := 0; j < k; j++ {
			us[i*ld+j] = float32(spread * r.Normal())
		}
	}
	bp = make([]float32, ld)
	for j := range bp {
		if j < k {
			bp[j] = float32(r.Normal())
		} else {
			bp[j] = float32(math.Inf(-1))
		}
	}
	y = make([]int32, m)
	for i := range y {
		y[i] = int32(r.Uint64() % uint64(k))
	}
	gb = make([]float32, k)
	for j := range gb {
		gb[j] = float32(r.Normal())
	}
	return us, bp, y, gb
}

// softmaxDelta gives the bits of the row-by-row reference: Δ3, gb, the
// loss (+Inf where a probability underflows) and the count, for any
// number of rows and classes, on every kernels implementation.
func TestSoftmaxDeltaSameBits(t *testing.T) {
	for _, name := range kernels.Available() {
		restore, err := kernels.Force(name)
		if err != nil {
			t.Fatal(err)
		}
		r := xrand.New(3)
		for _, m := range []int{1, 3, 4, 7, 9, 256} {
			for _, k := range []int{1, 2, 16, 25, 33} {
				for _, spread := range []float64{1, 40} {
					us, bp, y, gb := softmaxCase(r, m, k, spread)
					us2, gb2 := slices.Clone(us), slices.Clone(gb)
					arg, arg2 := make([]int32, m), make([]int32, m)
					ld := kernels.Pad16(k)
					loss, correct := softmaxDelta(us, ld, k, bp, y, arg, gb)
					loss2, correct2 := softmaxDeltaRows(us2, ld, k, bp, y, arg2, gb2)
					if math.Float64bits(loss) != math.Float64bits(loss2) || correct != correct2 {
						t.Fatalf("%s m=%d k=%d spread %g: loss %v, %d correct; row by row %v, %d", name, m, k, spread, loss, correct, loss2, correct2)
					}
					if !slices.Equal(bits(us), bits(us2)) || !slices.Equal(bits(gb), bits(gb2)) {
						t.Fatalf("%s m=%d k=%d spread %g: Δ3 or gb differ from row by row", name, m, k, spread)
					}
				}
			}
		}
		restore()
	}
}

func bits(x []float32) []uint32 {
	b := make([]uint32, len(x))
	for i, v := range x {
		b[i] = math.Float32bits(v)
	}
	return b
}

// BenchmarkSoftmaxDelta times softmaxDelta on one chunk of the paper's
// thermometer (chunkRows rows, 25 classes), beside the row-by-row
// reference: metric ns/row.
func BenchmarkSoftmaxDelta(b *testing.B) {
	r := xrand.New(1)
	us, bp, y, gb := softmaxCase(r, chunkRows, benchClasses, 1)
	ld := kernels.Pad16(benchClasses)
	arg := make([]int32, chunkRows)
	work := make([]float32, len(us))
	for _, f := range []struct {
		name string
		fn   func([]float32, int, int, []float32, []int32, []int32, []float32) (float64, int)
	}{{"fourRows", softmaxDelta}, {"rowByRow", softmaxDeltaRows}} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				copy(work, us)
				f.fn(work, ld, benchClasses, bp, y, arg, gb)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/chunkRows, "ns/row")
		})
	}
}
