package linalg

import (
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

var once sync.Once

// Init selects the BLAS backend for blas32. It is idempotent; learners call
// it from their constructors.
func Init() { once.Do(use) }

// Backend names the backend Init selects: "gonum" or "openblas".
func Backend() string { return backend }

// Gemm computes C = alpha·op(A)·B (+ C when acc) on blas32, with the
// arguments of package kernels' products: op(A) is A (m×k, stride lda)
// or, with transA, Aᵀ (A k×m); B is k×n, C m×n. Only the m×n block of C
// is written.
func Gemm(transA bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, acc bool, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		// blas32 rejects empty operands.
		if !acc {
			for i := 0; i < m; i++ {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		return
	}
	tA := blas.NoTrans
	A := blas32.General{Rows: m, Cols: k, Stride: lda}
	if transA {
		tA = blas.Trans
		A.Rows, A.Cols = k, m
	}
	A.Data = a[:(A.Rows-1)*lda+A.Cols]
	B := blas32.General{Rows: k, Cols: n, Stride: ldb, Data: b[:(k-1)*ldb+n]}
	C := blas32.General{Rows: m, Cols: n, Stride: ldc, Data: c[:(m-1)*ldc+n]}
	beta := float32(0)
	if acc {
		beta = 1
	}
	blas32.Gemm(tA, blas.NoTrans, alpha, A, B, beta, C)
}
