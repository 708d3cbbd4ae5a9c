package rbm

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// spin1Data returns n random spin-1 configurations of an L×L lattice,
// each site −1, 0 or +1 with probabilities 0.4, 0.2, 0.4.
func spin1Data(L, n int, seed uint64) sdk.Dataset {
	rng := xrand.New(seed)
	c := make([]int8, n*L*L)
	for i := range c {
		switch u := rng.Float64(); {
		case u < 0.4:
			c[i] = -1
		case u < 0.6:
			c[i] = 0
		default:
			c[i] = 1
		}
	}
	return sdk.Dataset{Size: L, Configs: c}
}

// spin1Ref is the float64 reference of the documented spin-1 mean-field
// CD-1 step (docs/learners.md, "Spin-1 visible units").
type spin1Ref struct {
	nv, nh     int
	w          []float64 // nv×nh
	bv, cv, bh []float64
	lr         float64
	configs    []int8
	n          int
}

func (r *spin1Ref) step() {
	n, nv, nh := r.n, r.nv, r.nh
	dw := make([]float64, nv*nh)
	dbv, dcv, dbh := make([]float64, nv), make([]float64, nv), make([]float64, nh)
	for s := 0; s < n; s++ {
		v0 := make([]float64, nv)
		for i := range v0 {
			v0[i] = float64(r.configs[s*nv+i])
		}
		hOf := func(v []float64) []float64 {
			h := make([]float64, nh)
			for a := range h {
				x := r.bh[a]
				for i := range v {
					x += v[i] * r.w[i*nh+a]
				}
				h[a] = math.Tanh(x)
			}
			return h
		}
		h1 := hOf(v0)
		v1, q1 := make([]float64, nv), make([]float64, nv)
		for i := range v1 {
			a := r.bv[i]
			for k := range h1 {
				a += r.w[i*nh+k] * h1[k]
			}
			ep, em := math.Exp(r.cv[i]+a), math.Exp(r.cv[i]-a)
			z := 1 + ep + em
			v1[i], q1[i] = (ep-em)/z, (ep+em)/z
		}
		h2 := hOf(v1)
		for i := 0; i < nv; i++ {
			for a := 0; a < nh; a++ {
				dw[i*nh+a] += v0[i]*h1[a] - v1[i]*h2[a]
			}
			dbv[i] += v0[i] - v1[i]
			dcv[i] += v0[i]*v0[i] - q1[i]
		}
		for a := 0; a < nh; a++ {
			dbh[a] += h1[a] - h2[a]
		}
	}
	e := r.lr / float64(n)
	for i := range dw {
		r.w[i] += e * dw[i]
	}
	for i := 0; i < nv; i++ {
		r.bv[i] += e * dbv[i]
		r.cv[i] += e * dcv[i]
	}
	for a := 0; a < nh; a++ {
		r.bh[a] += e * dbh[a]
	}
}

