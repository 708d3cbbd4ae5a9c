package rbm

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/kernels"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// Random streams derived from a request's seed (see xrand.Derive).
const (
	streamTrain = 1 // initial weights, mini-batch permutations, sampling seeds
	streamPLL   = 2 // sites of the pseudo-log-likelihood, per epoch
	streamFlow  = 3 // the flow operation, per block of configurations
)

// progressInterval is the least time between two live progress events
// (reports between the scheduled ones, only to show progress).
const progressInterval = 50 * time.Millisecond

// historyPoints is about how many scheduled progress reports a training
// makes (see scheduled).
const historyPoints = 500

// scheduled reports whether epoch ep reports to the history: the first
// and the last epoch, every ⌈epochs/historyPoints⌉-th, and every epoch
// whose pseudo-log-likelihood is due. A schedule of epochs, not a clock,
// so that two runs of one training keep the same history.
func (h hyper) scheduled(ep int) bool {
	every := max(1, (h.epochs+historyPoints-1)/historyPoints)
	return ep == 1 || ep == h.epochs || ep%every == 0 || h.pllDue(ep)
}

// pllDue reports whether epoch ep measures the pseudo-log-likelihood.
func (h hyper) pllDue(ep int) bool {
	return h.pllEvery > 0 && (ep%h.pllEvery == 0 || ep == h.epochs)
}

// evalConfigs is the most configurations the pseudo-log-likelihood (and,
// with persistent chains, the reconstruction error) is measured on.
const evalConfigs = 1000

var errDiverged = errors.New("diverged")

// state is what a checkpoint holds besides the epoch: weights, velocities,
// persistent chains and the training's RNG. Matrices are padded.
type state struct {
	w, bv, bh     []float32 // nvp×nhp, nvp, nhp
	vw, vbv, vbh  []float32 // velocities, same shapes
	c, vc         []float32 // spin-1: the v² bias and its velocity (nvp), else nil
	chains        []float32 // rows×nvp (persistent CD)
	rng           xrand.RNG
	epoch         int
	hasCheckpoint bool // the host holds a checkpoint of this state
}

func (s *state) copyFrom(o *state) {
	copy(s.w, o.w)
	copy(s.bv, o.bv)
	copy(s.bh, o.bh)
	copy(s.vw, o.vw)
	copy(s.vbv, o.vbv)
	copy(s.vbh, o.vbh)
	copy(s.c, o.c)
	copy(s.vc, o.vc)
	copy(s.chains, o.chains)
	s.rng, s.epoch, s.hasCheckpoint = o.rng, o.epoch, o.hasCheckpoint
}

// trainer holds a training's buffers, all allocated up front.
type trainer struct {
	e        *engine
	h        hyper
	seed     uint64
	nv, nh   int
	nvp, nhp int
	n        int // training configurations
	bs       int // configurations per batch
	rows     int // pad4(bs)

	x0     []float32 // pad4(n)×nvp training set
	xb     []float32 // rows×nvp gathered mini-batch (nil for full batch)
	perm   []int32
	h1, h2 []float32 // rows×nhp, nil until wholeRows (BLAS, categorical, stepWhole)
	v1     []float32 // rows×nvp, the same
	wt, dw []float32 // nhp×nvp (Wᵀ), nvp×nhp (gradient sum)

	cur, snap state

	sumV0, sumV, sumH1, sumH2 []float64
	partV, partH1, partH2     []float32
	errPart                   []float64
	errRows                   []float32   // per row of a block: its squared error (fused step)
	rngs                      []xrand.RNG // per block, for sampling

	eval *evalSet // PLL (and PCD reconstruction error) subset, on first use

	// The block-wise step on package kernels (fused.go).
	gpart []float32 // fusedGroups partial weight gradients, nvp×nhp each (nhp×nvp with tta)
	// tta keeps the ±1 fused step's partial gradients transposed,
	// computed as h·vᵀ, where the kernels take fewer steps so
	// (kernels.TransposeTA: with N_v = 100 on AVX-512, N_h ≤ 24 and
	// 33–36, the paper's 16 and 36); the same bits either way.
	tta bool
	// wcopy holds W and Wᵀ for the workers but the first that get a
	// group of a step (stepJob.weights); slots counts those taken.
	wcopy [][]float32
	slots atomic.Int64
	gscr  []float32 // fusedGroups blocks' rows of h1, h2 and v1 (fused step)
	sj    stepJob
	s1    *spin1       // spin-1 visible units' buffers, else nil
	cat   *categorical // categorical visible units, else nil
	catF  *catFused    // their fused step's buffers (package kernels only)
}

