//go:build !amd64 || purego

package thermometer

const haveAVX2 = false

// biasTanh sets every row z of zs (rows of len(b)) to tanh(z + b).
func biasTanh(zs, b []float32) { biasTanhGo(zs, b) }

// expInPlace sets x[i] = exp(x[i]) for arguments ≤ 0 (see expNeg32).
func expInPlace(x []float32) {
	for i, v := range x {
		x[i] = expNeg32(v)
	}
}

// tanhBackward sets d ← d ⊙ (1 − z²) row by row (rows of len(gb)) and adds
// the column sums of the result to gb.
func tanhBackward(d, z, gb []float32) { tanhBackwardGo(d, z, gb) }
