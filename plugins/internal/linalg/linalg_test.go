package linalg

import (
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// Whatever the backend, a product must be right.
func TestGemm(t *testing.T) {
	Init()
	a := blas32.General{Rows: 2, Cols: 3, Stride: 3, Data: []float32{1, 2, 3, 4, 5, 6}}
	c := blas32.General{Rows: 2, Cols: 2, Stride: 2, Data: make([]float32, 4)}
	blas32.Gemm(blas.NoTrans, blas.Trans, 1, a, a, 0, c)
	want := []float32{14, 32, 32, 77}
	for i := range want {
		if c.Data[i] != want[i] {
			t.Fatalf("backend %s: A·Aᵀ = %v, want %v", Backend(), c.Data, want)
		}
	}
}