// newTrainer prepares a training on the n configurations of nv sites in
// configs; with snapshots, it keeps the state of the start of each epoch.
func newTrainer(e *engine, h hyper, seed uint64, configs []int8, n, nv int, snapshots bool) (*trainer, error) {
	units, states, err := chooseUnits(h.visible, h.states, configs)
	if err != nil {
		return nil, err
	}
	h.visible = units
	var cat *categorical
	sites := nv
	if units == VisibleCategorical {
		cat = newCategorical(states, sites)
		nv = sites * cat.q
	}
	t := &trainer{e: e, h: h, seed: seed, nv: nv, nh: h.hidden, nvp: rowStride(nv), nhp: rowStride(h.hidden), n: n, cat: cat}
	t.bs = n
	if h.batch > 0 && h.batch < n {
		t.bs = h.batch
	}
	t.rows = pad4(t.bs)
	if need := t.bufferBytes(); need > MaxTrainBytes {
		return nil, sdk.InvalidArgument("training %d configurations of %d sites with hidden = %d and batch = %d needs "+
			"%.1f GiB of buffers, more than the %d GiB allowed: use fewer hidden units or a smaller batch",
			n, sites, h.hidden, t.bs, float64(need)/(1<<30), MaxTrainBytes>>30)
	}
	if cat != nil {
		if err = cat.check(configs); err != nil {
			return nil, err
		}
		t.x0 = cat.oneHot(configs, n, t.nvp)
	} else {
		if err = checkSpins(configs, nv, t.isSpin1()); err != nil {
			return nil, err
		}
		t.x0 = toFloat(configs, n, nv, t.nvp)
	}
	if t.bs < n {
		t.xb = make([]float32, t.rows*t.nvp)
		t.perm = make([]int32, n)
	}
	if e.blas || cat != nil {
		t.wholeRows()
	}
	t.wt = make([]float32, t.nhp*t.nvp)
	t.dw = make([]float32, t.nvp*t.nhp)
	t.s1 = t.newSpin1()
	t.cur = t.newState()
	if snapshots {
		t.snap = t.newState()
	}
	t.sumV0, t.sumV = make([]float64, t.nvp), make([]float64, t.nvp)
	t.sumH1, t.sumH2 = make([]float64, t.nhp), make([]float64, t.nhp)
	nb := blocks(t.bs)
	t.partV = make([]float32, nb*t.nvp)
	t.partH1 = make([]float32, nb*t.nhp)
	t.partH2 = make([]float32, nb*t.nhp)
	t.errPart = make([]float64, nb)
	t.errRows = make([]float32, nb*passRows)
	if h.sampling {
		t.rngs = make([]xrand.RNG, nb)
	}
	if !e.blas {
		t.gpart = make([]float32, min(fusedGroups, nb)*t.nvp*t.nhp)
		if cat == nil {
			t.gscr = make([]float32, min(fusedGroups, nb)*passRows*(2*t.nhp+t.nvp))
			t.tta = transposeTA(nv, h.hidden)
		}
		t.sj.seeds = make([]uint64, 0, h.k)
		if cat == nil {
			for range t.weightCopies() {
				t.wcopy = append(t.wcopy, make([]float32, 2*t.nvp*t.nhp))
			}
		}
		if cat != nil {
			t.catF = t.newCatFused()
		}
	}
	if t.bs == n {
		colSums(t.sumV0, t.x0, n, t.nvp)
	}
	return t, nil
}

// weightCopies is the number of copies of W and Wᵀ the ±1 fused step
// needs: one for each worker but the first that may get one of a step's
// groups, as many as there are groups at most (none for OpenBLAS or
// categorical units).
func (t *trainer) weightCopies() int {
	if t.e.blas || t.cat != nil {
		return 0
	}
	return max(0, min(t.e.pool.n-1, fusedGroups, blocks(t.bs)))
}

