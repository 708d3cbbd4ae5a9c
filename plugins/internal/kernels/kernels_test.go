package kernels

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/plugins/internal/xrand"
	"golang.org/x/sys/cpu"
)

// eachImpl runs f once per implementation this CPU runs, forced.
func eachImpl(t *testing.T, f func(t *testing.T)) {
	for _, name := range Available() {
		t.Run(name, func(t *testing.T) {
			restore, err := Force(name)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			f(t)
		})
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

// gemmCase is one product on random padded operands.
type gemmCase struct {
	m, n, k     int
	transA, acc bool
}

func (g gemmCase) run(r *xrand.RNG) (a, b, c, old []float32, lda, ldb, ldc int) {
	if g.transA {
		lda = Pad16(g.m) + 3
		a = randMat(r, g.k, lda, g.m)
	} else {
		lda = g.k + 5
		a = randMat(r, Pad4(g.m), lda, g.k)
	}
	ldb, ldc = Pad16(g.n)+16, Pad16(g.n)
	b = randMat(r, g.k, ldb, g.n)
	c = randMat(r, Pad4(g.m), ldc, g.n)
	old = slices.Clone(c)
	if g.transA {
		GemmTA(g.m, g.n, g.k, -0.5, a, lda, b, ldb, g.acc, c, ldc)
	} else {
		Gemm(g.m, g.n, g.k, -0.5, a, lda, b, ldb, g.acc, c, ldc)
	}
	return
}

var gemmSizes = [][3]int{{1, 1, 1}, {5, 17, 3}, {8, 16, 0}, {37, 100, 64}, {100, 33, 1100},
	{4, 400, 100}, {50, 16, 700}, {12, 48, 7}, {8, 32, 513}, {68, 112, 25},
	{7, 33, 1025}, {1025, 7, 33}, {33, 1025, 1}, {1, 1025, 7}, {28, 80, 9}, {64, 64, 100}, {20, 16, 5}, {24, 16, 3}}

// Every product against a float64 triple loop, on every implementation,
// with and without transA and accumulation; the shapes exercise every
// tile of every implementation and their edges, and several k-chunks.
func TestGemm(t *testing.T) {
	eachImpl(t, func(t *testing.T) {
		r := xrand.New(1)
		for _, sz := range gemmSizes {
			for _, transA := range []bool{false, true} {
				for _, acc := range []bool{false, true} {
					g := gemmCase{sz[0], sz[1], sz[2], transA, acc}
					a, b, c, old, lda, ldb, ldc := g.run(r)
					for i := 0; i < g.m; i++ {
						for j := 0; j < g.n; j++ {
							s := 0.0
							for l := 0; l < g.k; l++ {
								var av float32
								if transA {
									av = a[l*lda+i]
								} else {
									av = a[i*lda+l]
								}
								s += float64(av) * float64(b[l*ldb+j])
							}
							want := -0.5 * s
							if acc {
								want += float64(old[i*ldc+j])
							}
							if d := math.Abs(float64(c[i*ldc+j]) - want); d > 1e-5*math.Sqrt(float64(g.k+1)) {
								t.Fatalf("%+v: C[%d,%d] = %g, want %g", g, i, j, c[i*ldc+j], want)
							}
						}
					}
				}
			}
		}
	})
}

// vectorResults runs products and every vector pass on the named
// implementation, on fixed random operands.
func vectorResults(t *testing.T, name string) [][]float32 {
	restore, err := Force(name)
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	r := xrand.New(2)
	var out [][]float32
	for _, sz := range gemmSizes {
		for _, transA := range []bool{false, true} {
			_, _, c, _, _, _, _ := gemmCase{sz[0], sz[1], sz[2], transA, true}.run(r)
			out = append(out, c)
		}
	}
	for _, n := range []int{8, 16, 24, 64, 67} {
		x := randMat(r, 1, n, n)
		for i := range x {
			x[i] *= 6
		}
		b := randMat(r, 1, n, n)
		sum := make([]float32, n)
		y := slices.Clone(x)
		TanhBias(y, b)
		TanhBiasSum(x, b, sum)
		e := TanhBiasSumErr(x, b, sum, b)
		d := slices.Clone(b)
		TanhBackward(d, x, sum)
		z := slices.Clone(y)
		for i := range z {
			z[i] = -40 * (z[i] + 1)
		}
		ExpNeg(z)
		out = append(out, y, x, sum, []float32{e}, d, z)
	}
	return out
}

// avx512 computes every element as avx2 does: the same bits.
func TestAVX512MatchesAVX2(t *testing.T) {
	if best() != avx512 {
		t.Skip("no AVX-512")
	}
	a, b := vectorResults(t, "avx2"), vectorResults(t, "avx512")
	for i := range a {
		if !slices.Equal(a[i], b[i]) {
			t.Fatalf("result %d differs between avx2 and avx512", i)
		}
	}
}

// vectorDigest is the SHA-256 of vectorResults' bits on avx2 (and so on
// avx512) on amd64.
const vectorDigest = "89741462f48cd56fb0893de5862fe2a39c8315444e709b69ea34916c1f140573"

// The vector kernels of every architecture give the same bits: neon (run
// under qemu-aarch64 by make test-arm64) those of avx2. An arm64 build
// without them fails.
func TestVectorDigest(t *testing.T) {
	var name string
	switch {
	case slices.Contains(Available(), "neon"):
		name = "neon"
	case slices.Contains(Available(), "avx2"):
		name = "avx2"
	case assembly && (runtime.GOARCH == "arm64" || cpu.X86.HasAVX2 && cpu.X86.HasFMA):
		t.Fatalf("no vector kernels on %s (kernels: %v)", runtime.GOARCH, Available())
	default:
		t.Skip("no vector kernels on this CPU")
	}
	h := sha256.New()
	for _, r := range vectorResults(t, name) {
		for _, v := range r {
			binary.Write(h, binary.LittleEndian, math.Float32bits(v))
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != vectorDigest {
		t.Errorf("%s: digest %s, want avx2's %s", name, got, vectorDigest)
	}
}

// Rows of a product computed in parts give the bits of the whole.
func TestRowsParts(t *testing.T) {
	eachImpl(t, func(t *testing.T) {
		r := xrand.New(3)
		m, n, k := 100, 80, 37
		a, b := randMat(r, m, k, k), randMat(r, k, n, n)
		whole, parts := make([]float32, m*n), make([]float32, m*n)
		Gemm(m, n, k, 1, a, k, b, n, false, whole, n)
		for _, cut := range [][2]int{{0, 3}, {3, 4}, {4, 17}, {17, 25}} {
			Rows(cut[0], cut[1], n, k, 1, a, k, b, n, false, parts, n)
		}
		if !slices.Equal(whole, parts) {
			t.Fatal("Rows in parts differs from Gemm")
		}
	})
}

// The float32 tanh of every pass, against math.Tanh, at every length (the
// vector body and the scalar tail).
func TestTanh(t *testing.T) {
	const n = 1 << 15
	xs := make([]float32, 0, 4*n+3)
	for i := 0; i < 2*n; i++ {
		xs = append(xs, float32(-12+24*float64(i)/(2*n)))
	}
	for i := 0; i < n; i++ {
		x := float32(math.Pow(10, -9+10*float64(i)/n))
		xs = append(xs, x, -x)
	}
	xs = append(xs, 0, float32(math.Inf(1)), float32(math.Inf(-1)))
	eachImpl(t, func(t *testing.T) {
		passes := map[string]func(x []float32){
			"TanhBias":    func(x []float32) { TanhBias(x, make([]float32, len(x))) },
			"TanhBiasSum": func(x []float32) { TanhBiasSum(x, make([]float32, len(x)), make([]float32, len(x))) },
			"TanhBiasSumErr": func(x []float32) {
				TanhBiasSumErr(x, make([]float32, len(x)), make([]float32, len(x)), make([]float32, len(x)))
			},
		}
		for name, f := range passes {
			y := slices.Clone(xs)
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
			for _, l := range []int{1, 8, 13} {
				nan := make([]float32, l)
				nan[l-1] = float32(math.NaN())
				f(nan)
				if !math.IsNaN(float64(nan[l-1])) {
					t.Errorf("%s: tanh(NaN) = %g at length %d", name, nan[l-1], l)
				}
			}
		}
	})
}

// The fused passes: bias, sums, squared error, and the tanh derivative.
func TestFused(t *testing.T) {
	eachImpl(t, func(t *testing.T) {
		for _, n := range []int{1, 5, 7, 33, 48, 53, 1025} {
			r := xrand.New(3)
			x, b, sum, ref := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
			for j := range x {
				x[j], b[j], sum[j], ref[j] = float32(4*r.Float64()-2), float32(r.Float64()-0.5), float32(j%8), float32(2*r.Float64()-1)
			}
			want := make([]float64, n)
			wantErr := 0.0
			for j := range x {
				want[j] = math.Tanh(float64(x[j]) + float64(b[j]))
				d := float64(ref[j]) - want[j]
				wantErr += d * d
			}
			// The squared errors are summed in float32: n roundings.
			if got := TanhBiasSumErr(x, b, sum, ref); math.Abs(float64(got)-wantErr) > 1e-5+float64(n)*6e-8*wantErr {
				t.Errorf("n=%d: error %g, want %g", n, got, wantErr)
			}
			for j := range x {
				if math.Abs(float64(x[j])-want[j]) > 1e-6 || math.Abs(float64(sum[j])-float64(j%8)-want[j]) > 1e-5 {
					t.Errorf("n=%d, j=%d: x %g sum %g, want %g", n, j, x[j], sum[j], want[j])
				}
			}
			d, gb := slices.Clone(ref), slices.Clone(b)
			TanhBackward(d, x, gb)
			for j := range d {
				w := float64(ref[j]) * (1 - float64(x[j])*float64(x[j]))
				if math.Abs(float64(d[j])-w) > 1e-6 || math.Abs(float64(gb[j]-b[j])-w) > 1e-6 {
					t.Errorf("n=%d, j=%d: TanhBackward %g (gb %g), want %g", n, j, d[j], gb[j]-b[j], w)
				}
			}
		}
	})
}

// TanhBiasSumErr gives avx2's bits on avx512 (its tanh on 16 lanes, the
// squared errors in avx2's order) for every length, odd ones and those
// with a last 8 values included: x, the sums and the error, over many
// random rows, so that a sum taken in another order shows.
func TestTanhBiasSumErrAVX512Bits(t *testing.T) {
	if best() != avx512 {
		t.Skip("no AVX-512")
	}
	run := func(name string, n int, seed uint64) ([]float32, []float32, float32) {
		restore, err := Force(name)
		if err != nil {
			t.Fatal(err)
		}
		defer restore()
		r := xrand.New(seed)
		x, b, sum, ref := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		for j := range x {
			x[j], b[j], sum[j], ref[j] = float32(8*r.Float64()-4), float32(r.Float64()-0.5), float32(r.Float64()), float32(2*r.Float64()-1)
		}
		e := TanhBiasSumErr(x, b, sum, ref)
		return x, sum, e
	}
	for _, n := range []int{1, 7, 8, 16, 24, 33, 40, 100, 112, 1025} {
		for seed := uint64(1); seed <= 200; seed++ {
			x2, s2, e2 := run("avx2", n, seed)
			x5, s5, e5 := run("avx512", n, seed)
			if !slices.Equal(x2, x5) || !slices.Equal(s2, s5) || math.Float32bits(e2) != math.Float32bits(e5) {
				t.Fatalf("n=%d seed %d: avx512 differs from avx2 (error %g vs %g)", n, seed, e5, e2)
			}
		}
	}
}

// ExpNeg against math.Exp, underflow to 0, NaN kept.
func TestExpNeg(t *testing.T) {
	eachImpl(t, func(t *testing.T) {
		var xs []float32
		for i := 0; i <= 20000; i++ {
			xs = append(xs, float32(-90*float64(i)/20000))
		}
		xs = append(xs, float32(math.NaN()), float32(math.Inf(-1)))
		y := slices.Clone(xs)
		ExpNeg(y)
		for i, x := range xs {
			want := math.Exp(float64(x))
			switch {
			case math.IsNaN(float64(x)):
				if !math.IsNaN(float64(y[i])) {
					t.Errorf("exp(NaN) = %g", y[i])
				}
			case x < expMin:
				if y[i] != 0 {
					t.Errorf("exp(%g) = %g, want 0", x, y[i])
				}
			default:
				if rel := math.Abs(float64(y[i])-want) / want; rel > 2e-7 {
					t.Errorf("exp(%g) = %g, want %g (relative error %g)", x, y[i], want, rel)
				}
			}
		}
	})
}

// A name the CPU cannot run, or no name at all, is refused.
func TestForceRefuses(t *testing.T) {
	for _, name := range []string{"sse", "", "AVX2"} {
		if _, err := Force(name); err == nil {
			t.Errorf("Force(%q) accepted", name)
		}
	}
	if best() != avx512 {
		if _, err := Force("avx512"); err == nil {
			t.Error("Force(avx512) accepted on a CPU without AVX-512")
		}
	}
	if _, err := parse("fast"); err == nil || !strings.Contains(err.Error(), "fast") || !strings.Contains(err.Error(), "generic") {
		t.Errorf("parse(fast) = %v, want an error naming it and the choices", err)
	}
}

func ExampleName() {
	fmt.Println(slices.Contains(Available(), Name()))
	// Output: true
}

// MaxShift against a scalar scan, with ties (the first counts), −∞
// padding and every position of the largest, on every implementation.
func TestMaxShift(t *testing.T) {
	eachImpl(t, func(t *testing.T) {
		r := xrand.New(5)
		ninf := float32(math.Inf(-1))
		for _, n := range []int{1, 5, 16, 25, 32, 48} {
			for trial := 0; trial < 200; trial++ {
				x, b := make([]float32, n), make([]float32, n)
				for j := range x {
					x[j] = float32(int(8*r.Float64())) / 4 // ties are common
					b[j] = float32(int(4*r.Float64())) / 8
				}
				if n > 25 && trial%2 == 0 {
					for j := 25; j < n; j++ {
						x[j], b[j] = 0, ninf
					}
				}
				want := slices.Clone(x)
				mx, am := want[0]+b[0], 0
				for j := range want {
					want[j] += b[j]
					if want[j] > mx {
						mx, am = want[j], j
					}
				}
				for j := range want {
					want[j] -= mx
				}
				if got := MaxShift(x, b); got != am || !slices.Equal(x, want) {
					t.Fatalf("n=%d: MaxShift = %d, %v; want %d, %v", n, got, x, am, want)
				}
			}
		}
	})
}

// Aᵀ·B computed as its transpose Bᵀ·A (TransposeTA's alternative) is the
// same bits on every vector implementation, with and without
// accumulation, over one or several k-chunks; and the rule takes it where
// the 16-wide or padded tiles cost more.
func TestTransposeTASameBits(t *testing.T) {
	eachImpl(t, func(t *testing.T) {
		if level == generic {
			if TransposeTA(100, 16) {
				t.Error("TransposeTA on generic")
			}
			return
		}
		r := xrand.New(4)
		for _, sz := range [][3]int{{100, 16, 64}, {100, 36, 64}, {100, 16, 1100}, {7, 33, 1025}, {33, 7, 5}} {
			m, n, k := sz[0], sz[1], sz[2]
			lda, ldb := Pad16(m)+3, Pad16(n)+16
			a, b := randMat(r, k, lda, m), randMat(r, k, ldb, n)
			for _, acc := range []bool{false, true} {
				ldc, ldt := Pad16(n), Pad16(m)
				c := randMat(r, Pad4(m), ldc, n)
				ct := make([]float32, Pad4(n)*ldt)
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						ct[j*ldt+i] = c[i*ldc+j]
					}
				}
				GemmTA(m, n, k, -0.5, a, lda, b, ldb, acc, c, ldc)
				GemmTA(n, m, k, -0.5, b, ldb, a, lda, acc, ct, ldt)
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						if x, y := c[i*ldc+j], ct[j*ldt+i]; math.Float32bits(x) != math.Float32bits(y) {
							t.Fatalf("%v acc=%v: C[%d,%d] = %g, transposed %g", sz, acc, i, j, x, y)
						}
					}
				}
			}
		}
		if TransposeTA(100, 64) || TransposeTA(100, 100) || !TransposeTA(100, 36) {
			t.Errorf("TransposeTA: (100, 64) %v, (100, 100) %v, (100, 36) %v; want false, false, true",
				TransposeTA(100, 64), TransposeTA(100, 100), TransposeTA(100, 36))
		}
		if want := level == avx512; TransposeTA(100, 16) != want {
			t.Errorf("TransposeTA(100, 16) = %v on %s, want %v", !want, Name(), want)
		}
	})
}

