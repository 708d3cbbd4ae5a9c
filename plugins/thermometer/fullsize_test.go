package thermometer

import (
	"math"
	"testing"

	"github.com/rgml/rgml/plugins/internal/kernels"
	"github.com/rgml/rgml/plugins/internal/linalg"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// grad64 returns the gradient of the mean loss (36), eqs. (38)–(40), in
// float64, in ref64's layout [W1 | b1 | W2 | b2].
func (r ref64) grad64(p []float64, x []float32, xs int, y []int32) []float64 {
	W1, b1, W2, b2 := r.split(p)
	g := make([]float64, len(p))
	gW1, gb1, gW2, gb2 := r.split(g)
	z2, d2 := make([]float64, r.hidden), make([]float64, r.hidden)
	u := make([]float64, r.classes)
	for a, t := range y {
		xa := x[a*xs : a*xs+r.sites]
		for j := range z2 {
			s := b1[j]
			for i, v := range xa {
				s += float64(v) * W1[i*r.hidden+j]
			}
			z2[j] = math.Tanh(s)
		}
		mx := math.Inf(-1)
		for k := range u {
			s := b2[k]
			for j, z := range z2 {
				s += z * W2[j*r.classes+k]
			}
			u[k] = s
			mx = math.Max(mx, s)
		}
		se := 0.0
		for k := range u {
			u[k] = math.Exp(u[k] - mx)
			se += u[k]
		}
		for k := range u {
			u[k] /= se // Z3, then Δ3
			if k == int(t) {
				u[k]--
			}
			gb2[k] += u[k]
		}
		for j, z := range z2 {
			s := 0.0
			for k, d := range u {
				gW2[j*r.classes+k] += z * d
				s += d * W2[j*r.classes+k]
			}
			d2[j] = s * (1 - z*z)
			gb1[j] += d2[j]
		}
		for i, v := range xa {
			if v == 0 {
				continue
			}
			row := gW1[i*r.hidden : (i+1)*r.hidden]
			for j, d := range d2 {
				row[j] += float64(v) * d
			}
		}
	}
	for i := range g {
		g[i] /= float64(len(y))
	}
	return g
}

// The gradient of an epoch at the paper's size (N = 25 000 configurations
// of 100 spins, 64 hidden units, 25 classes) against float64, on every
// implementation of the kernels (and OpenBLAS in a build with it): the
// chunk and group sums keep float32 rounding far below the gradient.
func TestGradientFullSize(t *testing.T) {
	if testing.Short() {
		t.Skip("full size: a few seconds")
	}
	const n, sites, hidden, classes = 25000, 100, 64, 25
	configs, y := randomData(n, sites, classes, 5)
	x := toX(configs, sites)
	nt := newNet(sites, hidden, classes)
	nt.init(xrand.New(3))
	// Biases and a trained-like tilt, so that Δ3 is not uniform.
	r := xrand.New(4)
	for i := range nt.b1() {
		nt.b1()[i] = float32(0.3 * r.Normal())
	}
	for i := range nt.b2() {
		nt.b2()[i] = float32(r.Normal())
	}
	ref := ref64{sites, hidden, classes}
	want := ref.grad64(params64(nt), x, kernels.Pad4(sites), y)
	norm := 0.0
	for _, v := range want {
		norm += v * v
	}
	norm = math.Sqrt(norm / float64(len(want)))

	impls := kernels.Available()
	if linalg.Backend() == "openblas" {
		impls = append(impls, "openblas")
	}
	for _, impl := range impls {
		t.Run(impl, func(t *testing.T) {
			if impl != "openblas" {
				restore, err := kernels.Force(impl)
				if err != nil {
					t.Fatal(err)
				}
				defer restore()
			}
			p := newPool(2)
			defer p.close()
			e := newEngine(nt, n, 0, p)
			e.blas = impl == "openblas"
			e.gradient(x, y, n)
			got := publicGrad(nt, e.grad)
			d := 0.0
			for i := range got {
				d += (got[i] - want[i]) * (got[i] - want[i])
			}
			rel := math.Sqrt(d/float64(len(want))) / norm
			t.Logf("relative RMS error of the gradient %.2g (gradient RMS %.3g)", rel, norm)
			if rel > 1e-5 {
				t.Errorf("relative RMS error of the gradient %.3g, want < 1e-5", rel)
			}
		})
	}
}