// MaxTrainBytes bounds the memory a training allocates for its buffers.
const MaxTrainBytes = 8 << 30

// bufferBytes estimates the bytes newTrainer allocates.
func (t *trainer) bufferBytes() int64 {
	rows, n := int64(t.rows), int64(pad4(t.n))
	nvp, nhp := int64(t.nvp), int64(t.nhp)
	// h1, h2 and v1 are counted per configuration, as wholeRows allocates
	// them, also where the ±1 fused step keeps only its groups' (gscr):
	// an upper bound, which also bounds the time such a training takes.
	// W and Wᵀ once more for each worker but the first that may get a group (wcopy).
	floats := n*nvp + rows*(2*nhp+2*nvp) + (8+fusedGroups+2*int64(t.weightCopies()))*nvp*nhp + int64(blocks(t.bs))*(nvp+2*nhp)
	if t.h.persistent {
		floats += 2 * rows * nvp
	}
	if t.cat != nil && t.bs == t.n { // the reduced training set (catstep.go)
		floats += n * nvp
	}
	if t.isSpin1() { // ⟨v²⟩ scratch, c and its velocity (twice with snapshots)
		floats += max(rows, int64(pad4(min(t.n, evalConfigs))))*nvp + 4*nvp
	}
	return 4 * floats
}

func (t *trainer) newState() state {
	s := state{
		w: make([]float32, t.nvp*t.nhp), bv: make([]float32, t.nvp), bh: make([]float32, t.nhp),
		vw: make([]float32, t.nvp*t.nhp), vbv: make([]float32, t.nvp), vbh: make([]float32, t.nhp),
	}
	if t.h.persistent {
		s.chains = make([]float32, t.rows*t.nvp)
	}
	if t.isSpin1() {
		s.c, s.vc = make([]float32, t.nvp), make([]float32, t.nvp)
	}
	return s
}

// toFloat converts configurations (checked by checkSpins) to a padded
// float32 matrix of pad4(n) rows of stride nvp.
func toFloat(configs []int8, n, nv, nvp int) []float32 {
	x := make([]float32, pad4(n)*nvp)
	for c := 0; c < n; c++ {
		src, dst := configs[c*nv:(c+1)*nv], x[c*nvp:c*nvp+nv]
		for i, v := range src {
			dst[i] = float32(v)
		}
	}
	return x
}

// colSums sets out[j] to the sum of column j over rows rows (stride ld).
func colSums(out []float64, x []float32, rows, ld int) {
	clear(out)
	for r := 0; r < rows; r++ {
		for j, v := range x[r*ld : r*ld+len(out)] {
			out[j] += float64(v)
		}
	}
}

// init draws the initial weights: W_ia ~ N(0, init_std²), biases zero,
// velocities zero, persistent chains started at training configurations
// drawn at random (datasets are ordered by temperature: the first rows
// would all be T = 0).
func (t *trainer) init() {
	t.cur.rng.Seed(xrand.Derive(t.seed, streamTrain, 0))
	norm := rand.New(&t.cur.rng)
	for i := 0; i < t.nv; i++ {
		for a := 0; a < t.nh; a++ {
			t.cur.w[i*t.nhp+a] = float32(t.h.initStd * norm.NormFloat64())
		}
	}
	if t.h.persistent {
		for r := 0; r < t.bs; r++ {
			src := t.cur.rng.Below(t.n)
			copy(t.cur.chains[r*t.nvp:(r+1)*t.nvp], t.x0[src*t.nvp:(src+1)*t.nvp])
		}
	}
	t.syncWt()
}

// syncWt copies W into its transpose.
func (t *trainer) syncWt() {
	for i := 0; i < t.nv; i++ {
		for a := 0; a < t.nh; a++ {
			t.wt[a*t.nvp+i] = t.cur.w[i*t.nhp+a]
		}
	}
}

// epoch runs one epoch and returns the sum of squared reconstruction
// errors (non-persistent CD only).
func (t *trainer) epoch(ctx context.Context) (float64, error) {
	sq := 0.0
	if t.bs < t.n {
		for i := range t.perm {
			t.perm[i] = int32(i)
		}
		t.cur.rng.ShuffleInt32(t.perm)
	}
	for b0 := 0; b0 < t.n; b0 += t.bs {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		m := min(t.bs, t.n-b0)
		v0 := t.x0[b0*t.nvp:]
		if t.xb != nil {
			t.gather(b0, m)
			v0 = t.xb
		}
		e, err := t.step(v0, m)
		if err != nil {
			return 0, err
		}
		sq += e
	}
	return sq, nil
}

