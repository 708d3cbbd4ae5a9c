package rbm

import (
	"math"
	"slices"
	"sync/atomic"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/kernels"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// Categorical (q-state Potts) visible units (the "visible" hyper-parameter
// = VisibleCategorical, or chosen from a state space that is neither ±1
// nor {−1, 0, +1}): site i takes one of the q states s_0 < … < s_{q−1},
// encoded one-hot as v_ik = δ(v_i, s_k), with the energy
//
//	Φ(v, h) = −(Σ_iak W_iak v_ik h_a + Σ_ik b_ik v_ik + Σ_a b_a^h h_a),
//
// so that p(v_i = s_k | h) = exp(a_ik) / Σ_l exp(a_il), a_ik = Σ_a W_iak h_a
// + b_ik, and ⟨h_a⟩_v = tanh(Σ_ik W_iak v_ik + b_a^h) as for ±1 units.
//
// The trainer and the model hold such an RBM as a ±1-shaped one of N_v·q
// visible columns, column i·q + k being (site i, state k): the products,
// the hidden units, the gradient and the update are the ±1 ones on the
// one-hot data; only the visible activation (a softmax per group of q
// columns instead of tanh), the sampling, the pseudo-likelihood and the
// tensors' shapes differ. Mean-field CD uses ⟨v_ik⟩_h = p(v_i = s_k | h).

// Values of the "visible" hyper-parameter beyond VisibleIsing and
// VisibleSpin1.
const (
	VisibleAuto        = -1 // from the dataset's state space
	VisibleCategorical = 2  // q-state categorical units
)

// TensorStates names the categorical RBM's states, int8 [q]: state k of
// W's and b_v's second axis is the site value states[k].
const TensorStates = "states"

// categorical describes categorical visible units.
type categorical struct {
	states []int8 // the site value of each state k
	q      int
	sites  int // N_v; the units are sites·q columns
	index  [256]int16
}

func newCategorical(states []int8, sites int) *categorical {
	c := &categorical{states: slices.Clone(states), q: len(states), sites: sites}
	for i := range c.index {
		c.index[i] = -1
	}
	for k, s := range states {
		c.index[uint8(s)] = int16(k)
	}
	return c
}

// check reports the first value of configs that is not one of the states.
func (c *categorical) check(configs []int8) error {
	for k, v := range configs {
		if c.index[uint8(v)] < 0 {
			return sdk.InvalidArgument("configuration %d, site %d: value %d is not one of the states %v of the categorical units",
				k/c.sites, k%c.sites, v, c.states)
		}
	}
	return nil
}

// encode sets dst (sites·q values) to the one-hot encoding of the checked
// configuration src.
func (c *categorical) encode(dst []float32, src []int8) {
	clear(dst[:c.sites*c.q])
	for i, v := range src[:c.sites] {
		dst[i*c.q+int(c.index[uint8(v)])] = 1
	}
}

// decode sets dst to the site values of the one-hot rows src.
func (c *categorical) decode(dst []int8, src []float32) {
	for i := range dst[:c.sites] {
		g := src[i*c.q : (i+1)*c.q]
		k := 0
		for l, v := range g {
			if v > g[k] {
				k = l
			}
		}
		dst[i] = c.states[k]
	}
}

// softmax sets each group x[iq:(i+1)q] of the sites·q pre-activations of a
// row to the softmax of x + b over the group: p(v_i = s_k | h). The
// exponentials of the whole row are taken in one vectorised pass.
func (c *categorical) softmax(x, b []float32) {
	n, q := c.sites*c.q, c.q
	x, b = x[:n], b[:n]
	for i0 := 0; i0 < n; i0 += q {
		g, bg := x[i0:i0+q], b[i0:i0+q]
		m := float32(math.Inf(-1))
		for k := range g {
			g[k] += bg[k]
			m = max(m, g[k])
		}
		for k := range g {
			g[k] -= m
		}
	}
	kernels.ExpNeg(x)
	for i0 := 0; i0 < n; i0 += q {
		g := x[i0 : i0+q]
		var s float32
		for _, v := range g {
			s += v
		}
		inv := 1 / s
		for k := range g {
			g[k] *= inv
		}
	}
}

// blockMeans is the visible activation of block b of the fused step: the
// mb rows of v (pre-activations, stride nvp) become the conditional
// probabilities, their column sums go to partV (cleared by the caller) and,
// with ref, Σ (ref − p)² is returned.
func (c *categorical) blockMeans(v []float32, mb, nvp int, bias, partV, ref []float32) float64 {
	n := c.sites * c.q
	e := 0.0
	for r := 0; r < mb; r++ {
		row := v[r*nvp : r*nvp+n]
		c.softmax(row, bias)
		if partV != nil {
			ps := partV[:n]
			for j, p := range row {
				ps[j] += p
			}
		}
		if ref != nil {
			var d2 float32
			for j, p := range ref[r*nvp : r*nvp+n] {
				d := p - row[j]
				d2 += d * d
			}
			e += float64(d2)
		}
	}
	return e
}

// catJob is actJob for categorical units (the whole-batch engine, the
// evaluation subset and reconstruct).
type catJob struct {
	c        *categorical
	x        []float32
	ld, rows int
	width    int
	bias     []float32
	part     []float32
	ref      []float32
	errPart  []float64
	next     *atomic.Int64
}

func (j *catJob) run(part, parts int) {
	nb := blocks(j.rows)
	for {
		b := int(j.next.Add(1) - 1)
		if b >= nb {
			return
		}
		r0, r1 := b*passRows, min((b+1)*passRows, j.rows)
		var ps []float32
		if j.part != nil {
			ps = j.part[b*j.width : (b+1)*j.width]
			clear(ps)
		}
		var ref []float32
		if j.ref != nil {
			ref = j.ref[r0*j.ld:]
		}
		e := j.c.blockMeans(j.x[r0*j.ld:], r1-r0, j.ld, j.bias, ps, ref)
		if j.errPart != nil {
			j.errPart[b] = e
		}
	}
}

// sampleRow replaces the probabilities of each site of x by a one-hot
// draw from them.
func (c *categorical) sampleRow(x []float32, rng *xrand.RNG) {
	q := c.q
	for i0 := 0; i0 < c.sites*q; i0 += q {
		g := x[i0 : i0+q]
		u := float32(rng.Uint64()>>40) * 0x1p-24
		k, cum := q-1, float32(0)
		for l, p := range g[:q-1] {
			if cum += p; u < cum {
				k = l
				break
			}
		}
		clear(g)
		g[k] = 1
	}
}

// catSampleJob sets rows of x (pre-activations) to one-hot draws given
// bias, block b drawing from rngs[b].
type catSampleJob struct {
	c        *categorical
	x        []float32
	ld, rows int
	bias     []float32
	rngs     []xrand.RNG
	next     *atomic.Int64
}

func (j *catSampleJob) run(part, parts int) {
	nb := blocks(j.rows)
	for {
		b := int(j.next.Add(1) - 1)
		if b >= nb {
			return
		}
		for r := b * passRows; r < min((b+1)*passRows, j.rows); r++ {
			row := j.x[r*j.ld : (r+1)*j.ld]
			j.c.softmax(row, j.bias)
			j.c.sampleRow(row, &j.rngs[b])
		}
	}
}

// logPCond returns log p(v_i | v_{−i}) for site i in the state of index ki
// given x_a = Σ_jl v_jl W_jla (without the bias), the biases b_i· and the
// rows W_i·· (q rows of stride ldw): with
// −F(k) = b_ik + Σ_a log 2cosh(x_a + b_a^h + W_ika − W_i(ki)a),
// p(v_i = s_k | v_{−i}) = e^{−F(k)} / Σ_l e^{−F(l)}.
func (c *categorical) logPCond(ki int, bv []float32, x, w []float32, ldw int, bh []float32) float64 {
	nf := make([]float64, c.q)
	cur := w[ki*ldw : ki*ldw+len(x)]
	m := math.Inf(-1)
	for k := range nf {
		wk := w[k*ldw : k*ldw+len(x)]
		f := float64(bv[k])
		for a, xa := range x {
			f += logCosh(float64(xa) + float64(bh[a]) + float64(wk[a]) - float64(cur[a]))
		}
		nf[k] = f
		m = math.Max(m, f)
	}
	s := 0.0
	for _, f := range nf {
		s += math.Exp(f - m)
	}
	return nf[ki] - m - math.Log(s)
}

// chooseUnits returns the visible units for the state space states (the
// dataset's declared one, or nil) of the data configs, and the states the
// units take: the "visible" hyper-parameter if set, else ±1 for {−1, +1},
// spin-1 for {−1, 0, +1} and categorical for any other state space. An
// undeclared state space is the data's values, widened to {−1, +1} or
// {−1, 0, +1} when they fit in one (so that data that happen to miss a
// spin value keep the units they had before states were declared).
func chooseUnits(visible int, declared []int8, configs []int8) (int, []int8, error) {
	states := sdk.Dataset{Configs: configs, StateSpace: declared}.States()
	if err := sdk.CheckStateSpace(states); err != nil {
		return 0, nil, err
	}
	ising, spin1 := []int8{-1, 1}, []int8{-1, 0, 1}
	if declared == nil {
		switch {
		case subset(states, ising):
			states = ising
		case subset(states, spin1):
			states = spin1
		}
	}
	switch visible {
	case VisibleAuto:
		switch {
		case slices.Equal(states, ising):
			return VisibleIsing, states, nil
		case slices.Equal(states, spin1):
			return VisibleSpin1, states, nil
		}
		visible = VisibleCategorical
	case VisibleIsing:
		if !subset(states, ising) {
			return 0, nil, sdk.InvalidArgument("%s = %d (±1 units) does not fit the data's state space %v: leave %s unset "+
				"to choose from the state space, or set %s = %d (spin-1) or %d (categorical)",
				ParamVisible, VisibleIsing, states, ParamVisible, ParamVisible, VisibleSpin1, VisibleCategorical)
		}
		return VisibleIsing, ising, nil
	case VisibleSpin1:
		if !subset(states, spin1) {
			return 0, nil, sdk.InvalidArgument("%s = %d (spin-1 units) does not fit the data's state space %v: leave %s unset "+
				"to choose from the state space, or set %s = %d (categorical)",
				ParamVisible, VisibleSpin1, states, ParamVisible, ParamVisible, VisibleCategorical)
		}
		return VisibleSpin1, spin1, nil
	}
	if len(states) < 2 {
		return 0, nil, sdk.InvalidArgument("categorical units need at least 2 states; the data's state space is %v "+
			"(its model declares none and the data take one value): if a site can take other values, import the data "+
			"again naming them all, e.g. rgml datasets import FILE --states -1,1 (or states: [-1, 1] in a spec)", states)
	}
	return VisibleCategorical, states, nil
}

// subset reports whether every value of a (sorted) is in b (sorted).
func subset(a, b []int8) bool {
	for _, v := range a {
		if _, ok := slices.BinarySearch(b, v); !ok {
			return false
		}
	}
	return true
}

// sites returns the number of sites of the training's configurations.
func (t *trainer) sites() int {
	if t.cat != nil {
		return t.cat.sites
	}
	return t.nv
}

// catAct is visAct for categorical units.
func (t *trainer) catAct(j actJob) {
	t.e.run(&catJob{c: t.cat, x: j.x, ld: j.ld, rows: j.rows, width: j.width, bias: j.bias, part: j.part,
		ref: j.ref, errPart: j.errPart, next: &t.e.next})
}

// oneHot converts checked configurations to a padded float32 matrix of
// pad4(n) rows of stride nvp, as toFloat does for ±1 and spin-1 units.
func (c *categorical) oneHot(configs []int8, n, nvp int) []float32 {
	x := make([]float32, pad4(n)*nvp)
	for r := 0; r < n; r++ {
		c.encode(x[r*nvp:], configs[r*c.sites:(r+1)*c.sites])
	}
	return x
}

// loadCategorical reads a categorical RBM's weights: W [N_v, q, N_h], b_v
// [N_v, q] and states int8 [q]. It returns nil for weights with a
// two-dimensional W.
func loadCategorical(ts []sdk.Tensor) (*categorical, error) {
	w, _ := sdk.FindTensor(ts, TensorW)
	st, hasStates := sdk.FindTensor(ts, TensorStates)
	if len(w.Shape) != 3 {
		if hasStates {
			return nil, sdk.InvalidArgument("weights have %s but W has shape %v; a categorical RBM's W is [N_v, q, N_h]", TensorStates, w.Shape)
		}
		return nil, nil
	}
	if !hasStates {
		return nil, sdk.InvalidArgument("W has shape %v (categorical units) but the weights lack tensor %q (int8 [q])", w.Shape, TensorStates)
	}
	states, ok := st.Data.([]int8)
	if !ok || len(states) != w.Shape[1] || w.Shape[1] < 2 {
		return nil, sdk.InvalidArgument("weight tensor %s is %T %v; W %v needs int8 [%d]", TensorStates, st.Data, st.Shape, w.Shape, w.Shape[1])
	}
	if err := sdk.CheckStateSpace(states); err != nil {
		return nil, sdk.InvalidArgument("weight tensor %s: %v", TensorStates, err)
	}
	if w.Shape[0] < 1 || w.Shape[2] < 1 {
		return nil, sdk.InvalidArgument("weight tensor W has shape %v, want [N_v, q, N_h]", w.Shape)
	}
	return newCategorical(states, w.Shape[0]), nil
}

// catQ returns q for categorical units, else 0.
func (t *trainer) catQ() int {
	if t.cat != nil {
		return t.cat.q
	}
	return 0
}

// shapeW returns the shape of W: [N_v, N_h], or [N_v, q, N_h] for
// categorical units (W_iak at W[(i·q+k)·N_h+a]).
func (t *trainer) shapeW() []int {
	if t.cat != nil {
		return []int{t.cat.sites, t.cat.q, t.nh}
	}
	return []int{t.nv, t.nh}
}

// shapeBV returns the shape of b_v: [N_v], or [N_v, q].
func (t *trainer) shapeBV() []int {
	if t.cat != nil {
		return []int{t.cat.sites, t.cat.q}
	}
	return []int{t.nv}
}

// statesTensor returns the states tensor of categorical units (else none).
func (t *trainer) statesTensor() []sdk.Tensor {
	if t.cat == nil {
		return nil
	}
	return []sdk.Tensor{{Name: TensorStates, Shape: []int{t.cat.q}, Data: slices.Clone(t.cat.states)}}
}

// restoreStates checks that a checkpoint's units are this training's.
func (t *trainer) restoreStates(ck *sdk.Checkpoint) error {
	st, ok := sdk.FindTensor(ck.Tensors, TensorStates)
	switch {
	case t.cat == nil && ok:
		return sdk.InvalidArgument("checkpoint has %s: it is from a categorical training (%s = %d)", TensorStates, ParamVisible, VisibleCategorical)
	case t.cat == nil:
		return nil
	case !ok:
		return sdk.InvalidArgument("checkpoint has no %s: it is not from a categorical training", TensorStates)
	}
	if got, isInt8 := st.Data.([]int8); !isInt8 || !slices.Equal(got, t.cat.states) {
		return sdk.InvalidArgument("checkpoint's states %v are not this training's %v", st.Data, t.cat.states)
	}
	return nil
}

// sites returns the number of sites of the model's configurations.
func (m *model) sites() int {
	if m.cat != nil {
		return m.cat.sites
	}
	return m.nv
}

// encode sets rows [0, k) of v (stride nvp) to the visible units of the
// checked configurations c0, …, c0+k−1.
func (m *model) encode(v []float32, configs []int8, c0, k int) {
	ns := m.sites()
	for c := 0; c < k; c++ {
		src := configs[(c0+c)*ns : (c0+c+1)*ns]
		if m.cat != nil {
			m.cat.encode(v[c*m.nvp:], src)
			continue
		}
		for i, s := range src {
			v[c*m.nvp+i] = float32(s)
		}
	}
}

// flowCategorical is the flow of a categorical RBM: h drawn ±1 given v as
// for ±1 units, then each site's state drawn from p(v_i = s_k | h). Same
// blocks and random streams as flow.
func (m *model) flowCategorical(f *flowJob, e *engine) ([]int8, error) {
	next := 0
	f.record(0, &next, 0, f.n)
	for it := 1; next < len(f.its); it++ {
		if err := f.ctx.Err(); err != nil {
			return nil, err
		}
		m.sampleHidden(e, f.v, f.h, f.n, f.rngs)
		e.gemm(false, f.n, m.nv, m.nh, 1, f.h, m.nhp, m.wt, m.nvp, false, f.v, m.nvp)
		e.run(&catSampleJob{c: m.cat, x: f.v, ld: m.nvp, rows: f.n, bias: m.bv, rngs: f.rngs, next: &e.next})
		f.record(it, &next, 0, f.n)
	}
	return f.out, nil
}
