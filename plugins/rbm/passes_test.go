package rbm

import (
	"math"
	"testing"

	"github.com/rgml/rgml/plugins/internal/xrand"
)

// reduce gives the bits of summing each column's blocks in block order
// from 0, a column at a time.
func TestReduceSameBits(t *testing.T) {
	r := xrand.New(8)
	for _, sz := range [][2]int{{1, 1}, {64, 16}, {65, 7}, {25000, 400}} {
		rows, width := sz[0], sz[1]
		nb := blocks(rows)
		part := make([]float32, nb*width)
		for i := range part {
			part[i] = float32(r.Normal() * math.Exp(8*r.Float64()))
		}
		out := make([]float64, width)
		reduce(out, part, rows, width)
		for c := range out {
			s := 0.0
			for b := 0; b < nb; b++ {
				s += float64(part[b*width+c])
			}
			if math.Float64bits(out[c]) != math.Float64bits(s) {
				t.Fatalf("%v: column %d = %v, want %v", sz, c, out[c], s)
			}
		}
	}
}