// ExpNeg's 16-lane pass gives the 8-lane pass's bits over the whole
// argument range, across the underflow bound, and on −∞, −0 and NaN.
func TestExpNegAVX512MatchesAVX2(t *testing.T) {
	if best() != avx512 {
		t.Skip("no AVX-512")
	}
	r := xrand.New(5)
	x := make([]float32, 1<<14)
	for i := range x {
		x[i] = float32(-100 * r.Float64())
	}
	for i := range 64 {
		x[i] = float32(expMin) + float32(i-32)*1e-5
	}
	x[100], x[117], x[130] = float32(math.Inf(-1)), float32(math.Copysign(0, -1)), float32(math.NaN())
	get := func(name string) []uint32 {
		restore, err := Force(name)
		if err != nil {
			t.Fatal(err)
		}
		defer restore()
		y := slices.Clone(x)
		ExpNeg(y)
		b := make([]uint32, len(y))
		for i, v := range y {
			b[i] = math.Float32bits(v)
		}
		return b
	}
	a, b := get("avx2"), get("avx512")
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("ExpNeg(%g): avx2 %08x, avx512 %08x", x[i], a[i], b[i])
		}
	}
}

// AddTo is c[j] + x[j] in float32, bit for bit, at every length (the
// 16-lane, 8-lane and Go parts), on every implementation.
func TestAddTo(t *testing.T) {
	eachImpl(t, func(t *testing.T) {
		r := xrand.New(6)
		for n := 0; n <= 70; n++ {
			c, x := randMat(r, 1, n+1, n), randMat(r, 1, n+3, n+3)
			for i := range x {
				x[i] *= 1e3
			}
			want := slices.Clone(c)
			for j := 0; j < n; j++ {
				want[j] += x[j]
			}
			AddTo(c[:n], x)
			for j := range c {
				if math.Float32bits(c[j]) != math.Float32bits(want[j]) {
					t.Fatalf("n=%d: c[%d] = %g, want %g", n, j, c[j], want[j])
				}
			}
		}
	})
}