func to64(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// Three spin-1 mean-field CD-1 epochs (full batch) agree with the float64
// reference of the documented equations, started from the same initial
// weights (the epochs = 0 training of the same seed).
func TestSpin1CD1MatchesReference(t *testing.T) {
	ds := spin1Data(3, 37, 5)
	ctx := context.Background()
	l := NewWithWorkers(2)
	p := sdk.Params{ParamVisible: VisibleSpin1, ParamHidden: 5, ParamEpochs: 0, ParamInitStd: 0.7, ParamLR: 0.3, ParamPLLEvery: 0}
	w0, err := l.Train(ctx, sdk.TrainRequest{Hyper: p, Seed: 3, Train: ds}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const epochs = 3
	p[ParamEpochs] = epochs
	w, err := l.Train(ctx, sdk.TrainRequest{Hyper: p, Seed: 3, Train: ds}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ref := &spin1Ref{nv: 9, nh: 5, w: to64(f32(t, w0, TensorW)), bv: to64(f32(t, w0, TensorBV)),
		cv: to64(f32(t, w0, TensorCV)), bh: to64(f32(t, w0, TensorBH)), lr: 0.3, configs: ds.Configs, n: ds.Len()}
	for k := 0; k < epochs; k++ {
		ref.step()
	}
	for _, c := range []struct {
		name string
		want []float64
	}{{TensorW, ref.w}, {TensorBV, ref.bv}, {TensorCV, ref.cv}, {TensorBH, ref.bh}} {
		got := f32(t, w, c.name)
		moved := 0.0
		for i, g := range got {
			if d := math.Abs(float64(g) - c.want[i]); d > 2e-5 {
				t.Fatalf("%s[%d] = %.7g, reference %.7g", c.name, i, g, c.want[i])
			}
			moved = math.Max(moved, math.Abs(c.want[i]-float64(f32(t, w0, c.name)[i])))
		}
		if moved < 1e-3 {
			t.Errorf("%s barely moved (%g): the comparison tests nothing", c.name, moved)
		}
	}
}

// exactSpin1Marginal returns p(v) of a spin-1 RBM for all 3^nv visible
// configurations, v's digit i (base 3, least significant first) being
// v_i + 1, by summing e^{−Φ(v, h)} over every h ∈ {±1}^nh.
func exactSpin1Marginal(nv, nh int, w, bv, cv, bh []float64) []float64 {
	states := 1
	for i := 0; i < nv; i++ {
		states *= 3
	}
	p := make([]float64, states)
	z := 0.0
	for s := range p {
		v := make([]float64, nv)
		for i, x := 0, s; i < nv; i, x = i+1, x/3 {
			v[i] = float64(x%3 - 1)
		}
		for hs := 0; hs < 1<<nh; hs++ {
			e := 0.0
			for a := 0; a < nh; a++ {
				h := float64(2*(hs>>a&1) - 1)
				e += bh[a] * h
				for i := range v {
					e += w[i*nh+a] * v[i] * h
				}
			}
			for i := range v {
				e += bv[i]*v[i] + cv[i]*v[i]*v[i]
			}
			p[s] += math.Exp(e)
		}
		z += p[s]
	}
	for s := range p {
		p[s] /= z
	}
	return p
}

// The spin-1 flow is a Gibbs sampler of the RBM: after many iterations
// from one configuration, the histogram of independent chains' visible
// configurations matches the exact marginal (N_v = 4, N_h = 2, all 81
// states) within 4σ; the same histogram against the marginal of the
// model without the v² bias is off by more (the test's power).
func TestSpin1GibbsMatchesExactMarginal(t *testing.T) {
	const nv, nh, chains = 4, 2, 40000
	w := []float64{0.9, -0.4, 0.5, 0.8, -0.7, 0.3, 0.2, -0.6}
	bv := []float64{0.3, -0.2, 0.0, 0.5}
	cv := []float64{-0.5, 0.4, 0.8, -0.2}
	bh := []float64{0.2, -0.3}
	f := func(x []float64) []float32 {
		out := make([]float32, len(x))
		for i, v := range x {
			out[i] = float32(v)
		}
		return out
	}
	weights := []sdk.Tensor{
		{Name: TensorW, Shape: []int{nv, nh}, Data: f(w)}, {Name: TensorBV, Shape: []int{nv}, Data: f(bv)},
		{Name: TensorBH, Shape: []int{nh}, Data: f(bh)}, {Name: TensorCV, Shape: []int{nv}, Data: f(cv)},
	}
	start := make([]int8, chains*nv)
	for i := range start {
		start[i] = 1
	}
	out, err := NewWithWorkers(2).Apply(context.Background(), sdk.ApplyRequest{Operation: OpFlow, Seed: 11, Size: 2, Weights: weights,
		Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{chains, nv}, Data: start},
			{Name: "iterations", Shape: []int{1}, Data: []int64{30}}}})
	if err != nil {
		t.Fatal(err)
	}
	got := out[0].Data.([]int8)
	hist := make([]float64, 81)
	for c := 0; c < chains; c++ {
		s := 0
		for i := nv - 1; i >= 0; i-- {
			s = 3*s + int(got[c*nv+i]) + 1
		}
		hist[s]++
	}
	worst := func(p []float64) float64 {
		z := 0.0
		for s, ps := range p {
			sigma := math.Sqrt(chains * ps * (1 - ps))
			z = math.Max(z, math.Abs(hist[s]-chains*ps)/sigma)
		}
		return z
	}
	if z := worst(exactSpin1Marginal(nv, nh, w, bv, cv, bh)); z > 4 {
		t.Errorf("the histogram is %.1fσ from the exact marginal in its worst state, want ≤ 4σ", z)
	}
	if z := worst(exactSpin1Marginal(nv, nh, w, bv, make([]float64, nv), bh)); z <= 4 {
		t.Errorf("the histogram is within %.1fσ of the wrong marginal (c = 0): the test has no power", z)
	}
}

// Spin-1 data: refused by ±1 units (visible = 0) with a message naming the fix;
// trained, checkpointed and resumed bit-identically with visible = 1; the
// weights carry c_v, and a ±1 checkpoint does not resume a spin-1 training.
func TestSpin1TrainResumeAndErrors(t *testing.T) {
	ds := spin1Data(4, 120, 8)
	ctx := context.Background()
	l := NewWithWorkers(2)
	_, err := l.Train(ctx, sdk.TrainRequest{Hyper: sdk.Params{ParamHidden: 4, ParamEpochs: 1, ParamVisible: VisibleIsing}, Train: ds}, nil)
	if err == nil || !strings.Contains(err.Error(), "visible = 1") {
		t.Fatalf("±1 training of spin-1 data: %v", err)
	}
	p := sdk.Params{ParamVisible: VisibleSpin1, ParamHidden: 6, ParamEpochs: 6, ParamBatch: 50, ParamMomentum: 0.5,
		ParamK: 2, ParamSampling: 1, ParamPersistent: 1, ParamPLLEvery: 2}
	full := &recorder{}
	w, err := l.Train(ctx, sdk.TrainRequest{Hyper: p, Seed: 4, Train: ds, CheckpointEvery: 3}, full)
	if err != nil {
		t.Fatal(err)
	}
	pll := full.progress[len(full.progress)-1].Metrics[MetricPLL]
	if !(pll < 0 && pll > -math.Log(3)-0.5) {
		t.Errorf("pseudo-log-likelihood per spin %g, want in (−log 3 − 0.5, 0)", pll)
	}
	resumed := &recorder{}
	w2, err := l.Train(ctx, sdk.TrainRequest{Hyper: p, Seed: 4, Train: ds, CheckpointEvery: 3, Resume: full.checkpoint(t, 3)}, resumed)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{TensorW, TensorBV, TensorBH, TensorCV}
	if string(tensorBytes(t, w, names...)) != string(tensorBytes(t, w2, names...)) {
		t.Errorf("resumed spin-1 weights differ from the uninterrupted training's")
	}
	delete(p, ParamVisible)
	if _, err := l.Train(ctx, sdk.TrainRequest{Hyper: p, Seed: 4, Train: lowTData(4, 120, 0.1, 1), CheckpointEvery: 3,
		Resume: full.checkpoint(t, 3)}, &recorder{}); err == nil || !strings.Contains(err.Error(), TensorCV) {
		t.Errorf("±1 training resumed from a spin-1 checkpoint: %v", err)
	}
	// Reconstruction of spin-1 data with spin-1 weights is a mean in [−1, 1].
	out, err := l.Apply(ctx, sdk.ApplyRequest{Operation: OpReconstruct, Size: 4, Weights: w,
		Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{ds.Len(), 16}, Data: ds.Configs}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range out[0].Data.([]float32) {
		if !(v >= -1 && v <= 1) {
			t.Fatalf("reconstruction value %g outside [−1, 1]", v)
		}
	}
}

// The block-wise spin-1 step (stepFused) computes what the whole-batch
// step computes: after one step from the same state, the column sums of
// ⟨v⟩, ⟨v²⟩ and h, the reconstruction error, b_v, c, b_h and the chains
// are the same bits, and W differs only by the order of the gradient's
// summation. Mean-field CD-1, sampled CD-2 and sampled PCD-2, on several
// blocks (N = 3·passRows + 5).
func TestSpin1FusedStepMatchesWholeBatch(t *testing.T) {
	const L, nh = 5, 20
	n := 3*passRows + 5
	ds := spin1Data(L, n, 9)
	e := newEngine(2)
	defer e.close()
	for _, p := range []sdk.Params{
		{},
		{ParamK: 2, ParamSampling: 1},
		{ParamK: 2, ParamSampling: 1, ParamPersistent: 1},
	} {
		p[ParamVisible], p[ParamHidden], p[ParamInitStd], p[ParamLR] = VisibleSpin1, nh, 0.5, 0.3
		h, err := hyperOf(p)
		if err != nil {
			t.Fatal(err)
		}
		var tr [2]*trainer
		var sq [2]float64
		for i := range tr {
			if tr[i], err = newTrainer(e, h, 7, ds.Configs, n, L*L, false); err != nil {
				t.Fatal(err)
			}
			tr[i].init()
			for k := range tr[i].cur.c[:L*L] { // c starts at 0: give it a part
				tr[i].cur.c[k] = 0.1 * float32(k%5-2)
			}
		}
		if sq[0], err = tr[0].stepFused(tr[0].x0, n); err != nil {
			t.Fatal(err)
		}
		if sq[1], err = tr[1].stepWhole(tr[1].x0, n); err != nil {
			t.Fatal(err)
		}
		f, w := tr[0], tr[1]
		if sq[0] != sq[1] {
			t.Errorf("%v: squared error %v (fused) vs %v (whole batch)", p, sq[0], sq[1])
		}
		for _, c := range []struct {
			name string
			a, b []float64
		}{{"Σ⟨v⟩", f.sumV, w.sumV}, {"Σ⟨v²⟩", f.s1.sumQ, w.s1.sumQ}, {"Σh1", f.sumH1, w.sumH1}, {"Σh2", f.sumH2, w.sumH2}} {
			for i := range c.a {
				if c.a[i] != c.b[i] {
					t.Fatalf("%v: %s[%d] = %v (fused) vs %v (whole batch)", p, c.name, i, c.a[i], c.b[i])
				}
			}
		}
		for _, c := range []struct {
			name string
			a, b []float32
		}{{TensorBV, f.cur.bv, w.cur.bv}, {TensorCV, f.cur.c, w.cur.c}, {TensorBH, f.cur.bh, w.cur.bh}, {"chains", f.cur.chains, w.cur.chains}} {
			for i := range c.a {
				if c.a[i] != c.b[i] {
					t.Fatalf("%v: %s[%d] = %v (fused) vs %v (whole batch)", p, c.name, i, c.a[i], c.b[i])
				}
			}
		}
		for i := range f.cur.w {
			if d := math.Abs(float64(f.cur.w[i] - w.cur.w[i])); d > 1e-6 {
				t.Fatalf("%v: W[%d] = %v (fused) vs %v (whole batch)", p, i, f.cur.w[i], w.cur.w[i])
			}
		}
	}
}
