package rbm

import (
	"math"
	"sync/atomic"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/kernels"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// Spin-1 visible units (the "visible" hyper-parameter = VisibleSpin1): v_i
// ∈ {−1, 0, +1} with the energy
//
//	Φ(v, h) = −(Σ W_ia v_i h_a + Σ b_i^v v_i + Σ c_i v_i² + Σ b_a^h h_a),
//
// so that, with a_i = Σ_a W_ia h_a + b_i^v and Z_i = 1 + 2e^{c_i} cosh a_i,
//
//	⟨v_i⟩_h  = 2e^{c_i} sinh a_i / Z_i
//	⟨v_i²⟩_h = 2e^{c_i} cosh a_i / Z_i
//
// The hidden units stay ±1 (⟨h_a⟩_v = tanh(Σ_i W_ia v_i + b_a^h)). Both
// means are computed from t = tanh(a_i/2) (tanh32, no exp per unit):
// sinh a = 2t/(1−t²), cosh a = (1+t²)/(1−t²), so with g = 2e^{c_i},
// D = (1−t²) + g(1+t²): ⟨v_i⟩ = 2gt/D, ⟨v_i²⟩ = g(1+t²)/D.

// Values of the "visible" hyper-parameter.
const (
	VisibleIsing = 0 // ±1 visible units (the paper's)
	VisibleSpin1 = 1 // spin-1 visible units {−1, 0, +1}
)

// Tensors of the spin-1 RBM besides W, b_v and b_h.
const (
	TensorCV         = "c_v"          // the v_i² bias c_i, float32 [N_v]
	TensorCVVelocity = "c_v_velocity" // its momentum buffer (checkpoints)
)

// spin1Means sets x[j] to ⟨v_j⟩ and q[j] to ⟨v_j²⟩ for a_j = x[j] + 2hb[j]
// (hb is half the bias b^v) and the precomputed g[j] = 2e^{c_j};
// len(q), len(hb), len(g) ≥ len(x). With t = tanh(a/2) from the
// vectorised tanhBias, one division serves both means.
func spin1Means(x, q, hb, g []float32) {
	q, g = q[:len(x)], g[:len(x)]
	for j := range x {
		x[j] *= 0.5
	}
	kernels.TanhBias(x, hb)
	for j, t := range x {
		t2 := t * t
		num := g[j] * (1 + t2)
		inv := 1 / ((1 - t2) + num)
		x[j] = 2 * g[j] * t * inv
		q[j] = num * inv
	}
}

// spin1Gain sets g_j = 2e^{c_j} and hb_j = b_j/2 for every j.
func spin1Gain(g, hb, c, b []float32) {
	for j, v := range c {
		g[j] = float32(2 * math.Exp(float64(v)))
		hb[j] = 0.5 * b[j]
	}
}

// spin1Job is actJob for spin-1 visible units: x = ⟨v⟩ for pre-activations
// x + bias, column sums of ⟨v⟩ into part and of ⟨v²⟩ into partQ per
// block, and with ref each block's Σ (ref − ⟨v⟩)² into errPart.
type spin1Job struct {
	x, q        []float32 // q: rows×ld scratch for ⟨v²⟩
	ld, rows    int
	width       int       // padded row width (a multiple of 8)
	cols        int       // real units (≤ width)
	bias, gain  []float32 // half the bias, 2e^c
	part, partQ []float32
	ref         []float32
	ldr         int
	errPart     []float64
	next        *atomic.Int64
}

func (j *spin1Job) run(part, parts int) {
	nb := blocks(j.rows)
	for {
		b := int(j.next.Add(1) - 1)
		if b >= nb {
			return
		}
		r0, r1 := b*passRows, min((b+1)*passRows, j.rows)
		var ps, pq []float32
		if j.part != nil {
			ps, pq = j.part[b*j.width:(b+1)*j.width], j.partQ[b*j.width:(b+1)*j.width]
			clear(ps)
			clear(pq)
		}
		e := 0.0
		for r := r0; r < r1; r++ {
			// The padding (zero pre-activation and bias) stays 0.
			row, q := j.x[r*j.ld:r*j.ld+j.width], j.q[r*j.ld:r*j.ld+j.width]
			spin1Means(row, q, j.bias, j.gain)
			if ps != nil {
				for c, v := range row[:j.cols] {
					ps[c] += v
					pq[c] += q[c]
				}
			}
			if j.ref != nil {
				var s float32
				for c, v := range j.ref[r*j.ldr : r*j.ldr+j.cols] {
					d := v - row[c]
					s += d * d
				}
				e += float64(s)
			}
		}
		if j.ref != nil {
			j.errPart[b] = e
		}
	}
}

// blockMeans is spin1Job for block b of the fused step (fused.go): it
// sets the mb rows of v (half the pre-activations a/2, stride nvp) to ⟨v⟩, puts the
// column sums of ⟨v⟩ in partV (cleared) and of ⟨v²⟩ in the block's partQ,
// and with ref returns Σ (ref − ⟨v⟩)². The rows, sums and error are
// spin1Job's, bit for bit, in one pass per row after the tanh and without
// storing ⟨v²⟩: the elementwise work, not the products, is what would
// make a spin-1 epoch slower than a ±1 one at small N_h.
func (s *spin1) blockMeans(b int, v []float32, mb, nv, nvp int, partV, ref []float32) float64 {
	pq := s.partQ[b*nvp : (b+1)*nvp]
	clear(pq)
	ps, pq, g := partV[:nv], pq[:nv], s.gain[:nv]
	e := 0.0
	for r := 0; r < mb; r++ {
		row := v[r*nvp : (r+1)*nvp]
		kernels.TanhBias(row, s.hb) // the padding stays tanh(0) = 0
		x := row[:nv]
		ps, pq, g := ps[:len(x)], pq[:len(x)], g[:len(x)]
		if ref == nil {
			for j, t := range x {
				t2 := t * t
				num := g[j] * (1 + t2)
				inv := 1 / ((1 - t2) + num)
				m := float32(2 * g[j] * t * inv) // no fusion into ps[j] += m (arm64): spin1Means rounds it
				x[j] = m
				ps[j] += m
				pq[j] += float32(num * inv)
			}
			continue
		}
		rr := ref[r*nvp : r*nvp+len(x)]
		var d2 float32
		for j, t := range x {
			t2 := t * t
			num := g[j] * (1 + t2)
			inv := 1 / ((1 - t2) + num)
			m := float32(2 * g[j] * t * inv)
			x[j] = m
			ps[j] += m
			pq[j] += float32(num * inv)
			d := rr[j] - m
			d2 += d * d
		}
		e += float64(d2)
	}
	return e
}

// spin1 holds a spin-1 training's extra buffers.
type spin1 struct {
	gain, hb    []float32 // nvp: 2e^{c}, b_v/2
	q           []float32 // rows×nvp: ⟨v²⟩ scratch
	partQ       []float32
	sumQ0, sumQ []float64
	fullDone    bool // sumQ0 holds the full batch's sums
	job         spin1Job
}

func (t *trainer) isSpin1() bool { return t.h.visible == VisibleSpin1 }

// newSpin1 allocates the spin-1 buffers (nil for ±1 units).
func (t *trainer) newSpin1() *spin1 {
	if !t.isSpin1() {
		return nil
	}
	return &spin1{
		gain: make([]float32, t.nvp), hb: make([]float32, t.nvp), q: make([]float32, max(t.rows, pad4(min(t.n, evalConfigs)))*t.nvp),
		partQ: make([]float32, blocks(max(t.bs, min(t.n, evalConfigs)))*t.nvp),
		sumQ0: make([]float64, t.nvp), sumQ: make([]float64, t.nvp),
	}
}

// visAct is the visible units' activation of a negative phase: actJob's
// tanh for ±1 units, spin1Job's means (with ⟨v²⟩'s column sums in sumQ)
// for spin-1 units.
func (t *trainer) visAct(j actJob) {
	if t.cat != nil {
		t.catAct(j)
		return
	}
	if t.s1 == nil {
		t.e.act(j)
		return
	}
	s := t.s1
	spin1Gain(s.gain, s.hb, t.cur.c, j.bias)
	s.job = spin1Job{x: j.x, q: s.q, ld: j.ld, rows: j.rows, width: j.width, cols: t.nv, bias: s.hb, gain: s.gain,
		part: j.part, partQ: s.partQ, ref: j.ref, ldr: j.ldr, errPart: j.errPart, next: &t.e.next}
	if j.part == nil {
		s.job.partQ = nil
	}
	t.e.run(&s.job)
	if j.part != nil {
		reduce(s.sumQ, s.partQ, j.rows, j.width)
	}
}

// spin1Positive sets sumQ0 to the column sums of v0² over the batch's m
// rows (a no-op for ±1 units, whose v² is 1).
func (t *trainer) spin1Positive(v0 []float32, m int) {
	if t.s1 == nil || (t.s1.fullDone && t.xb == nil) {
		return
	}
	t.s1.fullDone = t.xb == nil // full batch: the same sums every step
	clear(t.s1.sumQ0)
	for r := 0; r < m; r++ {
		for j, v := range v0[r*t.nvp : r*t.nvp+t.nv] {
			t.s1.sumQ0[j] += float64(v * v)
		}
	}
}

// spin1Update applies the step to c: δc = ε/m Σ (v0² − ⟨v²⟩) with
// momentum (c is not decayed); it reports whether c stays finite and
// within MaxAbsWeight.
func (t *trainer) spin1Update(scale, mom float32) bool {
	if t.s1 == nil {
		return true
	}
	s, ok := &t.cur, true
	for i := 0; i < t.nv; i++ {
		v := float32(mom*s.vc[i]) + float32(scale*float32(t.s1.sumQ0[i]-t.s1.sumQ[i])) // rounded products, as update's
		s.vc[i] = v
		s.c[i] += v
		ok = ok && s.c[i] <= MaxAbsWeight && s.c[i] >= -MaxAbsWeight
	}
	return ok
}

// logPCond3 returns log p(v_i | v_{−i}) for a spin-1 unit v_i = vi given
// x_a = Σ_j v_j W_ja (without the bias), the biases b_i^v, c_i and row i
// of W: with −F(s) = b s + c s² + Σ_a log 2cosh(x_a + b_a^h + (s − v_i) W_ia),
// p(v_i = s | v_{−i}) = e^{−F(s)} / Σ_{s'} e^{−F(s')}.
func logPCond3(vi, bvi, ci float64, x, w, bh []float32) float64 {
	var nf [3]float64
	for k := range nf {
		s := float64(k - 1)
		f := bvi*s + ci*s*s
		for a, xa := range x {
			f += logCosh(float64(xa) + float64(bh[a]) + (s-vi)*float64(w[a]))
		}
		nf[k] = f
	}
	m := math.Max(nf[0], math.Max(nf[1], nf[2]))
	lse := m + math.Log(math.Exp(nf[0]-m)+math.Exp(nf[1]-m)+math.Exp(nf[2]-m))
	return nf[int(vi)+1] - lse
}

// checkSpins checks that configs hold only the states of the visible
// units: ±1, or {−1, 0, +1} with spin1.
func checkSpins(configs []int8, nv int, spin1 bool) error {
	for k, v := range configs {
		if v != 1 && v != -1 && (!spin1 || v != 0) {
			if spin1 {
				return sdk.InvalidArgument("configuration %d, site %d: value %d is not −1, 0 or +1", k/nv, k%nv, v)
			}
			return sdk.InvalidArgument("configuration %d, site %d: value %d is not ±1 (spin-1 data needs "+
				"the hyper-parameter %s = %d, or weights with %s)", k/nv, k%nv, v, ParamVisible, VisibleSpin1, TensorCV)
		}
	}
	return nil
}

// spin1Sample replaces the first cols means of each row of x by a
// spin-1 draw: with μ = ⟨v⟩ and q = ⟨v²⟩, −1 with probability (q − μ)/2,
// +1 with (q + μ)/2, 0 with 1 − q.
func spin1Sample(x, q []float32, rng *xrand.RNG) {
	for j, mu := range x {
		u := float32(rng.Uint64()>>40) * 0x1p-24
		qj := q[j]
		switch {
		case u < 0.5*(qj-mu):
			x[j] = -1
		case u < qj:
			x[j] = 1
		default:
			x[j] = 0
		}
	}
}

// spin1SampleJob sets rows of x (pre-activations) to spin-1 draws given
// bias and gain, block b drawing from rngs[b].
type spin1SampleJob struct {
	x, q       []float32
	ld, rows   int
	width      int
	cols       int
	bias, gain []float32 // half the bias, 2e^c
	rngs       []xrand.RNG
	next       *atomic.Int64
}

func (j *spin1SampleJob) run(part, parts int) {
	nb := blocks(j.rows)
	for {
		b := int(j.next.Add(1) - 1)
		if b >= nb {
			return
		}
		for r := b * passRows; r < min((b+1)*passRows, j.rows); r++ {
			row, q := j.x[r*j.ld:r*j.ld+j.width], j.q[r*j.ld:r*j.ld+j.width]
			spin1Means(row, q, j.bias, j.gain)
			spin1Sample(row[:j.cols], q[:j.cols], &j.rngs[b])
		}
	}
}

// loadSpin1 reads the optional c_v [N_v] of a spin-1 RBM's weights.
func (m *model) loadSpin1(ts []sdk.Tensor) error {
	t, ok := sdk.FindTensor(ts, TensorCV)
	if !ok {
		return nil
	}
	d, ok := floats(t)
	if !ok || len(d) != m.nv {
		return sdk.InvalidArgument("weight tensor %s is %T of %d values, want float32 [%d] (N_v)", TensorCV, t.Data, t.Len(), m.nv)
	}
	m.cv = make([]float32, m.nvp)
	copy(m.cv, d)
	m.gain, m.hb = make([]float32, m.nvp), make([]float32, m.nvp)
	spin1Gain(m.gain, m.hb, m.cv, m.bv)
	return nil
}

// flowSpin1 is the flow of a spin-1 RBM: h drawn ±1 given v as for ±1
// units, then each v_i drawn from {−1, 0, +1} given h. Same blocks and
// random streams as flow.
func (m *model) flowSpin1(f *flowJob, e *engine) ([]int8, error) {
	q := make([]float32, len(f.v))
	next := 0
	f.record(0, &next, 0, f.n)
	for it := 1; next < len(f.its); it++ {
		if err := f.ctx.Err(); err != nil {
			return nil, err
		}
		m.sampleHidden(e, f.v, f.h, f.n, f.rngs)
		e.gemm(false, f.n, m.nv, m.nh, 1, f.h, m.nhp, m.wt, m.nvp, false, f.v, m.nvp)
		j := &spin1SampleJob{x: f.v, q: q, ld: m.nvp, rows: f.n, width: m.nvp, cols: m.nv,
			bias: m.hb, gain: m.gain, rngs: f.rngs, next: &e.next}
		e.run(j)
		f.record(it, &next, 0, f.n)
	}
	return f.out, nil
}

// reconstructSpin1 sets the k rows of v (pre-activations h Wᵀ) to ⟨v⟩.
func (m *model) reconstructSpin1(e *engine, v []float32, k int) {
	q := make([]float32, len(v))
	j := &spin1Job{x: v, q: q, ld: m.nvp, rows: k, width: m.nvp, cols: m.nv, bias: m.hb, gain: m.gain, next: &e.next}
	e.run(j)
}
