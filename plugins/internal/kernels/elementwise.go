package kernels

import "math"

// Coefficients of Tanh32: Eigen's odd 13/6 rational minimax approximation
// (also XLA's and ONNX Runtime's).
const (
	tanhClamp = 7.90531110763549805 // tanh rounds to ±1 in float32 beyond
	tanhA1    = 4.89352455891786e-03
	tanhA3    = 6.37261928875436e-04
	tanhA5    = 1.48572235717979e-05
	tanhA7    = 5.12229709037114e-08
	tanhA9    = -8.60467152213735e-11
	tanhA11   = 2.00018790482477e-13
	tanhA13   = -2.76076847742355e-16
	tanhB0    = 4.89352518554385e-03
	tanhB2    = 2.26843463243900e-03
	tanhB4    = 1.18534705686654e-04
	tanhB6    = 1.19825839466702e-06
)

// Tanh32 is tanh in float32: x·P(x²)/Q(x²) on x clamped to ±7.9053111,
// beyond which tanh rounds to ±1 in float32; within 1e-6 of tanh
// (relative), |Tanh32(x)| ≤ 1, and NaN stays NaN. The vector passes
// compute the same function (with fused multiply-adds).
func Tanh32(x float32) float32 {
	if x > tanhClamp {
		x = tanhClamp
	}
	if x < -tanhClamp {
		x = -tanhClamp
	}
	// float32(…) rounds each product, so that no compiler fuses it into
	// the addition (arm64's does): the scalar tails of the vector passes
	// then give the same bits on every architecture.
	x2 := x * x
	p := float32(x2*tanhA13) + tanhA11
	p = float32(x2*p) + tanhA9
	p = float32(x2*p) + tanhA7
	p = float32(x2*p) + tanhA5
	p = float32(x2*p) + tanhA3
	p = float32(x2*p) + tanhA1
	p *= x
	q := float32(x2*tanhB6) + tanhB4
	q = float32(x2*q) + tanhB2
	q = float32(x2*q) + tanhB0
	return p / q
}

// Constants of ExpNeg32.
const (
	expLog2e = 1.44269504088896341
	expLn2Hi = 0.693359375
	expLn2Lo = -2.12194440e-4
	expMin   = -87.33654475 // ln 2⁻¹²⁶, the smallest normal float32
	// Cephes' expf polynomial: e^r ≈ 1 + r + r²·(p5 + r(p4 + … + r·p0)).
	expP0 = 1.9875691500e-4
	expP1 = 1.3981999507e-3
	expP2 = 8.3334519073e-3
	expP3 = 4.1665795894e-2
	expP4 = 1.6666665459e-1
	expP5 = 5.0000001201e-1
)

// ExpNeg32 is exp(x) in float32 for x ≤ 0 (the shifted logits of a
// softmax): Cody–Waite reduction x = n·ln2 + r, |r| ≤ ln2/2, Cephes'
// polynomial for e^r, and 2ⁿ built from its bits. Results below the
// smallest normal float32 (x < −87.34) are flushed to 0. Its relative
// error is below 2·10⁻⁷; NaN stays NaN.
func ExpNeg32(x float32) float32 {
	if !(x >= expMin) {
		if x != x {
			return x
		}
		return 0
	}
	n := float32(math.Floor(float64(x*expLog2e + 0.5)))
	// Products rounded before the additions, as in Tanh32.
	r := x - float32(n*expLn2Hi)
	r -= float32(n * expLn2Lo)
	p := float32(expP0)
	p = float32(p*r) + expP1
	p = float32(p*r) + expP2
	p = float32(p*r) + expP3
	p = float32(p*r) + expP4
	p = float32(p*r) + expP5
	y := float32(p*r*r) + r + 1
	return y * math.Float32frombits(uint32(int32(n)+127)<<23)
}

// vec reports whether the vector passes (AVX2 or NEON) run on n values.
func vec(n int) bool { return level != generic && n >= 8 }

// lanes splits n values among the vector passes: [0, n16) to the
// 16-lane (AVX-512) pass, [n16, n8) to the 8-lane (AVX2, NEON) one, the
// rest to Go.
func lanes(n int) (n16, n8 int) {
	if !vec(n) {
		return 0, 0
	}
	if level == avx512 {
		n16 = n &^ 15
	}
	return n16, n &^ 7
}

// TanhBias sets x[j] = tanh(x[j] + b[j]); len(b) ≥ len(x).
func TanhBias(x, b []float32) {
	n16, n8 := lanes(len(x))
	if n8 > 0 {
		_ = b[n8-1]
	}
	if n16 > 0 {
		tanhBias512(&x[0], &b[0], n16)
	}
	if n16 < n8 {
		tanhBias8(&x[n16], &b[n16], n8-n16)
	}
	b = b[:len(x)]
	for j := n8; j < len(x); j++ {
		x[j] = Tanh32(x[j] + b[j])
	}
}

