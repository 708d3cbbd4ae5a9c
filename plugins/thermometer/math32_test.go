package thermometer

import (
	"math"
	"testing"

	"github.com/rgml/rgml/plugins/internal/xrand"
)

// tanhArgs are arguments spread over the range where tanh varies, plus the
// edges: 0, tiny values, the clamp and beyond.
func tanhArgs() []float32 {
	var xs []float32
	for x := -10.0; x <= 10; x += 1.0 / 1024 {
		xs = append(xs, float32(x))
	}
	for _, x := range []float64{0, 1e-30, 1e-7, 3e-4, tanhClamp, 7.9, 8, 20, 1e30, math.Inf(1)} {
		xs = append(xs, float32(x), float32(-x))
	}
	return xs
}

// checkTanh checks tanh values got for the arguments xs against math.Tanh.
func checkTanh(t *testing.T, what string, xs, got []float32) {
	t.Helper()
	var worst float64
	for i, x := range xs {
		want := math.Tanh(float64(x))
		g := float64(got[i])
		if math.Abs(g) > 1 || math.Signbit(g) != math.Signbit(want) && g != 0 {
			t.Fatalf("%s(%g) = %g: out of [−1, 1] or wrong sign", what, x, g)
		}
		// A few float32 ulp, relative near 0, absolute near ±1.
		err := math.Abs(g-want) / math.Max(math.Abs(want), 1e-30)
		if math.Abs(want) > 0.5 {
			err = math.Abs(g - want)
		}
		if err > worst {
			worst = err
		}
		if err > 4e-7 {
			t.Errorf("%s(%g) = %.9g, want %.9g (error %.2g)", what, x, g, want, err)
		}
	}
	t.Logf("%s: worst error %.3g", what, worst)
}

func TestTanh32(t *testing.T) {
	xs := tanhArgs()
	got := make([]float32, len(xs))
	for i, x := range xs {
		got[i] = tanh32(x)
	}
	checkTanh(t, "tanh32", xs, got)
	if v := tanh32(float32(math.NaN())); v == v {
		t.Errorf("tanh32(NaN) = %v", v)
	}
}

// The fused kernel, on whichever path this machine takes (AVX2 or Go), for
// row lengths with and without a tail beyond a multiple of 8.
func TestBiasTanh(t *testing.T) {
	xs := tanhArgs()
	for _, h := range []int{1, 7, 8, 13, 64} {
		rows := len(xs) / h
		n := rows * h
		b := make([]float32, h)
		for j := range b {
			b[j] = float32(j%5) * 0.125
		}
		z := make([]float32, n)
		arg := make([]float32, n)
		for i := range z {
			arg[i] = xs[i] + b[i%h]
			z[i] = xs[i]
		}
		biasTanh(z, b)
		checkTanh(t, "biasTanh", arg, z)
	}
	z := []float32{float32(math.NaN()), 0, 0, 0, 0, 0, 0, 0}
	biasTanh(z, make([]float32, 8))
	if z[0] == z[0] {
		t.Errorf("biasTanh(NaN) = %v, want NaN (haveAVX2 = %v)", z[0], haveAVX2)
	}
}

func TestExpNeg32(t *testing.T) {
	var xs []float32
	for x := -90.0; x <= 0; x += 1.0 / 256 {
		xs = append(xs, float32(x))
	}
	xs = append(xs, 0, -1e-30, -1e-7, expMin, -87.4, -100, -1e30, float32(math.Inf(-1)))
	for _, path := range []string{"expNeg32", "expInPlace"} {
		got := make([]float32, len(xs))
		if path == "expNeg32" {
			for i, x := range xs {
				got[i] = expNeg32(x)
			}
		} else {
			copy(got, xs)
			expInPlace(got)
		}
		var worst float64
		for i, x := range xs {
			want := math.Exp(float64(x))
			g := float64(got[i])
			if x < float32(expMin) {
				if g != 0 {
					t.Errorf("%s(%g) = %g, want 0 (flushed)", path, x, g)
				}
				continue
			}
			err := math.Abs(g-want) / want
			worst = math.Max(worst, err)
			if err > 2e-7 {
				t.Errorf("%s(%g) = %.9g, want %.9g (relative error %.2g)", path, x, g, want, err)
			}
		}
		t.Logf("%s: worst relative error %.3g (haveAVX2 = %v)", path, worst, haveAVX2)
	}
	nan := []float32{float32(math.NaN()), 0, 0, 0, 0, 0, 0, 0, float32(math.NaN())}
	expInPlace(nan)
	if nan[0] == nan[0] || nan[8] == nan[8] || expNeg32(nan[8]) == expNeg32(nan[8]) {
		t.Errorf("exp(NaN) = %v, %v, want NaN", nan[0], nan[8])
	}
}

// The AVX2 back-propagation through tanh against the Go one.
func TestTanhBackward(t *testing.T) {
	r := xrand.New(3)
	for _, h := range []int{1, 7, 8, 13, 64} {
		const rows = 37
		d, z := make([]float32, rows*h), make([]float32, rows*h)
		for i := range d {
			d[i], z[i] = float32(r.Normal()), tanh32(float32(2*r.Normal()))
		}
		d2 := append([]float32(nil), d...)
		gb, gb2 := make([]float32, h), make([]float32, h)
		for j := range gb {
			gb[j] = float32(j)
			gb2[j] = gb[j]
		}
		tanhBackward(d, z, gb)
		tanhBackwardGo(d2, z, gb2)
		for i := range d {
			want := float64(d2[i])
			if math.Abs(float64(d[i])-want) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Fatalf("h = %d: d[%d] = %v, want %v", h, i, d[i], want)
			}
		}
		for j := range gb {
			if math.Abs(float64(gb[j]-gb2[j])) > 1e-5*math.Max(1, math.Abs(float64(gb2[j]))) {
				t.Fatalf("h = %d: gb[%d] = %v, want %v", h, j, gb[j], gb2[j])
			}
		}
	}
}
