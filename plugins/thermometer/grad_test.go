package thermometer

import (
	"math"
	"testing"

	"github.com/rgml/rgml/plugins/internal/kernels"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// ref64 is a straightforward float64 implementation of the loss (36) of
// the network of eqs. (31)–(34), independent of the float32 engine: the
// parameters p are [W1 | b1 | W2 | b2], W2 hidden×classes, row-major.
type ref64 struct{ sites, hidden, classes int }

func (r ref64) split(p []float64) (W1, b1, W2, b2 []float64) {
	o1 := r.sites * r.hidden
	o2 := o1 + r.hidden
	o3 := o2 + r.hidden*r.classes
	return p[:o1], p[o1:o2], p[o2:o3], p[o3:]
}

// loss returns −(1/N) Σ_A log softmax(tanh(x_A W1 + b1) W2 + b2)[y_A].
func (r ref64) loss(p []float64, x []float32, y []int32) float64 {
	W1, b1, W2, b2 := r.split(p)
	z2 := make([]float64, r.hidden)
	u := make([]float64, r.classes)
	var total float64
	for a, t := range y {
		for j := range z2 {
			s := b1[j]
			for i := 0; i < r.sites; i++ {
				s += float64(x[a*r.sites+i]) * W1[i*r.hidden+j]
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
		var se float64
		for _, v := range u {
			se += math.Exp(v - mx)
		}
		total += math.Log(se) + mx - u[t]
	}
	return total / float64(len(y))
}

// params64 returns the network's parameters in ref64's layout.
func params64(n *net) []float64 {
	var p []float64
	for _, blk := range [][]float32{n.W1(), n.b1(), n.W2(), n.b2()} {
		for _, v := range blk {
			p = append(p, float64(v))
		}
	}
	return p
}

// publicGrad returns a gradient in θ layout (W2 transposed) in ref64's.
func publicGrad(n *net, g []float32) []float64 {
	m := newNet(n.sites, n.hidden, n.classes)
	copy(m.theta, g)
	return params64(m)
}

// testProblem returns a small network with weights large enough for the
// tanh to be non-linear, and n rows of random ±1 data. hidden = 9 and
// classes = 5 exercise the kernels' tails beyond multiples of 8.
func testProblem(n int) (*net, []float32, []int32) {
	const sites, hidden, classes = 12, 9, 5
	nt := newNet(sites, hidden, classes)
	r := xrand.New(7)
	for i := range nt.theta {
		nt.theta[i] = float32(0.4 * r.Normal())
	}
	c, y := randomData(n, sites, classes, 3)
	return nt, toX(c, sites), y
}

// The engine's float32 gradient of the mean loss against central finite
// differences of the float64 loss: every parameter with 450 rows (a few
// chunks, whose partial sums are added), every 7th with 20 000 rows (more
// than maxGroups chunks: groups of several chunks).
func TestGradientFiniteDifferences(t *testing.T) {
	for _, c := range []struct{ rows, every int }{{450, 1}, {20000, 7}} {
		nt, x, y := testProblem(c.rows)
		p := newPool(2)
		e := newEngine(nt, len(y), 0, p)
		e.gradient(x[:len(x)/2], y[:len(y)/2], len(y)/2) // leaves partial sums behind
		lossSum, _ := e.gradient(x, y, len(y))
		p.close()
		if e.chunks() < 2 || (c.rows > 10000 && e.groupSize() < 2) {
			t.Fatalf("%d rows make %d chunk(s) in groups of %d", len(y), e.chunks(), e.groupSize())
		}
		g := publicGrad(nt, e.grad)

		ref := ref64{nt.sites, nt.hidden, nt.classes}
		p64 := params64(nt)
		want := ref.loss(p64, x, y)
		if got := lossSum / float64(len(y)); math.Abs(got-want) > 1e-5*want {
			t.Errorf("%d rows: loss %.9g, float64 reference %.9g", c.rows, got, want)
		}
		const h = 1e-5
		var worst, norm float64
		for i := 0; i < len(p64); i += c.every {
			old := p64[i]
			p64[i] = old + h
			lp := ref.loss(p64, x, y)
			p64[i] = old - h
			lm := ref.loss(p64, x, y)
			p64[i] = old
			fd := (lp - lm) / (2 * h)
			norm += fd * fd
			err := math.Abs(g[i] - fd)
			worst = math.Max(worst, err)
			// float32 sums over many rows: errors of a few 1e-7 per element.
			if err > 2e-6+1e-4*math.Abs(fd) {
				t.Errorf("%d rows: ∂L/∂θ[%d] = %.7g, finite difference %.7g", c.rows, i, g[i], fd)
			}
		}
		// A gradient that vanished would pass the comparison above trivially.
		if norm = math.Sqrt(norm); norm < 0.02 {
			t.Fatalf("%d rows: gradient norm %.3g: the test problem is degenerate", c.rows, norm)
		}
		t.Logf("%d rows, %d chunks in %d groups: gradient norm %.3g, worst absolute error %.2g",
			c.rows, e.chunks(), e.groups(), norm, worst)
	}
}

// step is W ← W − lr·(∇W + wd·W), b ← b − lr·∇b.
func TestStep(t *testing.T) {
	nt, _, _ := testProblem(450)
	g := make([]float32, len(nt.theta))
	r := xrand.New(9)
	for i := range g {
		g[i] = float32(r.Normal())
	}
	const lr, wd = 0.25, 0.5
	before := params64(nt)
	gp := publicGrad(nt, g)
	nt.step(g, lr, wd)
	after := params64(nt)
	o1 := nt.sites * nt.hidden
	o3 := o1 + nt.hidden + nt.hidden*nt.classes
	for i := range after {
		decay := wd
		if (i >= o1 && i < o1+nt.hidden) || i >= o3 {
			decay = 0 // biases
		}
		want := before[i] - lr*(gp[i]+decay*before[i])
		if math.Abs(after[i]-want) > 1e-6*math.Max(1, math.Abs(want)) {
			t.Fatalf("θ[%d] = %g after the step, want %g", i, after[i], want)
		}
	}
}

// Results do not depend on the number of goroutines, bit for bit.
func TestWorkersIndependent(t *testing.T) {
	var ref []float32
	for _, workers := range []int{1, 2, 3} {
		nt, x, y := testProblem(450)
		p := newPool(workers)
		e := newEngine(nt, len(y), 0, p)
		for range 3 {
			e.gradient(x, y, len(y))
			nt.step(e.grad, 0.1, 0)
		}
		p.close()
		if ref == nil {
			ref = nt.theta
			continue
		}
		for i := range ref {
			if nt.theta[i] != ref[i] {
				t.Fatalf("%d workers: θ[%d] = %v, 1 worker: %v", workers, i, nt.theta[i], ref[i])
			}
		}
	}
}

// A training epoch allocates nothing.
func TestEpochAllocs(t *testing.T) {
	nt, x, y := testProblem(450)
	p := newPool(2)
	defer p.close()
	tr := &trainer{h: hyper{lr: 0.1}, net: nt, x: x, y: y, n: len(y), eng: newEngine(nt, len(y), 0, p)}
	if a := testing.AllocsPerRun(10, func() { tr.epoch() }); a != 0 {
		t.Errorf("%v allocations per full-batch epoch", a)
	}
	tr.h.batch = 100
	tr.rng = xrand.New(1)
	tr.perm = make([]int32, len(y))
	for i := range tr.perm {
		tr.perm[i] = int32(i)
	}
	tr.xb, tr.yb = make([]float32, 100*kernels.Pad4(nt.sites)), make([]int32, 100)
	if a := testing.AllocsPerRun(10, func() { tr.epoch() }); a != 0 {
		t.Errorf("%v allocations per mini-batch epoch", a)
	}
}
