package kernels

import (
	"fmt"
	"math"
	"testing"

	"github.com/rgml/rgml/plugins/internal/xrand"
)

// signsWant is Signs' definition in float64: +1 when u < ⌊2^23·fl32(1 + m)⌋.
func signsWant(u uint32, m float32) float32 {
	if float64(u) < math.Floor(float64(m+1)*0x1p23) {
		return 1
	}
	return -1
}

// TestSigns: every implementation the CPU (or the emulator) runs draws
// each unit as Signs' definition says, with u_{2j} = r[j] >> 40 and
// u_{2j+1} = bits 16–39 of r[j], at odd sizes and at the edges: means ±1
// and 0, and uniforms one below, at and one above the threshold. Swapped
// halves, a bit off in a shift or a comparison the wrong way fails.
func TestSigns(t *testing.T) {
	eachImpl(t, func(t *testing.T) {
		for _, n := range []int{1, 2, 7, 8, 15, 16, 17, 24, 33, 100, 1025} {
			checkSigns(t, n, xrand.New(uint64(n)))
		}
	})
}

func checkSigns(t *testing.T, n int, rng *xrand.RNG) {
	x := make([]float32, n)
	us := make([]uint32, n+1)
	for i := range x {
		k := uint32(rng.Below(1<<24 + 1)) // the threshold 2^23·(1 + m), exact
		switch i % 6 {
		case 0:
			x[i] = float32(rng.Float64()*2 - 1)
			us[i] = uint32(rng.Below(1 << 24))
			continue
		case 1:
			k = 0
		case 2:
			k = 1 << 24
		case 3:
			k = 1 << 23
		}
		x[i] = float32(k)/0x1p23 - 1
		us[i] = min(uint32(max(int(k)+i%3-1, 0)), 1<<24-1)
	}
	r := make([]uint64, (n+1)/2)
	for j := range r {
		r[j] = uint64(us[2*j])<<40 | uint64(us[2*j+1])<<16 | rng.Uint64()&0xffff
	}
	want := make([]float32, n)
	for i := range x {
		want[i] = signsWant(us[i], x[i])
	}
	in := fmt.Sprint(x)
	Signs(x, r)
	for i := range x {
		if math.Float32bits(x[i]) != math.Float32bits(want[i]) {
			t.Fatalf("n = %d, unit %d (u = %d, means %s): %v, want %v", n, i, us[i], in, x[i], want[i])
		}
	}
}