// gather copies the batch perm[b0:b0+m] into xb and sums its columns.
func (t *trainer) gather(b0, m int) {
	clear(t.sumV0)
	for r := 0; r < m; r++ {
		c := int(t.perm[b0+r])
		row := t.xb[r*t.nvp : (r+1)*t.nvp]
		copy(row, t.x0[c*t.nvp:(c+1)*t.nvp])
		for j, v := range row[:t.nv] {
			t.sumV0[j] += float64(v)
		}
	}
}

// step is one gradient step on the batch v0 (m rows, column sums in
// sumV0); it returns the batch's summed squared reconstruction error.
func (t *trainer) step(v0 []float32, m int) (float64, error) {
	if !t.e.blas {
		return t.stepFused(v0, m)
	}
	return t.stepWhole(v0, m)
}

// wholeRows allocates the rows of h1, h2 and v1 for every configuration
// of a batch, which stepWhole and the categorical fused step use; the ±1
// fused step keeps only its blocks' (gscr), so a trainer on package
// kernels allocates them only when a test runs stepWhole.
func (t *trainer) wholeRows() {
	if t.h1 != nil {
		return
	}
	t.h1 = make([]float32, t.rows*t.nhp)
	t.h2 = make([]float32, t.rows*t.nhp)
	t.v1 = make([]float32, t.rows*t.nvp)
}

// stepWhole is step with one pass over the whole batch per product and
// activation (the BLAS engine's step).
func (t *trainer) stepWhole(v0 []float32, m int) (float64, error) {
	t.wholeRows()
	e, s := t.e, &t.cur
	nv, nh, nvp, nhp := t.nv, t.nh, t.nvp, t.nhp
	t.spin1Positive(v0, m)
	// Positive phase, eqs. (25), (27): h1 = tanh(v0 W + b_h), v0ᵀh1.
	e.gemm(false, m, nh, nv, 1, v0, nvp, s.w, nhp, false, t.h1, nhp)
	e.act(actJob{x: t.h1, ld: nhp, rows: m, width: nhp, bias: s.bh, part: t.partH1})
	reduce(t.sumH1, t.partH1, m, nhp)
	e.gemm(true, nv, nh, m, 1, v0, nvp, t.h1, nhp, false, t.dw, nhp)

	var seed uint64
	if t.h.sampling {
		seed = s.rng.Uint64()
	}
	sampleH := func(h []float32) {
		for b := range t.rngs[:blocks(m)] {
			t.rngs[b].Seed(xrand.Derive(seed, b, 0))
		}
		e.sample(sampleJob{x: h, ld: nhp, rows: m, width: nhp, cols: nh, rngs: t.rngs})
	}

	// Negative phase, eqs. (26), (28): k steps v → h → v from the data
	// (or the persistent chains), then h2 = tanh(v W + b_h).
	var vn []float32
	sq := 0.0
	if !t.h.persistent {
		hn := t.h1
		for k := 1; k <= t.h.k; k++ {
			if k > 1 {
				e.gemm(false, m, nh, nv, 1, t.v1, nvp, s.w, nhp, false, t.h2, nhp)
				e.act(actJob{x: t.h2, ld: nhp, rows: m, width: nhp, bias: s.bh})
				hn = t.h2
			}
			if t.h.sampling {
				seed = xrand.Derive(seed, k, 1)
				sampleH(hn)
			}
			e.gemm(false, m, nv, nh, 1, hn, nhp, t.wt, nvp, false, t.v1, nvp)
			j := actJob{x: t.v1, ld: nvp, rows: m, width: nvp, bias: s.bv, part: t.partV}
			if k == 1 {
				j.ref, j.ldr, j.errPart = v0, nvp, t.errPart
			}
			t.visAct(j)
			if k == 1 {
				for _, v := range t.errPart[:blocks(m)] {
					sq += v
				}
			}
		}
		vn = t.v1
	} else {
		// The chains advance in scratch: a gemm may write up to pad4(m)
		// rows, and on a short last batch the rows after m are other
		// chains, not padding.
		vn = t.v1
		copy(vn[:m*nvp], s.chains[:m*nvp])
		for k := 1; k <= t.h.k; k++ {
			e.gemm(false, m, nh, nv, 1, vn, nvp, s.w, nhp, false, t.h2, nhp)
			e.act(actJob{x: t.h2, ld: nhp, rows: m, width: nhp, bias: s.bh})
			if t.h.sampling {
				seed = xrand.Derive(seed, k, 1)
				sampleH(t.h2)
			}
			e.gemm(false, m, nv, nh, 1, t.h2, nhp, t.wt, nvp, false, vn, nvp)
			t.visAct(actJob{x: vn, ld: nvp, rows: m, width: nvp, bias: s.bv, part: t.partV})
		}
		copy(s.chains[:m*nvp], vn[:m*nvp])
	}
	reduce(t.sumV, t.partV, m, nvp)
	e.gemm(false, m, nh, nv, 1, vn, nvp, s.w, nhp, false, t.h2, nhp)
	e.act(actJob{x: t.h2, ld: nhp, rows: m, width: nhp, bias: s.bh, part: t.partH2})
	reduce(t.sumH2, t.partH2, m, nhp)
	e.gemm(true, nv, nh, m, -1, vn, nvp, t.h2, nhp, true, t.dw, nhp)
	return sq, t.update(m)
}

