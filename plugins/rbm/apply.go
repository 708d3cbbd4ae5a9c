package rbm

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/kernels"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// applyChunk is the most configurations reconstruct and hidden hold in
// float32 at once.
const applyChunk = 4096

// model is a trained RBM with padded weights.
type model struct {
	nv, nh, nvp, nhp int
	w, wt, bv, bh    []float32
	cv, gain, hb     []float32 // spin-1 units: c_v, 2e^{c_v}, b_v/2, else nil
	cat              *categorical
}

// floats returns a float32 or float64 tensor's values as float32.
func floats(t sdk.Tensor) ([]float32, bool) {
	switch d := t.Data.(type) {
	case []float32:
		return d, true
	case []float64:
		out := make([]float32, len(d))
		for i, v := range d {
			out[i] = float32(v)
		}
		return out, true
	}
	return nil, false
}

// loadModel reads W [N_v, N_h], b_v [N_v] and b_h [N_h].
func loadModel(ts []sdk.Tensor) (*model, error) {
	get := func(name string) (sdk.Tensor, []float32, error) {
		t, ok := sdk.FindTensor(ts, name)
		if !ok {
			return t, nil, sdk.InvalidArgument("weights lack tensor %q", name)
		}
		d, ok := floats(t)
		if !ok {
			return t, nil, sdk.InvalidArgument("weight tensor %s is %T, want float32", name, t.Data)
		}
		return t, d, nil
	}
	wT, w, err := get(TensorW)
	if err != nil {
		return nil, err
	}
	cat, err := loadCategorical(ts)
	if err != nil {
		return nil, err
	}
	shape := wT.Shape
	if cat != nil { // W_iak is row i·q+k of a [N_v·q, N_h] matrix
		shape = []int{shape[0] * shape[1], shape[2]}
	}
	if len(shape) != 2 || shape[0] < 1 || shape[1] < 1 || len(w) != shape[0]*shape[1] {
		return nil, sdk.InvalidArgument("weight tensor W has shape %v, want [N_v, N_h] (or [N_v, q, N_h] with %s)", wT.Shape, TensorStates)
	}
	nv, nh := shape[0], shape[1]
	_, bv, err := get(TensorBV)
	if err != nil {
		return nil, err
	}
	_, bh, err := get(TensorBH)
	if err != nil {
		return nil, err
	}
	if len(bv) != nv || len(bh) != nh {
		return nil, sdk.InvalidArgument("W is %d×%d but b_v has %d values and b_h %d", nv, nh, len(bv), len(bh))
	}
	m := &model{nv: nv, nh: nh, nvp: pad16(nv), nhp: pad16(nh), cat: cat}
	m.w, m.wt = make([]float32, m.nvp*m.nhp), make([]float32, m.nhp*m.nvp)
	m.bv, m.bh = make([]float32, m.nvp), make([]float32, m.nhp)
	for i := 0; i < nv; i++ {
		for a := 0; a < nh; a++ {
			m.w[i*m.nhp+a] = w[i*nh+a]
			m.wt[a*m.nvp+i] = w[i*nh+a]
		}
	}
	copy(m.bv, bv)
	copy(m.bh, bh)
	if cat != nil {
		if _, ok := sdk.FindTensor(ts, TensorCV); ok {
			return nil, sdk.InvalidArgument("weights have both %s (spin-1) and %s (categorical units)", TensorCV, TensorStates)
		}
		return m, nil
	}
	if err := m.loadSpin1(ts); err != nil {
		return nil, err
	}
	return m, nil
}

