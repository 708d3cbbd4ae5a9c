package kernels

import "math"

// Signs draws ±1 units from their means: it sets each x[i] ∈ [−1, 1] to
// +1 when the 24-bit uniform u_i is below ⌊2^23 (1 + x[i])⌋, which is
// (1 + x[i])/2 to within 2^−24, and to −1 otherwise. Each 64-bit draw
// r[j] serves two units: u_{2j} = r[j] >> 40 and u_{2j+1} = bits 16–39
// of r[j]; len(r) ≥ ⌈len(x)/2⌉. The comparison is exact integer
// arithmetic on one rounding of 1 + x[i], so every implementation gives
// the same bits for means in [−1, 1] (a NaN gives +1 on amd64 and −1 on
// arm64, as Go's own float-to-integer conversion does there).
// Branch-free: the outcomes are unpredictable.
func Signs(x []float32, r []uint64) {
	n16, n8 := lanes(len(x))
	if n8 > 0 {
		_ = r[n8/2-1]
	}
	if n16 > 0 {
		signs512(&x[0], &r[0], n16)
	}
	if n16 < n8 {
		signs8(&x[n16], &r[n16/2], n8-n16)
	}
	i := n8
	for ; i+1 < len(x); i += 2 {
		d := r[i/2]
		x[i] = Sign24(uint32(d>>40), x[i])
		x[i+1] = Sign24(uint32(d>>16)&0xffffff, x[i+1])
	}
	if i < len(x) {
		x[i] = Sign24(uint32(r[i/2]>>40), x[i])
	}
}

// Sign24 returns +1 if u < ⌊2^23 (1 + m)⌋, else −1, for u < 2^24.
func Sign24(u uint32, m float32) float32 {
	t := int32((m + 1) * 0x1p23)
	below := uint32(int32(u)-t) >> 31 // 1 if u < t
	return math.Float32frombits(0xbf800000 ^ below<<31)
}