// MaxAbsWeight bounds the weights and biases: beyond it a training is
// considered diverged. Units are tanh-saturated for |x| ≳ 9 and a gradient
// step changes a weight by at most 2ε(1 + μ + μ² + …), so only a runaway
// learning rate gets there (ε = 1e30 does in one epoch, without ever
// producing a NaN).
const MaxAbsWeight = 1e18

// update applies eqs. (23)–(24) with the batch's gradient sums, momentum
// and weight decay, and fails if a weight or bias became NaN, ±Inf or
// larger than MaxAbsWeight in magnitude.
func (t *trainer) update(m int) error {
	s, h := &t.cur, t.h
	lr, mom := h.lr, h.momentum
	scale := lr / float32(m)
	decay := lr * h.decay
	const big = MaxAbsWeight
	ok := true
	for i := 0; i < t.nv; i++ {
		w, vw, dw := s.w[i*t.nhp:i*t.nhp+t.nh], s.vw[i*t.nhp:i*t.nhp+t.nh], t.dw[i*t.nhp:i*t.nhp+t.nh]
		for a := range w {
			// Each product rounded (float32(…)), so that no compiler fuses it
			// into the addition (arm64's does): the same bits on every
			// architecture, as the kernels give (TestTrainingDigest).
			v := float32(mom*vw[a]) + (float32(scale*dw[a]) - float32(decay*w[a]))
			vw[a] = v
			nw := w[a] + v
			w[a] = nw
			t.wt[a*t.nvp+i] = nw
			ok = ok && nw <= big && nw >= -big // false for NaN
		}
	}
	for i := 0; i < t.nv; i++ {
		v := float32(mom*s.vbv[i]) + float32(scale*float32(t.sumV0[i]-t.sumV[i]))
		s.vbv[i] = v
		s.bv[i] += v
		ok = ok && s.bv[i] <= big && s.bv[i] >= -big
	}
	for a := 0; a < t.nh; a++ {
		v := float32(mom*s.vbh[a]) + float32(scale*float32(t.sumH1[a]-t.sumH2[a]))
		s.vbh[a] = v
		s.bh[a] += v
		ok = ok && s.bh[a] <= big && s.bh[a] >= -big
	}
	ok = t.spin1Update(scale, mom) && ok
	if !ok {
		return errDiverged
	}
	return nil
}

// weightNorm returns the Frobenius norm of W.
func (t *trainer) weightNorm() float64 {
	s := 0.0
	for i := 0; i < t.nv; i++ {
		for _, w := range t.cur.w[i*t.nhp : i*t.nhp+t.nh] {
			s += float64(w) * float64(w)
		}
	}
	return math.Sqrt(s)
}

