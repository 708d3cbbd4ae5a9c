package rbm

import (
	"fmt"
	"math"
	"testing"

	"github.com/rgml/rgml/plugins/internal/xrand"
)

func randMat(r *xrand.RNG, rows, stride, cols int) []float32 {
	m := make([]float32, rows*stride)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			m[i*stride+j] = float32(2*r.Float64() - 1)
		}
	}
	return m
}

// The engine's parallel gemm (segments of transA sums, blocks of rows)
// against a float64 triple loop, on every engine, with and without transA
// and accumulation, on padded shapes.
func TestGemm(t *testing.T) {
	testEngines(t, func(t *testing.T, e *engine) {
		r := xrand.New(1)
		for _, sz := range [][3]int{{1, 1, 1}, {5, 17, 3}, {8, 16, 0}, {37, 100, 64}, {100, 33, 1100}, {4, 400, 100}, {50, 16, 700}} {
			m, n, k := sz[0], sz[1], sz[2]
			for _, transA := range []bool{false, true} {
				for _, acc := range []bool{false, true} {
					name := fmt.Sprintf("%dx%dx%d/transA=%v/acc=%v", m, n, k, transA, acc)
					var a []float32
					var lda int
					if transA {
						lda = pad16(m) + 3
						a = randMat(r, k, lda, m)
					} else {
						lda = k + 5
						a = randMat(r, pad4(m), lda, k)
					}
					ldb, ldc := pad16(n)+16, pad16(n)
					b := randMat(r, k, ldb, n)
					c := randMat(r, pad4(m), ldc, n)
					old := append([]float32(nil), c...)
					alpha := float32(-0.5)
					e.gemm(transA, m, n, k, alpha, a, lda, b, ldb, acc, c, ldc)
					for i := 0; i < m; i++ {
						for j := 0; j < n; j++ {
							s := 0.0
							for l := 0; l < k; l++ {
								var av float32
								if transA {
									av = a[l*lda+i]
								} else {
									av = a[i*lda+l]
								}
								s += float64(av) * float64(b[l*ldb+j])
							}
							want := float64(alpha) * s
							if acc {
								want += float64(old[i*ldc+j])
							}
							if d := math.Abs(float64(c[i*ldc+j]) - want); d > 1e-5*math.Sqrt(float64(k+1)) {
								t.Fatalf("%s: C[%d,%d] = %g, want %g", name, i, j, c[i*ldc+j], want)
							}
						}
					}
				}
			}
		}
	})
}

// sampleRow's inline generator is rng.Uint64: the same ±1 values from
// the same draws (two units a draw), and the same state afterwards.
func TestSampleRowStream(t *testing.T) {
	for _, n := range []int{1, 2, 7, 64, 401} {
		r := xrand.New(uint64(n))
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(2*r.Float64() - 1)
		}
		want := append([]float32(nil), x...)
		a, b := xrand.New(9), xrand.New(9)
		i := 0
		for ; i+1 < n; i += 2 {
			u := b.Uint64()
			want[i] = pm1(uint32(u>>40), want[i])
			want[i+1] = pm1(uint32(u>>16)&0xffffff, want[i+1])
		}
		if i < n {
			want[i] = pm1(uint32(b.Uint64()>>40), want[i])
		}
		sampleRow(x, a)
		for i := range x {
			if x[i] != want[i] {
				t.Fatalf("n=%d: unit %d = %v, want %v", n, i, x[i], want[i])
			}
		}
		if a.State() != b.State() {
			t.Fatalf("n=%d: generator state differs after sampling", n)
		}
	}
}
