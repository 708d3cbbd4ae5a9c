package rbm

import (
	"math"
	"slices"

	"github.com/rgml/rgml/plugins/internal/xrand"
)

// evalSet is the subset of the training set the pseudo-log-likelihood and,
// for persistent CD, the reconstruction error are measured on: at most
// evalConfigs configurations, evenly spaced through the training set.
type evalSet struct {
	m       int
	s, x, y []float32 // pad4(m)×nvp, pad4(m)×nhp, pad4(m)×nvp
	part    []float32
	errPart []float64
	sites   []int32
	logp    []float64
	job     pllJob
}

func (t *trainer) evaluation() *evalSet {
	if t.eval != nil {
		return t.eval
	}
	m := min(t.n, evalConfigs)
	ev := &evalSet{
		m: m, s: make([]float32, pad4(m)*t.nvp), x: make([]float32, pad4(m)*t.nhp), y: make([]float32, pad4(m)*t.nvp),
		part: make([]float32, blocks(m)*t.nvp), errPart: make([]float64, blocks(m)),
		sites: make([]int32, m), logp: make([]float64, m),
	}
	for c := 0; c < m; c++ {
		src := c * t.n / m
		copy(ev.s[c*t.nvp:(c+1)*t.nvp], t.x0[src*t.nvp:(src+1)*t.nvp])
	}
	t.eval = ev
	return ev
}

// reconstructionError returns the mean over the subset and the sites of
// (v − v1)², v1 = tanh(tanh(v W + b_h) Wᵀ + b_v) with the current weights.
func (ev *evalSet) reconstructionError(t *trainer) float64 {
	e, s := t.e, &t.cur
	e.gemm(false, ev.m, t.nh, t.nv, 1, ev.s, t.nvp, s.w, t.nhp, false, ev.x, t.nhp)
	e.act(actJob{x: ev.x, ld: t.nhp, rows: ev.m, width: t.nhp, bias: s.bh})
	e.gemm(false, ev.m, t.nv, t.nh, 1, ev.x, t.nhp, t.wt, t.nvp, false, ev.y, t.nvp)
	t.visAct(actJob{x: ev.y, ld: t.nvp, rows: ev.m, width: t.nvp, bias: s.bv, part: ev.part,
		ref: ev.s, ldr: t.nvp, errPart: ev.errPart})
	sq := 0.0
	for _, v := range ev.errPart {
		sq += v
	}
	return sq / float64(ev.m*t.sites())
}

// pll returns the stochastic pseudo-log-likelihood per spin: the mean over
// the subset of log p(v_i | v_{−i}) at one site i per configuration, drawn
// uniformly from a stream seeded by the request's seed and the epoch.
// With the free energy F(v) = −Σ_i b_i^v v_i − Σ_a log 2cosh(x_a),
// x = v W + b_h, p(v_i | v_{−i}) = σ(F(ṽ) − F(v)), ṽ being v with v_i
// flipped. It does not touch the training's state.
func (ev *evalSet) pll(t *trainer, epoch int) float64 {
	rng := xrand.New(xrand.Derive(t.seed, streamPLL, epoch))
	for c := range ev.sites {
		ev.sites[c] = int32(rng.Below(t.sites()))
	}
	s := &t.cur
	t.e.gemm(false, ev.m, t.nh, t.nv, 1, ev.s, t.nvp, s.w, t.nhp, false, ev.x, t.nhp)
	ev.job = pllJob{ev: ev, t: t}
	t.e.pool.do(&ev.job)
	sum := 0.0
	for _, v := range ev.logp {
		sum += v
	}
	return sum / float64(ev.m)
}

type pllJob struct {
	ev *evalSet
	t  *trainer
}

func (j *pllJob) run(part, parts int) {
	ev, t := j.ev, j.t
	s := &t.cur
	lo, hi := span(ev.m, part, parts)
	for c := lo; c < hi; c++ {
		i := int(ev.sites[c])
		if q := t.catQ(); q > 0 {
			x, g := ev.x[c*t.nhp:c*t.nhp+t.nh], ev.s[c*t.nvp+i*q:c*t.nvp+(i+1)*q]
			ev.logp[c] = t.cat.logPCond(slices.Index(g, 1), s.bv[i*q:(i+1)*q], x, s.w[i*q*t.nhp:], t.nhp, s.bh)
			continue
		}
		vi := float64(ev.s[c*t.nvp+i])
		x, w := ev.x[c*t.nhp:c*t.nhp+t.nh], s.w[i*t.nhp:i*t.nhp+t.nh]
		if s.c != nil {
			ev.logp[c] = logPCond3(vi, float64(s.bv[i]), float64(s.c[i]), x, w, s.bh)
			continue
		}
		ev.logp[c] = logPCond(vi, float64(s.bv[i]), x, w, s.bh)
	}
}

// logPCond returns log p(v_i | v_{−i}) for v_i = vi given x_a = Σ_j v_j W_ja
// (without the bias), the bias b_i^v and row i of W.
func logPCond(vi, bvi float64, x, w, bh []float32) float64 {
	dF := 2 * bvi * vi // F(ṽ) − F(v)
	for a, xa := range x {
		u := float64(xa) + float64(bh[a])
		dF += logCosh(u) - logCosh(u-2*vi*float64(w[a]))
	}
	return -softplus(-dF)
}

// logCosh returns log cosh(x) + log 2 = |x| + log(1 + e^{−2|x|}).
func logCosh(x float64) float64 {
	x = math.Abs(x)
	return x + math.Log1p(math.Exp(-2*x))
}

// softplus returns log(1 + e^z) without overflow.
func softplus(z float64) float64 {
	return math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))
}
