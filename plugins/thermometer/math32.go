package thermometer

import "math"

// Coefficients of tanh32: Eigen's odd 13/6 rational minimax approximation
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

// tanh32 is tanh in float32: x·P(x²)/Q(x²) on x clamped to ±7.9053111,
// beyond which tanh rounds to ±1 in float32. Its error is a few ulp
// (TestTanh32 bounds it against math.Tanh); NaN stays NaN.
func tanh32(x float32) float32 {
	if x > tanhClamp {
		x = tanhClamp
	}
	if x < -tanhClamp {
		x = -tanhClamp
	}
	x2 := x * x
	p := x2*tanhA13 + tanhA11
	p = x2*p + tanhA9
	p = x2*p + tanhA7
	p = x2*p + tanhA5
	p = x2*p + tanhA3
	p = x2*p + tanhA1
	p *= x
	q := x2*tanhB6 + tanhB4
	q = x2*q + tanhB2
	q = x2*q + tanhB0
	return p / q
}

// Constants of expNeg32.
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

// expNeg32 is exp(x) in float32 for x ≤ 0 (the shifted logits of the
// softmax): Cody–Waite reduction x = n·ln2 + r, |r| ≤ ln2/2, Cephes'
// polynomial for e^r, and 2ⁿ built from its bits. Results below the
// smallest normal float32 (x < −87.34) are flushed to 0. Its relative error
// is below 2·10⁻⁷ (TestExpNeg32); NaN stays NaN.
func expNeg32(x float32) float32 {
	if !(x >= expMin) {
		if x != x {
			return x
		}
		return 0
	}
	n := float32(math.Floor(float64(x*expLog2e + 0.5)))
	r := x - n*expLn2Hi
	r -= n * expLn2Lo
	p := float32(expP0)
	p = p*r + expP1
	p = p*r + expP2
	p = p*r + expP3
	p = p*r + expP4
	p = p*r + expP5
	y := p*r*r + r + 1
	return y * math.Float32frombits(uint32(int32(n)+127)<<23)
}

// biasTanhGo sets every row z of zs (rows of len(b)) to tanh32(z + b).
func biasTanhGo(zs, b []float32) {
	h := len(b)
	for r := 0; r+h <= len(zs); r += h {
		row := zs[r : r+h : r+h]
		for j, v := range row {
			row[j] = tanh32(v + b[j])
		}
	}
}
