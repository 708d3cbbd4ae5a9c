package kernels

import "fmt"

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
	// Panels of B (see tiles) against row blocks of at most 64 rows: the
	// block's rows of A stay in L1 meanwhile.
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
		tiles512(k, a, ars, aks, b, bks, c, ldc, rows, cols, alpha, acc)
	case avx2, neon:
		for j := 0; j < cols; j += 16 {
			for i := 0; i < rows; i += 4 {
				kern4x16(k, &a[i*ars], ars, aks, &b[j], bks, &c[i*ldc+j], ldc, alpha, acc)
			}
		}
	default:
		genericTiles(k, a, ars, aks, b, bks, c, ldc, rows, cols, alpha, acc)
	}
}

// tiles512 is tiles on the AVX-512 micro-kernels. Their loads, not their
// multiply-adds, bound them where the core issues one 512-bit load a cycle
// for two FMAs (an Intel Xeon measured so: docs/learners.md). A step of
// the 6×64 kernel loads 10 times for 24 FMAs, the 8×48 kernel 11 times,
// the 12×32 14 times, the 16-wide ones once per FMA. So panels of B are 48
// columns wide, and the last one 64 or 32 where the columns are not a
// multiple of 48 (400 = 7·48 + 64, 112 = 48 + 64, 80 = 48 + 32); 16 only
// for 16 columns. Rows go 8 at a time (48), 6 (64), 12 (32) or 16 (16),
// then the narrower kernels of the same width. Every element is the same
// chain whatever its tile.
func tiles512(k int, a []float32, ars, aks int, b []float32, bks int, c []float32, ldc, rows, cols int, alpha float32, acc bool) {
	type kernel func(int, *float32, int, int, *float32, int, *float32, int, float32, bool)
	tile := func(f kernel, i, j int) {
		f(k, &a[i*ars], ars, aks, &b[j], bks, &c[i*ldc+j], ldc, alpha, acc)
	}
	// last is the width of the last panel.
	last := [3]int{48, 64, 32}[cols/16%3]
	if cols <= 32 {
		last = cols
	}
	for j := 0; j < cols; {
		i := 0
		w := 48
		if cols-j == last {
			w = last
		}
		switch w {
		case 16:
			for ; i+16 <= rows; i += 16 {
				tile(kern16x16, i, j)
			}
			for ; i+8 <= rows; i += 8 {
				tile(kern8x16, i, j)
			}
			if i < rows {
				tile(kern4x16, i, j)
			}
		case 32:
			n12 := rows / 12
			if rows%12 == 4 && n12 > 0 {
				n12-- // 12 + 4 rows as 8 + 8: 4×32 has 8 accumulators
			}
			for ; i < 12*n12; i += 12 {
				tile(kern12x32, i, j)
			}
			for ; i+8 <= rows; i += 8 {
				tile(kern8x32, i, j)
			}
			if i < rows {
				tile(kern4x32, i, j)
			}
		case 48:
			for ; i+8 <= rows; i += 8 {
				tile(kern8x48, i, j)
			}
			if i < rows {
				tile(kern4x48, i, j)
			}
		case 64:
			n6 := rows / 6
			if rows%6 == 2 {
				n6-- // rows are a multiple of 4: 6 + 2 rows as 4 + 4
			}
			for ; i < 6*n6; i += 6 {
				tile(kern6x64, i, j)
			}
			for ; i < rows; i += 4 {
				tile(kern4x64, i, j)
			}
		}
		j += w
	}
}

// TransposeTA reports whether C = Aᵀ·B, m×n, takes fewer micro-kernel
// steps on the implementation in use computed as its transpose Cᵀ = Bᵀ·A
// (GemmTA with the roles of A and B swapped, C n×m): the padded tiles of
// C it computes, where on AVX-512 a 16-column product costs twice its
// tiles (its kernels load once per FMA, tiles512), and it says yes only
// for a tenth or more fewer. Either way every element is the same chain
// of FMAs over the same terms in the same order — a·b and b·a are the same
// product — so the results are the same bits; generic's blocks are not
// checked for that, and it says no there.
func TransposeTA(m, n int) bool {
	cost := func(rows, cols int) int {
		c := Pad4(rows) * Pad16(cols)
		if level == avx512 && Pad16(cols) == 16 {
			c *= 2
		}
		return c
	}
	return level != generic && 10*cost(n, m) <= 9*cost(m, n)
}
