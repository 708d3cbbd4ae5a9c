//go:build amd64 && !purego

package thermometer

import (
	"math"

	"golang.org/x/sys/cpu"
)

// haveAVX2 reports whether the AVX2/FMA kernels of math32_amd64.s can run.
var haveAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// Each constant of the kernels repeated over the 8 lanes of a YMM register.
type lanes [8]float32

func splat(v float32) lanes { return lanes{v, v, v, v, v, v, v, v} }

// tanhConsts: the clamp, its negative, α13…α1, β6…β0 of tanh32.
var tanhConsts = [13]lanes{
	splat(tanhClamp), splat(-tanhClamp),
	splat(tanhA13), splat(tanhA11), splat(tanhA9), splat(tanhA7), splat(tanhA5), splat(tanhA3), splat(tanhA1),
	splat(tanhB6), splat(tanhB4), splat(tanhB2), splat(tanhB0),
}

// expConsts: log₂e, ln2 (high and low parts), the underflow bound, the
// polynomial's p0…p5, 1, and the exponent bias 127 (as int32 bits).
var expConsts = [12]lanes{
	splat(expLog2e), splat(expLn2Hi), splat(expLn2Lo), splat(expMin),
	splat(expP0), splat(expP1), splat(expP2), splat(expP3), splat(expP4), splat(expP5),
	splat(1), splat(math.Float32frombits(127)),
}

// biasTanhAVX2 sets x[r·stride + j] = tanh32(x[r·stride + j] + b[j]) for
// r < rows and j < cols; cols is a multiple of 8.
//
//go:noescape
func biasTanhAVX2(x, b *float32, rows, cols, stride int, c *[13]lanes)

// expAVX2 sets x[i] = exp(x[i]) for i < n, a multiple of 8, as expNeg32
// does (the arguments must be ≤ 0 or NaN; below −87.34 the result is 0).
//
//go:noescape
func expAVX2(x *float32, n int, c *[12]lanes)

// tanhBackwardAVX2 sets v = d[i]·(1 − z[i]²) (as d − d·z·z), d[i] = v and
// gb[j] += v for i = r·stride + j, r < rows, j < cols; cols is a multiple
// of 8.
//
//go:noescape
func tanhBackwardAVX2(d, z, gb *float32, rows, cols, stride int)

// tanhBackward sets d ← d ⊙ (1 − z²) row by row (rows of len(gb)) and adds
// the column sums of the result to gb.
func tanhBackward(d, z, gb []float32) {
	h := len(gb)
	rows := len(d) / h
	h8 := h &^ 7
	if !haveAVX2 || h8 == 0 || rows == 0 {
		tanhBackwardGo(d, z, gb)
		return
	}
	_ = z[rows*h-1]
	tanhBackwardAVX2(&d[0], &z[0], &gb[0], rows, h8, h)
	if h8 < h {
		for r := 0; r < rows; r++ {
			for j := h8; j < h; j++ {
				zj := z[r*h+j]
				v := d[r*h+j] * (1 - zj*zj)
				d[r*h+j] = v
				gb[j] += v
			}
		}
	}
}

// biasTanh sets every row z of zs (rows of len(b)) to tanh(z + b).
func biasTanh(zs, b []float32) {
	h := len(b)
	rows := len(zs) / h
	h8 := h &^ 7
	if !haveAVX2 || h8 == 0 || rows == 0 {
		biasTanhGo(zs, b)
		return
	}
	_ = zs[rows*h-1]
	biasTanhAVX2(&zs[0], &b[0], rows, h8, h, &tanhConsts)
	if h8 < h {
		for r := 0; r < rows; r++ {
			row := zs[r*h : (r+1)*h]
			for j := h8; j < h; j++ {
				row[j] = tanh32(row[j] + b[j])
			}
		}
	}
}

// expInPlace sets x[i] = exp(x[i]) for arguments ≤ 0 (see expNeg32).
func expInPlace(x []float32) {
	n8 := len(x) &^ 7
	if haveAVX2 && n8 > 0 {
		expAVX2(&x[0], n8, &expConsts)
	} else {
		n8 = 0
	}
	for i := n8; i < len(x); i++ {
		x[i] = expNeg32(x[i])
	}
}