// MaxShiftRows gives a call per row's bits and indices, ties included,
// with −∞ padding, at strides wider than the rows, on every
// implementation.
func TestMaxShiftRows(t *testing.T) {
	eachImpl(t, func(t *testing.T) {
		r := xrand.New(7)
		ninf := float32(math.Inf(-1))
		for _, n := range []int{1, 5, 16, 25, 32, 48} {
			for _, rows := range []int{0, 1, 3, 17} {
				ld := n + 16*(rows%2)
				x, b := make([]float32, rows*ld), make([]float32, n)
				for j := range x {
					x[j] = float32(int(8*r.Float64())) / 4
				}
				for j := range b {
					b[j] = float32(int(4*r.Float64())) / 8
					if n > 25 && j >= 25 {
						b[j] = ninf
					}
				}
				want, warg := slices.Clone(x), make([]int32, rows)
				for i := range warg {
					warg[i] = int32(MaxShift(want[i*ld:i*ld+n], b))
				}
				arg := make([]int32, rows)
				MaxShiftRows(x, ld, n, b, arg)
				if !slices.Equal(arg, warg) || !slices.Equal(bitsOf(x), bitsOf(want)) {
					t.Fatalf("n=%d rows=%d: indices %v, want %v (or the rows differ)", n, rows, arg, warg)
				}
			}
		}
	})
}

func bitsOf(x []float32) []uint32 {
	b := make([]uint32, len(x))
	for i, v := range x {
		b[i] = math.Float32bits(v)
	}
	return b
}
