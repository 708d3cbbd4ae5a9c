package kernels

import (
	"fmt"
	"unsafe"
)

// KChunk is the number of terms of a transA sum taken per pass over the
// tiles of C: each chunk is summed from zero in the micro-kernel's
// registers and then added to C, which bounds the float32 rounding error
// of long sums, and 512 rows of a 400-wide B (800 KB) stay in L2 meanwhile.
const KChunk = 512

func need(what string, s []float32, rows, stride, cols int) {
	if rows > 0 && (stride < cols || len(s) < (rows-1)*stride+cols) {
		panic(fmt.Sprintf("kernels: %s: %d values, stride %d for %d×%d", what, len(s), stride, rows, cols))
	}
}

// Gemm sets C = alpha·A·B, plus the old C when acc, for A m×k (stride
// lda), B k×n and C m×n, padded (see the package doc), on the calling
// goroutine. k may be 0.
func Gemm(m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, acc bool, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	mp := Pad4(m)
	Rows(0, mp/4, n, k, alpha, a, lda, b, ldb, acc, c, ldc)
}

// Rows computes row blocks [i0, i1) — rows 4·i0 to 4·i1 — of
// C = alpha·A·B (+ C when acc), as Gemm does: a part of a product for a
// worker of a parallel one. Every element is computed the same way
// whatever the blocks.
func Rows(i0, i1, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, acc bool, c []float32, ldc int) {
	if i1 <= i0 || n == 0 {
		return
	}
	np := Pad16(n)
	r0, rows := 4*i0, 4*(i1-i0)
	need("C", c[r0*ldc:], rows, ldc, np)
	if k == 0 {
		zero(c[r0*ldc:], rows, np, ldc, acc)
		return
	}
	need("A", a[r0*lda:], rows, lda, k)
	need("B", b, k, ldb, np)
	// Panels of B (16 or 32 columns) against row blocks of at most 64
	// rows: the panel stays in L1 meanwhile.
	for ib := r0; ib < r0+rows; ib += 64 {
		ie := min(ib+64, r0+rows)
		tiles(k, a[ib*lda:], lda, 1, b, ldb, c[ib*ldc:], ldc, ie-ib, np, alpha, acc)
	}
}

// GemmTA sets C = alpha·Aᵀ·B, plus the old C when acc, for A k×m (stride
// lda; its rows hold Pad4(m) values), B k×n and C m×n, padded, on the
// calling goroutine, in chunks of KChunk terms. k may be 0.
func GemmTA(m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, acc bool, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		need("C", c, Pad4(m), ldc, Pad16(n))
		zero(c, Pad4(m), Pad16(n), ldc, acc)
		return
	}
	for k0 := 0; k0 < k; k0 += KChunk {
		ChunkTA(k0, min(KChunk, k-k0), m, n, alpha, a, lda, b, ldb, acc, c, ldc)
		acc = true
	}
}

// ChunkTA computes C = alpha·Σ_{k0 ≤ l < k0+kc} A(l, ·)ᵀ B(l, ·), plus
// the old C when acc: the chunk of a transA product starting at row k0
// of A and B (kc ≥ 1, normally KChunk). GemmTA is a run of them.
func ChunkTA(k0, kc, m, n int, alpha float32, a []float32, lda int, b []float32, ldb int, acc bool, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	mp, np := Pad4(m), Pad16(n)
	need("A", a[k0*lda:], kc, lda, mp)
	need("B", b[k0*ldb:], kc, ldb, np)
	need("C", c, mp, ldc, np)
	tiles(kc, a[k0*lda:], 1, lda, b[k0*ldb:], ldb, c, ldc, mp, np, alpha, acc)
}

// zero clears rows×cols of C unless accumulating (a product with k = 0).
func zero(c []float32, rows, cols, ldc int, acc bool) {
	if acc {
		return
	}
	for r := 0; r < rows; r++ {
		clear(c[r*ldc : r*ldc+cols])
	}
}

// tiles computes the rows×cols block of C (rows a multiple of 4, cols of
// 16) = alpha·Σ_{l<k} A(r, l)·B(l, ·) (+ C), A(r, l) = a[r·ars + l·aks],
// with the micro-kernels of the implementation in use, panel by panel.
func tiles(k int, a []float32, ars, aks int, b []float32, bks int, c []float32, ldc, rows, cols int, alpha float32, acc bool) {
	switch level {
	case avx512:
		for j := 0; j < cols; {
			w := 32
			if cols-j < 32 {
				w = 16
			}
			i := 0
			for ; i+8 <= rows; i += 8 {
				if w == 32 {
					kern8x32(k, &a[i*ars], ars, aks, &b[j], bks, &c[i*ldc+j], ldc, alpha, acc)
				} else {
					kern8x16(k, &a[i*ars], ars, aks, &b[j], bks, &c[i*ldc+j], ldc, alpha, acc)
				}
			}
			if i < rows {
				if w == 32 {
					kern4x32(k, &a[i*ars], ars, aks, &b[j], bks, &c[i*ldc+j], ldc, alpha, acc)
				} else {
					kern4x16(k, &a[i*ars], ars, aks, &b[j], bks, &c[i*ldc+j], ldc, alpha, acc)
				}
			}
			j += w
		}
	case avx2, neon:
		for j := 0; j < cols; j += 16 {
			for i := 0; i < rows; i += 4 {
				kern4x16(k, &a[i*ars], ars, aks, &b[j], bks, &c[i*ldc+j], ldc, alpha, acc)
			}
		}
	default:
		for j := 0; j < cols; j += 16 {
			for i := 0; i < rows; i += 4 {
				tileGo(k, a[i*ars:], ars, aks, b[j:], bks, c[i*ldc+j:], ldc, alpha, acc)
			}
		}
	}
}

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
