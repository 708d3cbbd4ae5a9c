package rbm

import (
	"sync/atomic"

	"github.com/rgml/rgml/plugins/internal/kernels"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// The gradient step on package kernels runs block by block: each block of
// passRows configurations goes through the whole of CD-k (or PCD) — the
// products, tanh, sampling, column sums, and its terms of the weight
// gradient — while its rows stay in cache, instead of one pass over the
// whole batch per product, which streams N×N_h matrices through memory.
// Consecutive blocks form at most fusedGroups groups; a group, run by one
// worker, adds its blocks' gradient terms in block order to its own
// partial sum, and the partial sums are added in group order. Everything
// a block computes and how its terms are summed depends on the batch alone,
// not on the number of workers. The rows a block computes are those of the
// whole-batch step (step), bit for bit; only the summation of the weight
// gradient differs (blocks of passRows terms instead of kernels.KChunk).
// Spin-1 visible units take the same path, their means from spin1Means;
// categorical units have their own, on q−1 columns per site (catstep.go).

// fusedGroups bounds the partial weight gradients of a step.
const fusedGroups = 16

// stepJob is one step's blocks, in groups, then (reduce) the sum of the
// groups' partial gradients into dw.
type stepJob struct {
	t      *trainer
	v0     []float32
	m      int
	seeds  []uint64 // sampling seed of each CD step k (index k−1)
	groups int
	reduce bool
	next   *atomic.Int64
}

func (j *stepJob) run(part, parts int) {
	t := j.t
	if j.reduce {
		// dw = Σ_g partial_g, four rows at a time. Partial sums kept
		// transposed (tta) are added into group 0's, which the step then
		// transposes into dw: the same additions in the same order.
		size := t.nvp * t.nhp
		rows, width := t.nvp, t.nhp
		if t.tta {
			rows, width = t.nhp, t.nvp
		}
		for {
			i0 := int(j.next.Add(1)-1) * 4
			if i0 >= rows {
				return
			}
			lo, hi := i0*width, min(i0+4, rows)*width
			sum := t.gpart[lo:hi]
			if !t.tta {
				sum = t.dw[lo:hi]
				copy(sum, t.gpart[lo:hi])
			}
			for g := 1; g < j.groups; g++ {
				kernels.AddTo(sum, t.gpart[g*size+lo:g*size+hi])
			}
		}
	}
	nb := blocks(j.m)
	var w, wt []float32
	for {
		g := int(j.next.Add(1) - 1)
		if g >= j.groups {
			return
		}
		if w == nil {
			w, wt = j.weights(part)
		}
		// The group's first block sets its partial sum, the others add to
		// it; no pass clears it first. Same bits as 0 + S: the data are
		// −1, 0 or 1, so each term v0·h1 is exact, and a sum of exact
		// float32 terms from +0 is never −0 (the one value 0 + S changes).
		dw := t.gpart[g*t.nvp*t.nhp : (g+1)*t.nvp*t.nhp]
		first := g * nb / j.groups
		for b := first; b < (g+1)*nb/j.groups; b++ {
			j.block(b, g, w, wt, dw, b == first)
		}
	}
}

// transposeGrad sets dw to group 0's partial sum, kept transposed (tta),
// which the reduction made the sum of all groups'.
func (t *trainer) transposeGrad() {
	nvp, nhp := t.nvp, t.nhp
	for c := 0; c < nhp; c++ {
		col := t.gpart[c*nvp : c*nvp+nvp]
		for i, v := range col {
			t.dw[i*nhp+c] = v
		}
	}
}

// weights returns the W and Wᵀ worker part multiplies with in this step:
// the trainer's for part 0; for another worker, once it has a group, a
// copy of its own (one of the step's slots), made afresh. The same values,
// so the same bits; but cores that read the same lines of W and Wᵀ while
// they multiply ran the step's products 10–15 % slower than with a copy
// each, on an Intel Xeon (docs/learners.md).
func (j *stepJob) weights(part int) (w, wt []float32) {
	t := j.t
	if part == 0 {
		return t.cur.w, t.wt
	}
	c := t.wcopy[t.slots.Add(1)-1]
	w, wt = c[:len(t.cur.w)], c[len(t.cur.w):]
	copy(w, t.cur.w)
	copy(wt, t.wt)
	return w, wt
}

// block runs CD-k (or PCD) on block b of the batch, in group g, with
// weights w and their transpose wt, and adds its gradient
// terms v0ᵀh1 − vₖᵀh2 to dw, or with set, sets dw to them.
func (j *stepJob) block(b, g int, w, wt, dw []float32, set bool) {
	t, s := j.t, &j.t.cur
	nv, nh, nvp, nhp := t.nv, t.nh, t.nvp, t.nhp
	r0, r1 := b*passRows, min((b+1)*passRows, j.m)
	mb := r1 - r0
	v0 := j.v0[r0*nvp:]
	// The block's hidden and visible rows live only while it runs: each
	// group reuses its own, which stay in cache, instead of rows per
	// configuration, which would stream N×(2·N_h + N_v) values through
	// memory an epoch.
	scr := t.gscr[g*passRows*(2*nhp+nvp) : (g+1)*passRows*(2*nhp+nvp)]
	h1, h2, v1 := scr[:passRows*nhp], scr[passRows*nhp:2*passRows*nhp], scr[2*passRows*nhp:]
	partH1 := t.partH1[b*nhp : (b+1)*nhp]
	partH2 := t.partH2[b*nhp : (b+1)*nhp]
	partV := t.partV[b*nvp : (b+1)*nvp]

	// up sets h = tanh(v W + b_h) (adding its column sums to sum).
	up := func(v, h, sum []float32) {
		kernels.Gemm(mb, nh, nv, 1, v, nvp, w, nhp, false, h, nhp)
		if sum != nil {
			kernels.TanhBiasSumRows(h, nhp, mb, nhp, s.bh, sum)
			return
		}
		for r := 0; r < mb; r++ {
			kernels.TanhBias(h[r*nhp:(r+1)*nhp], s.bh)
		}
	}
	// down sets v = tanh(h Wᵀ + b_v), its column sums in partV and, with
	// ref, returns Σ (ref − v)².
	down := func(h, v, ref []float32) float64 {
		clear(partV)
		if t.s1 != nil {
			// spin1Means's a/2, exactly, by the product's scaling.
			kernels.Gemm(mb, nv, nh, 0.5, h, nhp, wt, nvp, false, v, nvp)
			return t.s1.blockMeans(b, v, mb, nv, nvp, partV, ref)
		}
		kernels.Gemm(mb, nv, nh, 1, h, nhp, wt, nvp, false, v, nvp)
		if ref == nil {
			kernels.TanhBiasSumRows(v, nvp, mb, nvp, s.bv, partV)
			return 0
		}
		errs := t.errRows[b*passRows : b*passRows+mb]
		kernels.TanhBiasSumErrRows(v, nvp, mb, nvp, s.bv, partV, ref, nvp, errs)
		e := 0.0
		for _, x := range errs {
			e += float64(x)
		}
		return e
	}
	sample := func(h []float32, k int) {
		if !t.h.sampling {
			return
		}
		rng := &t.rngs[b]
		rng.Seed(xrand.Derive(j.seeds[k-1], b, 0))
		var buf draws
		for r := 0; r < mb; r++ {
			sampleRow(h[r*nhp:r*nhp+nh], rng, &buf)
		}
	}

	// Positive phase, eqs. (25), (27).
	clear(partH1)
	up(v0, h1, partH1)
	gradTerms := func(alpha float32, v, h []float32, acc bool) {
		if t.tta {
			kernels.GemmTA(nh, nv, mb, alpha, h, nhp, v, nvp, acc, dw, nvp)
		} else {
			kernels.GemmTA(nv, nh, mb, alpha, v, nvp, h, nhp, acc, dw, nhp)
		}
	}
	gradTerms(1, v0, h1, !set)

	// Negative phase, eqs. (26), (28).
	vn := v1
	if !t.h.persistent {
		t.errPart[b] = cdChain(t.h.k, v0, v1, h1, h2, up, sample, down)
	} else {
		chains := s.chains[r0*nvp : r1*nvp]
		copy(vn, chains)
		for k := 1; k <= t.h.k; k++ {
			up(vn, h2, nil)
			sample(h2, k)
			down(h2, vn, nil)
		}
		copy(chains, vn[:mb*nvp])
	}
	clear(partH2)
	up(vn, h2, partH2)
	gradTerms(-1, vn, h2, true)
}

// stepFused is step on package kernels (see above).
func (t *trainer) stepFused(v0 []float32, m int) (float64, error) {
	if t.catF != nil {
		return t.stepCatFused(v0, m)
	}
	e := t.e
	j := &t.sj
	*j = stepJob{t: t, v0: v0, m: m, seeds: j.seeds[:0], groups: min(fusedGroups, blocks(m)), next: &e.next}
	t.slots.Store(0)
	if t.h.sampling {
		seed := t.cur.rng.Uint64()
		for k := 1; k <= t.h.k; k++ {
			seed = xrand.Derive(seed, k, 1)
			j.seeds = append(j.seeds, seed)
		}
	}
	if t.s1 != nil {
		t.spin1Positive(v0, m)
		spin1Gain(t.s1.gain, t.s1.hb, t.cur.c, t.cur.bv)
	}
	e.run(j)
	j.reduce = true
	e.run(j)
	if t.tta {
		t.transposeGrad()
	}
	reduce(t.sumH1, t.partH1, m, t.nhp)
	reduce(t.sumV, t.partV, m, t.nvp)
	reduce(t.sumH2, t.partH2, m, t.nhp)
	if t.s1 != nil {
		reduce(t.s1.sumQ, t.s1.partQ, m, t.nvp)
	}
	sq := 0.0
	if !t.h.persistent {
		for _, v := range t.errPart[:blocks(m)] {
			sq += v
		}
	}
	return sq, t.update(m)
}

// cdChain runs the k Gibbs steps of CD-k from the data's hidden
// probabilities h1 (eqs. (26), (28)): sample the hidden units, go down to
// the visible v, up again into h2; it returns the reconstruction error of
// the first step against the data v0. The ±1 and categorical fused steps
// share it, each with its own up, sample and down.
func cdChain(k int, v0, v, h1, h2 []float32, up func(v, h, sum []float32), sample func(h []float32, k int),
	down func(h, v, ref []float32) float64) float64 {
	var first float64
	hn := h1
	for i := 1; i <= k; i++ {
		if i > 1 {
			up(v, h2, nil)
			hn = h2
		}
		sample(hn, i)
		var ref []float32
		if i == 1 {
			ref = v0
		}
		if e := down(hn, v, ref); i == 1 {
			first = e
		}
	}
	return first
}