// configsOf returns the input "configs" (int8 ±1) as N rows of nv sites.
func (m *model) configsOf(req sdk.ApplyRequest) ([]int8, int, error) {
	if req.Size > 0 && req.Sites() != m.sites() {
		return nil, 0, sdk.FailedPrecondition("the weights have N_v = %d visible units (rows of W) but the "+
			"configurations are %s = %d sites", m.sites(), sdk.Shape(req.Size, req.Dimension), req.Sites())
	}
	t, ok := sdk.FindTensor(req.Inputs, "configs")
	if !ok {
		return nil, 0, sdk.InvalidArgument("operation %s needs an input tensor \"configs\" (int8, [N, N_v])", req.Operation)
	}
	c, ok := t.Data.([]int8)
	if !ok {
		return nil, 0, sdk.InvalidArgument("input configs is %T, want int8", t.Data)
	}
	sites := len(c)
	if len(t.Shape) >= 2 {
		sites = 1
		for _, d := range t.Shape[1:] {
			sites *= d
		}
	}
	if sites != m.sites() || len(c)%sites != 0 {
		return nil, 0, sdk.FailedPrecondition("the configurations have %d sites (shape %v) but the weights have "+
			"N_v = %d visible units (rows of W)", sites, t.Shape, m.sites())
	}
	if m.cat != nil {
		if err := m.cat.check(c); err != nil {
			return nil, 0, err
		}
	} else if err := checkSpins(c, m.nv, m.cv != nil); err != nil {
		return nil, 0, err
	}
	return c, len(c) / sites, nil
}

// iterationsOf returns the input "iterations": non-decreasing, ≥ 0.
func iterationsOf(req sdk.ApplyRequest) ([]int, error) {
	t, ok := sdk.FindTensor(req.Inputs, "iterations")
	if !ok {
		return nil, sdk.InvalidArgument("operation flow needs an input tensor \"iterations\" (int64, e.g. 0, 1, 2, 5, 10, …)")
	}
	var raw []int64
	switch d := t.Data.(type) {
	case []int64:
		raw = d
	case []int32:
		for _, v := range d {
			raw = append(raw, int64(v))
		}
	default:
		return nil, sdk.InvalidArgument("input iterations is %T, want int64", t.Data)
	}
	if len(raw) == 0 {
		return nil, sdk.InvalidArgument("input iterations is empty")
	}
	its := make([]int, len(raw))
	for i, v := range raw {
		// Checked as given: the message names the count the user asked for.
		if v < 0 || v > MaxIterations {
			return nil, sdk.InvalidArgument("iterations[%d] = %d: must be in [0, %d]", i, v, MaxIterations)
		}
		its[i] = int(v)
	}
	for i, v := range its {
		if i > 0 && v < its[i-1] {
			return nil, sdk.InvalidArgument("iterations must be sorted: iterations[%d] = %d < iterations[%d] = %d", i, v, i-1, its[i-1])
		}
	}
	return its, nil
}