// Train implements sdk.Learner.
func (l *Learner) Train(ctx context.Context, req sdk.TrainRequest, events sdk.TrainEvents) ([]sdk.Tensor, error) {
	if err := kernels.Err(); err != nil {
		return nil, sdk.FailedPrecondition("%v", err)
	}
	h, err := hyperOf(req.Hyper)
	if err != nil {
		return nil, err
	}
	h.states = req.Train.StateSpace
	if err := req.Train.Check("training set"); err != nil {
		return nil, err
	}
	if req.Train.Len() == 0 {
		return nil, sdk.InvalidArgument("the training set is empty")
	}
	if req.CheckpointEvery < 0 {
		return nil, sdk.InvalidArgument("checkpoint interval %d is negative", req.CheckpointEvery)
	}
	if events == nil {
		events = noEvents{}
	}
	e := newEngine(l.workers)
	defer e.close()
	t, err := newTrainer(e, h, xrand.Domain(req.Seed, "rbm/train"), req.Train.Configs, req.Train.Len(), req.Train.Sites(), req.CheckpointEvery > 0)
	if err != nil {
		return nil, err
	}
	if req.Resume != nil {
		if err := t.restore(req.Resume); err != nil {
			return nil, err
		}
	} else {
		t.init()
	}
	if err := t.run(ctx, req.CheckpointEvery, events); err != nil {
		return nil, err
	}
	return t.weights(), nil
}

type noEvents struct{}

func (noEvents) Progress(sdk.Progress) error     { return nil }
func (noEvents) Checkpoint(sdk.Checkpoint) error { return nil }

// run trains from epoch t.cur.epoch to h.epochs, reporting to events.
func (t *trainer) run(ctx context.Context, every int, events sdk.TrainEvents) error {
	start := time.Now()
	var last time.Time
	for ep := t.cur.epoch + 1; ep <= t.h.epochs; ep++ {
		if every > 0 {
			t.snap.copyFrom(&t.cur)
		}
		sq, err := t.epoch(ctx)
		if errors.Is(err, errDiverged) {
			return t.diverged(ep, every, events)
		}
		if err != nil {
			return err
		}
		t.cur.epoch, t.cur.hasCheckpoint = ep, false
		sched := t.h.scheduled(ep)
		if sched || time.Since(last) >= progressInterval {
			p := sdk.Progress{Epoch: ep, Epochs: t.h.epochs, Metrics: t.metrics(ep, sq, sched), Live: !sched,
				WallSeconds: time.Since(start).Seconds(), Samples: int64(ep) * int64(t.n)}
			if err := events.Progress(p); err != nil {
				return err
			}
			last = time.Now()
		}
		// After the report of the epoch, so that the host keeps the final
		// epoch's losses with its checkpoint (a resume from it has no
		// epoch left to report).
		if every > 0 && ep%every == 0 {
			if err := events.Checkpoint(t.checkpoint(&t.cur)); err != nil {
				return err
			}
			t.cur.hasCheckpoint = true
		}
	}
	return nil
}

// metrics measures the report of epoch ep, whose squared reconstruction
// error summed over the epoch's batches is sq; a scheduled report adds the
// pseudo-log-likelihood when it is due.
func (t *trainer) metrics(ep int, sq float64, scheduled bool) map[string]float64 {
	m := map[string]float64{
		MetricWeightNorm:   t.weightNorm(),
		MetricLearningRate: float64(t.h.lr),
	}
	if t.h.persistent {
		m[MetricReconstructionError] = t.evaluation().reconstructionError(t)
	} else {
		m[MetricReconstructionError] = sq / float64(t.n*t.sites())
	}
	if scheduled && t.h.pllDue(ep) {
		m[MetricPLL] = t.evaluation().pll(t, ep)
	}
	return m
}

// diverged reports the divergence at epoch ep, after handing the host a
// checkpoint of the last good state (the end of epoch ep−1) if it holds
// none yet.
func (t *trainer) diverged(ep, every int, events sdk.TrainEvents) error {
	err := sdk.FailedPrecondition("training diverged at epoch %d: weights or biases became NaN, ±Inf or "+
		"larger than %g in magnitude (learning rate %g too large?)", ep, MaxAbsWeight, t.h.lr)
	if every > 0 && ep > 1 && !t.snap.hasCheckpoint {
		if cerr := events.Checkpoint(t.checkpoint(&t.snap)); cerr != nil {
			return cerr
		}
	}
	return err
}
