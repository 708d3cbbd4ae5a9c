package rbm

import (
	"fmt"
	"math"
	"testing"

	"github.com/rgml/rgml/plugins/internal/xrand"
)

// The float32 tanh, scalar and vectorised, against math.Tanh.
func TestTanh32(t *testing.T) {
	check := func(name string, f func(x []float32)) {
		const n = 1 << 16
		xs := make([]float32, 0, 4*n)
		for i := 0; i < 2*n; i++ {
			xs = append(xs, float32(-12+24*float64(i)/(2*n)))
		}
		for i := 0; i < n; i++ {
			x := float32(math.Pow(10, -9+10*float64(i)/n))
			xs = append(xs, x, -x)
		}
		xs = append(xs, 0, float32(math.Inf(1)), float32(math.Inf(-1)))
		for len(xs)%16 != 0 {
			xs = append(xs, 1)
		}
		y := append([]float32(nil), xs...)
		f(y)
		worst := 0.0
		for i, x := range xs {
			want := math.Tanh(float64(x))
			if math.Abs(float64(y[i])) > 1 {
				t.Fatalf("%s: |tanh(%g)| = %g > 1", name, x, y[i])
			}
			rel := math.Abs(float64(y[i])-want) / math.Max(math.Abs(want), 1e-30)
			if want == 0 {
				rel = math.Abs(float64(y[i]))
			}
			worst = math.Max(worst, rel)
		}
		if worst > 1e-6 {
			t.Errorf("%s: worst relative error %g", name, worst)
		}
		nan := []float32{float32(math.NaN()), 0, 0, 0, 0, 0, 0, 0}
		f(nan)
		if !math.IsNaN(float64(nan[0])) {
			t.Errorf("%s: tanh(NaN) = %g", name, nan[0])
		}
	}
	check("scalar", func(x []float32) {
		for i := range x {
			x[i] = tanh32(x[i])
		}
	})
	check("tanhBias", func(x []float32) { tanhBias(x, make([]float32, len(x))) })
	check("tanhBiasSum", func(x []float32) { tanhBiasSum(x, make([]float32, len(x)), make([]float32, len(x))) })
	check("tanhBiasSumErr", func(x []float32) {
		tanhBiasSumErr(x, make([]float32, len(x)), make([]float32, len(x)), make([]float32, len(x)))
	})
}

// The fused passes: bias, sums and squared error.
func TestTanhBiasSumErr(t *testing.T) {
	const n = 48
	r := xrand.New(3)
	x, b, sum, ref := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for j := range x {
		x[j], b[j], sum[j], ref[j] = float32(4*r.Float64()-2), float32(r.Float64()-0.5), float32(j), float32(2*r.Float64()-1)
	}
	want := make([]float64, n)
	wantErr := 0.0
	for j := range x {
		want[j] = math.Tanh(float64(x[j]) + float64(b[j]))
		d := float64(ref[j]) - want[j]
		wantErr += d * d
	}
	got := tanhBiasSumErr(x, b, sum, ref)
	if math.Abs(float64(got)-wantErr) > 1e-5 {
		t.Errorf("error %g, want %g", got, wantErr)
	}
	for j := range x {
		if math.Abs(float64(x[j])-want[j]) > 1e-6 || math.Abs(float64(sum[j])-float64(j)-want[j]) > 1e-5 {
			t.Errorf("j=%d: x %g sum %g, want %g", j, x[j], sum[j], want[j])
		}
	}
}

func randMat(r *xrand.RNG, rows, stride, cols int) []float32 {
	m := make([]float32, rows*stride)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			m[i*stride+j] = float32(2*r.Float64() - 1)
		}
	}
	return m
}

// gemm against a float64 triple loop, for both the AVX2 kernel and
// blas32, with and without transA and accumulation, on padded shapes.
func TestGemm(t *testing.T) {
	e := newEngine(3)
	defer e.close()
	kern := []bool{false}
	if haveAVX2 {
		kern = append(kern, true)
	}
	r := xrand.New(1)
	for _, useKern := range kern {
		e.kern = useKern
		for _, sz := range [][3]int{{1, 1, 1}, {5, 17, 3}, {8, 16, 0}, {37, 100, 64}, {100, 33, 1100}, {4, 400, 100}, {50, 16, 700}} {
			m, n, k := sz[0], sz[1], sz[2]
			for _, transA := range []bool{false, true} {
				for _, acc := range []bool{false, true} {
					name := fmt.Sprintf("kern=%v/%dx%dx%d/transA=%v/acc=%v", useKern, m, n, k, transA, acc)
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
	}
}