// TanhBiasSum is TanhBias that also adds the new x[j] to sum[j].
func TanhBiasSum(x, b, sum []float32) {
	n16, n8 := lanes(len(x))
	if n8 > 0 {
		_, _ = b[n8-1], sum[n8-1]
	}
	if n16 > 0 {
		tanhBiasSum512(&x[0], &b[0], &sum[0], n16)
	}
	if n16 < n8 {
		tanhBiasSum8(&x[n16], &b[n16], &sum[n16], n8-n16)
	}
	b, sum = b[:len(x)], sum[:len(x)]
	for j := n8; j < len(x); j++ {
		y := Tanh32(x[j] + b[j])
		x[j] = y
		sum[j] += y
	}
}

// TanhBiasSumErr is TanhBiasSum that also returns Σ_j (ref[j] − x[j])²
// over the new x (accumulated in float32).
func TanhBiasSumErr(x, b, sum, ref []float32) float32 {
	n8 := 0
	var e float32
	if vec(len(x)) {
		n8 = len(x) &^ 7
		_, _, _ = b[n8-1], sum[n8-1], ref[n8-1]
		if level == avx512 {
			e = tanhBiasSumErr512(&x[0], &b[0], &sum[0], &ref[0], n8)
		} else {
			e = tanhBiasSumErr8(&x[0], &b[0], &sum[0], &ref[0], n8)
		}
	}
	b, sum, ref = b[:len(x)], sum[:len(x)], ref[:len(x)]
	for j := n8; j < len(x); j++ {
		y := Tanh32(x[j] + b[j])
		x[j] = y
		sum[j] += y
		d := ref[j] - y
		e += float32(d * d)
	}
	return e
}

// TanhBackward sets d[j] ← d[j]·(1 − z[j]²) (computed as d − d·z·z) and
// adds the new d[j] to gb[j]: back-propagation through a tanh layer whose
// outputs are z.
func TanhBackward(d, z, gb []float32) {
	n16, n8 := lanes(len(d))
	if n8 > 0 {
		_, _ = z[n8-1], gb[n8-1]
	}
	if n16 > 0 {
		tanhBackward512(&d[0], &z[0], &gb[0], n16)
	}
	if n16 < n8 {
		tanhBackward8(&d[n16], &z[n16], &gb[n16], n8-n16)
	}
	z, gb = z[:len(d)], gb[:len(d)]
	for j := n8; j < len(d); j++ {
		v := d[j]
		v -= float32(v * z[j] * z[j])
		d[j] = v
		gb[j] += v
	}
}

// ExpNeg sets x[i] = exp(x[i]) for arguments ≤ 0, as ExpNeg32.
func ExpNeg(x []float32) {
	n16, n8 := lanes(len(x))
	if n16 > 0 {
		exp512(&x[0], n16)
	}
	if n16 < n8 {
		exp8(&x[n16], n8-n16)
	}
	for i := n8; i < len(x); i++ {
		x[i] = ExpNeg32(x[i])
	}
}

// MaxShift sets x[j] ← x[j] + b[j] and then x[j] ← x[j] − m, m the
// largest of the sums, and returns the first index of m: the shift of a
// softmax row before its exp. Padding entries of b set to −∞ drop out
// (they become −∞, whose ExpNeg is 0). x holds no NaN; len(b) ≥ len(x) ≥ 1.
func MaxShift(x, b []float32) int {
	b = b[:len(x)]
	if level == avx512 && len(x)%16 == 0 {
		var arg int32
		maxShiftRows512(&x[0], len(x), &b[0], len(x), &arg, 1)
		return int(arg)
	}
	mx, am := x[0]+b[0], 0
	for j, v := range x {
		v += b[j]
		x[j] = v
		if v > mx {
			mx, am = v, j
		}
	}
	for j := range x {
		x[j] -= mx
	}
	return am
}

// MaxShiftRows is MaxShift on each of len(arg) rows of x (stride ld, n
// values each, n ≥ 1), the row's index in arg: a softmax's rows before
// their exp. The same bits as a call per row.
func MaxShiftRows(x []float32, ld, n int, b []float32, arg []int32) {
	rows := len(arg)
	if rows == 0 {
		return
	}
	need("x", x, rows, ld, n)
	b = b[:n]
	if level == avx512 && n%16 == 0 {
		maxShiftRows512(&x[0], ld, &b[0], n, &arg[0], rows)
		return
	}
	for r := range arg {
		arg[r] = int32(MaxShift(x[r*ld:r*ld+n], b))
	}
}

// AddTo adds x to c: c[j] += x[j] for j < len(c) ≤ len(x), each a
// float32 addition, so the bits do not depend on the lanes.
func AddTo(c, x []float32) {
	x = x[:len(c)]
	n16, n8 := lanes(len(c))
	if n16 > 0 {
		add512(&c[0], &x[0], n16)
	}
	if n16 < n8 {
		add8(&c[n16], &x[n16], n8-n16)
	}
	for j := n8; j < len(c); j++ {
		c[j] += x[j]
	}
}
