package kernels

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/rgml/rgml/plugins/internal/xrand"
)

// The row-wise passes give, bit for bit, what a call per row gives, on
// every implementation, for widths that take the AVX-512 path (multiples
// of 16, of 8) and widths that do not, with strides wider than the rows.
func TestRowsPassesMatchPerRow(t *testing.T) {
	eachImpl(t, func(t *testing.T) {
		r := xrand.New(5)
		for _, width := range []int{1, 7, 8, 16, 24, 100, 112, 400} {
			for _, rows := range []int{1, 3, 64} {
				t.Run(fmt.Sprintf("width=%d/rows=%d", width, rows), func(t *testing.T) {
					ldx, ldr := width+16, width+3
					x := randMat(r, rows, ldx, width)
					for i := range x {
						x[i] *= 4 // some saturate
					}
					ref := randMat(r, rows, ldr, width)
					b := randMat(r, 1, width, width)
					sum0 := randMat(r, 1, width, width)

					x1, sum1 := slices.Clone(x), slices.Clone(sum0)
					TanhBiasSumRows(x1, ldx, rows, width, b, sum1)
					x2, sum2 := slices.Clone(x), slices.Clone(sum0)
					for i := range rows {
						TanhBiasSum(x2[i*ldx:i*ldx+width], b, sum2)
					}
					same(t, "TanhBiasSumRows x", x1, x2)
					same(t, "TanhBiasSumRows sum", sum1, sum2)

					x1, sum1 = slices.Clone(x), slices.Clone(sum0)
					errs1 := make([]float32, rows)
					TanhBiasSumErrRows(x1, ldx, rows, width, b, sum1, ref, ldr, errs1)
					x2, sum2 = slices.Clone(x), slices.Clone(sum0)
					errs2 := make([]float32, rows)
					for i := range rows {
						errs2[i] = TanhBiasSumErr(x2[i*ldx:i*ldx+width], b, sum2, ref[i*ldr:i*ldr+width])
					}
					same(t, "TanhBiasSumErrRows x", x1, x2)
					same(t, "TanhBiasSumErrRows sum", sum1, sum2)
					same(t, "TanhBiasSumErrRows errs", errs1, errs2)
					if errs1[0] == 0 {
						t.Error("zero squared error: nothing compared")
					}
				})
			}
		}
	})
}

func same(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s[%d] = %v, a call per row gives %v", what, i, got[i], want[i])
		}
	}
}
