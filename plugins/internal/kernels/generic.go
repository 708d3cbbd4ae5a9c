package kernels

import (
	"sync"
	"unsafe"

	"gonum.org/v1/gonum/blas/gonum"
)

// The generic products. Where gonum has its SSE assembly for float32
// (amd64: gonumAsm), a product is a run of rank-one updates, gonum's Sger,
// on tiles of C of at most genRows×genCols, each element summed in float32
// over blocks of gerBlock terms and the block sums added in float64.
// Elsewhere gonum's Sger is scalar Go with a load and a store per term,
// and tileGo computes 4×16 tiles in registers instead, in float32 blocks of
// genBlock terms.

// genericTiles is tiles for the generic implementation.
func genericTiles(k int, a []float32, ars, aks int, b []float32, bks int, c []float32, ldc, rows, cols int, alpha float32, acc bool) {
	if !genGer {
		for j := 0; j < cols; j += 16 {
			for i := 0; i < rows; i += 4 {
				tileGo(k, a[i*ars:], ars, aks, b[j:], bks, c[i*ldc+j:], ldc, alpha, acc)
			}
		}
		return
	}
	buf := genBufs.Get().(*genBuf)
	defer genBufs.Put(buf)
	// Tiles of about equal size: rows a multiple of 4, columns of 16.
	h := 4 * ceilDiv(rows/4, ceilDiv(rows, genRows))
	w := 16 * ceilDiv(cols/16, ceilDiv(cols, genCols))
	for j := 0; j < cols; j += w {
		for i := 0; i < rows; i += h {
			gerTile(k, a[i*ars:], ars, aks, b[j:], bks, c[i*ldc+j:], ldc, min(h, rows-i), min(w, cols-j), alpha, acc, buf)
		}
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// gerTile computes the rows×cols tile of C with gonum's Sger: the tile's
// sums over each block of gerBlock terms in buf.t (float32, one rounding
// per multiply and per addition, in the order of the terms), the block
// sums added in buf.s (float64), then rounded once to float32, scaled by
// alpha and added to the old C when acc, in float32, as tileGo does. A
// product of one block, not accumulated, with alpha = 1, is summed in C
// itself (the same bits).
func gerTile(k int, a []float32, ars, aks int, b []float32, bks int, c []float32, ldc, rows, cols int, alpha float32, acc bool, buf *genBuf) {
	var impl gonum.Implementation
	if k <= gerBlock && !acc && alpha == 1 {
		for r := 0; r < rows; r++ {
			clear(c[r*ldc : r*ldc+cols])
		}
		for l := 0; l < k; l++ {
			impl.Sger(rows, cols, 1, a[l*aks:], ars, b[l*bks:], 1, c, ldc)
		}
		return
	}
	t, s := buf.t[:rows*cols], buf.s[:rows*cols]
	for l0 := 0; l0 < k; l0 += gerBlock {
		clear(t)
		for l := l0; l < min(k, l0+gerBlock); l++ {
			impl.Sger(rows, cols, 1, a[l*aks:], ars, b[l*bks:], 1, t, cols)
		}
		switch {
		case k <= gerBlock:
		case l0 == 0:
			for i, v := range t {
				s[i] = float64(v)
			}
		default:
			for i, v := range t {
				s[i] += float64(v)
			}
		}
	}
	for r := 0; r < rows; r++ {
		cr := c[r*ldc : r*ldc+cols]
		tr, sr := t[r*cols:(r+1)*cols], s[r*cols:(r+1)*cols]
		for j := range cr {
			v := tr[j]
			if k > gerBlock {
				v = float32(sr[j])
			}
			v *= alpha
			if acc {
				v += cr[j]
			}
			cr[j] = v
		}
	}
}

// genRows×genCols bounds gerTile's tiles: 32 KB of float32 sums, which
// stay in L1 (48 KB on Zen 5) while a block's rows of B pass.
const genRows, genCols = 32, 256

// gerBlock is the number of terms gerTile sums in float32 before adding
// them to a float64 sum: a block's float32 rounding is about
// √gerBlock·2⁻²⁴ of its terms' size, and the float64 additions cost a
// few per cent of the rank-one updates.
const gerBlock = 128

// genGer: the generic products use gonum's Sger (gonumAsm). A variable
// so that the tests run tileGo on amd64 too.
var genGer = gonumAsm

// genBuf holds a tile's float32 block sums and float64 sums, pooled for
// reuse (gonum's assembly takes its operands as escaping, so they cannot
// live on the stack), one per product running at a time.
type genBuf struct {
	t []float32
	s []float64
}

var genBufs = sync.Pool{New: func() any {
	return &genBuf{t: make([]float32, genRows*genCols), s: make([]float64, genRows*genCols)}
}}

// tileGo is the generic micro-kernel: a 4×16 tile of C in 2×4 blocks,
// each element summed in float32 over blocks of genBlock terms and the
// block sums added in float64, rounded once to float32, then scaled by
// alpha and added to the old C (when acc) in float32, as the assembly
// kernels do. Eight float32 sums are eight independent dependency chains,
// and with the four B values and two A values of a turn they fit the 15
// scalar registers Go has on amd64; the float32 multiply-adds need no
// conversion, which made the float64 sums of every term (before) 10× slower.
// Operands are read through unsafe pointers: the callers checked their
// sizes (need), and bounds checks in this loop cost as much as the
// arithmetic.
func tileGo(k int, a []float32, ars, aks int, b []float32, bks int, c []float32, ldc int, alpha float32, acc bool) {
	pa, pb := unsafe.Pointer(unsafe.SliceData(a)), unsafe.Pointer(unsafe.SliceData(b))
	as, bs := uintptr(aks)*4, uintptr(bks)*4
	for r := 0; r < 4; r += 2 {
		pa0 := unsafe.Add(pa, r*ars*4)
		pa1 := unsafe.Add(pa, (r+1)*ars*4)
		for j := 0; j < 16; j += 4 {
			var s [8]float64
			pbj := unsafe.Add(pb, j*4)
			for l0 := 0; l0 < k; l0 += genBlock {
				n := min(genBlock, k-l0)
				off := uintptr(l0)
				x0, x1 := unsafe.Add(pa0, off*as), unsafe.Add(pa1, off*as)
				y := unsafe.Add(pbj, off*bs)
				var s00, s01, s02, s03, s10, s11, s12, s13 float32
				for ; n > 0; n-- {
					a0, a1 := *(*float32)(x0), *(*float32)(x1)
					bl := (*[4]float32)(y)
					b0, b1, b2, b3 := bl[0], bl[1], bl[2], bl[3]
					s00 += a0 * b0
					s01 += a0 * b1
					s02 += a0 * b2
					s03 += a0 * b3
					s10 += a1 * b0
					s11 += a1 * b1
					s12 += a1 * b2
					s13 += a1 * b3
					x0, x1, y = unsafe.Add(x0, as), unsafe.Add(x1, as), unsafe.Add(y, bs)
				}
				s[0] += float64(s00)
				s[1] += float64(s01)
				s[2] += float64(s02)
				s[3] += float64(s03)
				s[4] += float64(s10)
				s[5] += float64(s11)
				s[6] += float64(s12)
				s[7] += float64(s13)
			}
			put(c[r*ldc+j:r*ldc+j+4], alpha, acc, s[0], s[1], s[2], s[3])
			put(c[(r+1)*ldc+j:(r+1)*ldc+j+4], alpha, acc, s[4], s[5], s[6], s[7])
		}
	}
}

// genBlock is the number of terms tileGo sums in float32 before adding
// them to a float64 sum: short enough that a block's float32 rounding
// (about √genBlock·2⁻²⁴ of its terms' size) stays far below the kernels'
// float32 chunks' (KChunk terms), long enough that the float64 additions
// are a few per cent of the work.
const genBlock = 32

// put stores alpha·float32(s_i) (+ c[i] when acc) in c[i], i < 4.
func put(c []float32, alpha float32, acc bool, s0, s1, s2, s3 float64) {
	c = c[:4]
	v := [4]float32{alpha * float32(s0), alpha * float32(s1), alpha * float32(s2), alpha * float32(s3)}
	if acc {
		for i := range v {
			v[i] += c[i]
		}
	}
	copy(c, v[:])
}