// Apply implements sdk.Learner: the operations flow, reconstruct and
// hidden (see Description).
func (l *Learner) Apply(ctx context.Context, req sdk.ApplyRequest) ([]sdk.Tensor, error) {
	if err := kernels.Err(); err != nil {
		return nil, sdk.FailedPrecondition("%v", err)
	}
	req, err := Description().ValidateApply(req)
	if err != nil {
		return nil, err
	}
	m, err := loadModel(req.Weights)
	if err != nil {
		return nil, err
	}
	configs, n, err := m.configsOf(req)
	if err != nil {
		return nil, err
	}
	var its []int
	if req.Operation == OpFlow {
		if its, err = iterationsOf(req); err != nil {
			return nil, err
		}
		if size, ok := sdk.Product(len(its), n, m.sites()); !ok || size > MaxFlowOutput {
			return nil, sdk.InvalidArgument("flow output of %d iterations × %d configurations × %d sites "+
				"exceeds %d bytes: split the request", len(its), n, m.sites(), int64(MaxFlowOutput))
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e := newEngine(l.workers)
	defer e.close()
	switch req.Operation {
	case OpFlow:
		out, err := m.flow(ctx, e, configs, n, its, xrand.Domain(req.Seed, "rbm/flow"))
		if err != nil {
			return nil, err
		}
		return []sdk.Tensor{{Name: "configs", Shape: []int{len(its), n, m.sites()}, Data: out}}, nil
	case OpReconstruct, OpHidden:
		out, err := m.meanField(ctx, e, configs, n, req.Operation == OpReconstruct)
		if err != nil {
			return nil, err
		}
		if req.Operation == OpHidden {
			return []sdk.Tensor{{Name: "hidden", Shape: []int{n, m.nh}, Data: out}}, nil
		}
		shape := []int{n, m.nv}
		if m.cat != nil {
			shape = []int{n, m.cat.sites, m.cat.q}
		}
		return []sdk.Tensor{{Name: "reconstruction", Shape: shape, Data: out}}, nil
	}
	return nil, sdk.InvalidArgument("unknown operation %q", req.Operation)
}

// flow runs the stochastic RBM flow of eqs. (29)–(30) from the n
// configurations and returns them at the given iteration counts.
// Configurations are sampled in blocks of passRows rows; block b draws
// from its own xoshiro stream seeded xrand.Derive(seed, streamFlow, b).
func (m *model) flow(ctx context.Context, e *engine, configs []int8, n int, its []int, seed uint64) ([]int8, error) {
	f := m.newFlow(ctx, configs, n, its, seed)
	if m.cat != nil {
		return m.flowCategorical(f, e)
	}
	if m.cv != nil {
		return m.flowSpin1(f, e)
	}
	if !e.blas {
		return f.blockwise(e)
	}
	return f.whole(e)
}

func (m *model) newFlow(ctx context.Context, configs []int8, n int, its []int, seed uint64) *flowJob {
	f := &flowJob{m: m, ctx: ctx, n: n, its: its,
		v: make([]float32, pad4(n)*m.nvp), h: make([]float32, pad4(n)*m.nhp),
		rngs: make([]xrand.RNG, blocks(n)), out: make([]int8, len(its)*n*m.sites())}
	m.encode(f.v, configs, 0, n)
	for b := range f.rngs {
		f.rngs[b].Seed(xrand.Derive(seed, streamFlow, b))
	}
	return f
}

// blockwise runs each block's iterations on one worker, with no
// synchronisation between iterations (package kernels only).
func (f *flowJob) blockwise(e *engine) ([]int8, error) {
	f.next = &e.next
	e.run(f)
	if f.err != nil {
		return nil, f.err
	}
	return f.out, nil
}

// whole runs the iterations one after the other, each with whole-matrix
// products and sampling passes in parallel. It gives the same
// configurations as blockwise.
func (f *flowJob) whole(e *engine) ([]int8, error) {
	m, next := f.m, 0
	f.record(0, &next, 0, f.n)
	for it := 1; next < len(f.its); it++ {
		if err := f.ctx.Err(); err != nil {
			return nil, err
		}
		m.sampleHidden(e, f.v, f.h, f.n, f.rngs)
		m.sampleVisible(e, f.h, f.v, f.n, f.rngs)
		f.record(it, &next, 0, f.n)
	}
	return f.out, nil
}

// flowJob is a flow whose blocks of configurations are items.
type flowJob struct {
	m    *model
	ctx  context.Context
	n    int
	its  []int
	v, h []float32
	rngs []xrand.RNG
	out  []int8
	next *atomic.Int64
	mu   sync.Mutex
	err  error
}

// record copies rows [r0, r1) of v to the outputs of the iteration counts
// its[*next:] equal to it, advancing *next past them.
func (f *flowJob) record(it int, next *int, r0, r1 int) {
	m := f.m
	for ; *next < len(f.its) && f.its[*next] == it; *next++ {
		ns := m.sites()
		o := f.out[*next*f.n*ns : (*next+1)*f.n*ns]
		if m.cat != nil {
			for c := r0; c < r1; c++ {
				m.cat.decode(o[c*ns:(c+1)*ns], f.v[c*m.nvp:])
			}
			continue
		}
		for c := r0; c < r1; c++ {
			for i, s := range f.v[c*m.nvp : c*m.nvp+m.nv] {
				o[c*m.nv+i] = int8(s)
			}
		}
	}
}

func (f *flowJob) run(part, parts int) {
	m := f.m
	var buf draws
	for {
		b := int(f.next.Add(1) - 1)
		if b >= len(f.rngs) {
			return
		}
		r0, r1 := b*passRows, min((b+1)*passRows, f.n)
		v, h := f.v[r0*m.nvp:], f.h[r0*m.nhp:]
		rows := r1 - r0
		next := 0
		f.record(0, &next, r0, r1)
		for it := 1; next < len(f.its); it++ {
			if err := f.ctx.Err(); err != nil {
				f.mu.Lock()
				f.err = err
				f.mu.Unlock()
				return
			}
			kernels.Gemm(rows, m.nhp, m.nv, 1, v, m.nvp, m.w, m.nhp, false, h, m.nhp)
			for r := 0; r < rows; r++ {
				row := h[r*m.nhp : (r+1)*m.nhp]
				kernels.TanhBias(row, m.bh)
				sampleRow(row[:m.nh], &f.rngs[b], &buf)
			}
			kernels.Gemm(rows, m.nvp, m.nh, 1, h, m.nhp, m.wt, m.nvp, false, v, m.nvp)
			for r := 0; r < rows; r++ {
				row := v[r*m.nvp : (r+1)*m.nvp]
				kernels.TanhBias(row, m.bv)
				sampleRow(row[:m.nv], &f.rngs[b], &buf)
			}
			f.record(it, &next, r0, r1)
		}
	}
}

// sampleHidden sets the n rows of h to ±1 hidden configurations drawn
// given the visible ones in v: p(h_a = +1) = (1 + tanh(Σ_i W_ia v_i + b_a^h))/2.
func (m *model) sampleHidden(e *engine, v, h []float32, n int, rngs []xrand.RNG) {
	e.gemm(false, n, m.nh, m.nv, 1, v, m.nvp, m.w, m.nhp, false, h, m.nhp)
	e.sample(sampleJob{x: h, ld: m.nhp, rows: n, width: m.nhp, cols: m.nh, bias: m.bh, rngs: rngs})
}

// sampleVisible sets the n rows of v to ±1 visible configurations drawn
// given the hidden ones in h: p(v_i = +1) = (1 + tanh(Σ_a W_ia h_a + b_i^v))/2.
func (m *model) sampleVisible(e *engine, h, v []float32, n int, rngs []xrand.RNG) {
	e.gemm(false, n, m.nv, m.nh, 1, h, m.nhp, m.wt, m.nvp, false, v, m.nvp)
	e.sample(sampleJob{x: v, ld: m.nvp, rows: n, width: m.nvp, cols: m.nv, bias: m.bv, rngs: rngs})
}

// meanField returns ⟨h⟩ = tanh(v W + b_h) [n, N_h] or, with recon, the
// reconstruction tanh(⟨h⟩ Wᵀ + b_v) [n, N_v].
func (m *model) meanField(ctx context.Context, e *engine, configs []int8, n int, recon bool) ([]float32, error) {
	width := m.nh
	if recon {
		width = m.nv
	}
	out := make([]float32, n*width)
	rows := min(n, applyChunk)
	v := make([]float32, pad4(rows)*m.nvp)
	h := make([]float32, pad4(rows)*m.nhp)
	for c0 := 0; c0 < n; c0 += rows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		k := min(rows, n-c0)
		m.encode(v, configs, c0, k)
		e.gemm(false, k, m.nh, m.nv, 1, v, m.nvp, m.w, m.nhp, false, h, m.nhp)
		e.act(actJob{x: h, ld: m.nhp, rows: k, width: m.nhp, bias: m.bh})
		src, ld := h, m.nhp
		if recon {
			e.gemm(false, k, m.nv, m.nh, 1, h, m.nhp, m.wt, m.nvp, false, v, m.nvp)
			if m.cat != nil {
				e.run(&catJob{c: m.cat, x: v, ld: m.nvp, rows: k, width: m.nvp, bias: m.bv, next: &e.next})
			} else if m.cv != nil {
				m.reconstructSpin1(e, v, k)
			} else {
				e.act(actJob{x: v, ld: m.nvp, rows: k, width: m.nvp, bias: m.bv})
			}
			src, ld = v, m.nvp
		}
		for c := 0; c < k; c++ {
			copy(out[(c0+c)*width:(c0+c+1)*width], src[c*ld:c*ld+width])
		}
	}
	return out, nil
}
