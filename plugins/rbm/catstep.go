package rbm

import (
	"math"
	"sync/atomic"

	"github.com/rgml/rgml/plugins/internal/kernels"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// The fused categorical step computes on q−1 of the q columns of each
// site. Both the one-hot data and the conditional distributions sum to 1
// over a site's states, so with D_iak = W_iak − W_ia0 (k ≥ 1) and
// c_a = Σ_i W_ia0,
//
//	Σ_ik v_ik W_iak = c_a + Σ_i Σ_{k≥1} v_ik D_iak,
//
// the softmax over k is that of a_ik − a_i0 = Σ_a D_iak h_a + b_ik − b_i0
// (with 0 for k = 0), and the gradient's k = 0 rows follow from the others:
//
//	Σ_A (v0_Ai0 h1_Aa − v1_Ai0 h2_Aa) = Σ_A (h1_Aa − h2_Aa) − Σ_{k≥1} Σ_A (v0_Aik h1_Aa − v1_Aik h2_Aa).
//
// The products then have N_v·(q−1) rows or columns instead of N_v·q: at
// q = 3, two thirds of the work. The parameters, their update and the
// checkpoints stay those of the full W_iak; D, c and the bias differences
// are taken from them at the start of every step.

// catFused holds the fused categorical step's buffers.
type catFused struct {
	nr, nrp int       // N_v·(q−1) reduced columns, padded
	d, dt   []float32 // nrp×nhp (D), nhp×nrp (Dᵀ)
	hbias   []float32 // nhp: b_h + c
	bred    []float32 // nrp: b_ik − b_i0
	v0r     []float32 // fusedGroups × passRows × nrp: a block's reduced data
	x0r     []float32 // pad4(n)×nrp: the reduced training set (full batch only)
	shifted []float32 // fusedGroups × nrp: rowSoftmax's scratch
	partR   []float32 // fusedGroups × nrp: a block's reduced column sums
	part0   []float32 // fusedGroups × sites: a block's column sums of p_i0
	g       []float32 // nhp: Σ_A (h1 − h2), the k = 0 rows' share
}

func (t *trainer) newCatFused() *catFused {
	c := t.cat
	f := &catFused{nr: c.sites * (c.q - 1)}
	f.nrp = pad16(f.nr + 1) // column nr: state 0 (rowSoftmax)
	f.d, f.dt = make([]float32, f.nrp*t.nhp), make([]float32, t.nhp*f.nrp)
	f.hbias, f.bred, f.g = make([]float32, t.nhp), make([]float32, f.nrp), make([]float32, t.nhp)
	for j := f.nr + 1; j < f.nrp; j++ {
		f.bred[j] = float32(math.Inf(-1))
	}
	f.v0r = make([]float32, fusedGroups*passRows*f.nrp)
	if t.xb == nil {
		f.x0r = make([]float32, pad4(t.n)*f.nrp)
		for r := 0; r < t.n; r++ {
			c.reduceRow(f.x0r[r*f.nrp:r*f.nrp+f.nr], t.x0[r*t.nvp:r*t.nvp+t.nv])
		}
	}
	f.shifted = make([]float32, fusedGroups*f.nrp)
	f.partR, f.part0 = make([]float32, fusedGroups*f.nrp), make([]float32, fusedGroups*c.sites)
	return f
}

// sync sets D, Dᵀ, b_h + c and the bias differences from the weights.
func (t *trainer) syncCatFused() {
	f, c, s := t.catF, t.cat, &t.cur
	q, nh, nhp := c.q, t.nh, t.nhp
	csum := make([]float64, nh)
	for i := 0; i < c.sites; i++ {
		w0 := s.w[i*q*nhp : i*q*nhp+nh]
		for a, v := range w0 {
			csum[a] += float64(v)
		}
		for k := 1; k < q; k++ {
			r := i*(q-1) + k - 1
			wk, dk := s.w[(i*q+k)*nhp:(i*q+k)*nhp+nh], f.d[r*nhp:r*nhp+nh]
			for a := range dk {
				dk[a] = wk[a] - w0[a]
				f.dt[a*f.nrp+r] = dk[a]
			}
			f.bred[r] = s.bv[i*q+k] - s.bv[i*q]
		}
	}
	for a := range csum {
		f.hbias[a] = s.bh[a] + float32(csum[a])
	}
}

// reduceRow copies the k ≥ 1 columns of a full row (sites·q) to dst
// (sites·(q−1)).
func (c *categorical) reduceRow(dst, src []float32) {
	q, q1 := c.q, c.q-1
	for i := 0; i < c.sites; i++ {
		d, s := dst[i*q1:(i+1)*q1], src[i*q+1:(i+1)*q]
		for k := range d {
			d[k] = s[k]
		}
	}
}

// catStepJob is stepJob for categorical units on the reduced columns.
type catStepJob struct {
	t      *trainer
	v0     []float32 // the batch, full one-hot rows (stride nvp)
	m      int
	seeds  []uint64
	groups int
	reduce bool
	next   *atomic.Int64
}

func (j *catStepJob) run(part, parts int) {
	t := j.t
	if j.reduce {
		j.expand()
		return
	}
	f := t.catF
	nb := blocks(j.m)
	for {
		g := int(j.next.Add(1) - 1)
		if g >= j.groups {
			return
		}
		dw := t.gpart[g*f.nrp*t.nhp : (g+1)*f.nrp*t.nhp]
		clear(dw)
		for b := g * nb / j.groups; b < (g+1)*nb/j.groups; b++ {
			j.block(b, g, dw)
		}
	}
}

// expand sets the full gradient dw from the groups' reduced partial sums,
// four sites at a time: rows k ≥ 1 are the sums, row 0 is g minus them.
func (j *catStepJob) expand() {
	t, f, c := j.t, j.t.catF, j.t.cat
	q, nh, nhp := c.q, t.nh, t.nhp
	size := f.nrp * nhp
	for {
		i0 := int(j.next.Add(1)-1) * 4
		if i0 >= c.sites {
			return
		}
		for i := i0; i < min(i0+4, c.sites); i++ {
			row0 := t.dw[i*q*nhp : i*q*nhp+nh]
			copy(row0, f.g[:nh])
			for k := 1; k < q; k++ {
				r := (i*(q-1) + k - 1) * nhp
				dst := t.dw[(i*q+k)*nhp : (i*q+k)*nhp+nh]
				copy(dst, t.gpart[r:r+nh])
				for g := 1; g < j.groups; g++ {
					kernels.AddTo(dst, t.gpart[g*size+r:g*size+r+nh])
				}
				for a, v := range dst {
					row0[a] -= v
				}
			}
		}
	}
}

// block runs CD-k (or PCD) on block b (of group g) and adds its reduced
// gradient terms v0ᵀh1 − vₖᵀh2 to dw.
func (j *catStepJob) block(b, g int, dw []float32) {
	t, s, f, c := j.t, &j.t.cur, j.t.catF, j.t.cat
	nh, nvp, nhp, nr, nrp := t.nh, t.nvp, t.nhp, f.nr, f.nrp
	q := c.q
	r0, r1 := b*passRows, min((b+1)*passRows, j.m)
	mb := r1 - r0
	h1, h2 := t.h1[r0*nhp:], t.h2[r0*nhp:]
	v0r, vr := f.v0r[g*passRows*nrp:(g+1)*passRows*nrp], t.v1[r0*nvp:]
	partH1, partH2 := t.partH1[b*nhp:(b+1)*nhp], t.partH2[b*nhp:(b+1)*nhp]
	partV := t.partV[b*nvp : (b+1)*nvp]
	shifted := f.shifted[g*nrp : (g+1)*nrp]
	partR, part0 := f.partR[g*nrp:(g+1)*nrp], f.part0[g*c.sites:(g+1)*c.sites]
	// reduce copies the k ≥ 1 columns of full rows (stride nvp) into dst.
	reduce := func(dst, src []float32) {
		for r := 0; r < mb; r++ {
			c.reduceRow(dst[r*nrp:r*nrp+nr], src[r*nvp:r*nvp+c.sites*q])
		}
	}
	if f.x0r != nil { // the full batch, reduced once
		v0r = f.x0r[r0*nrp:]
	} else {
		reduce(v0r, j.v0[r0*nvp:])
	}

	up := func(v, h, sum []float32) {
		kernels.Gemm(mb, nh, nr, 1, v, nrp, f.d, nhp, false, h, nhp)
		for r := 0; r < mb; r++ {
			if sum != nil {
				kernels.TanhBiasSum(h[r*nhp:(r+1)*nhp], f.hbias, sum)
			} else {
				kernels.TanhBias(h[r*nhp:(r+1)*nhp], f.hbias)
			}
		}
	}
	// down sets v (reduced) to p(v_i = s_k | h), k ≥ 1, adds the full
	// column sums to partV and, with ref (full rows), returns Σ (ref − p)².
	down := func(h, v []float32, ref []float32) float64 {
		kernels.Gemm(mb, nrp, nh, 1, h, nhp, f.dt, nrp, false, v, nrp)
		clear(partR)
		clear(part0)
		e := 0.0
		for r := 0; r < mb; r++ {
			var rr []float32
			if ref != nil {
				rr = ref[r*nrp:]
			}
			e += float64(c.rowSoftmax(v[r*nrp:(r+1)*nrp], f.bred, shifted, partR, part0, rr))
		}
		c.fullSums(partV, partR, part0)
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

	clear(partH1)
	up(v0r, h1, partH1)
	kernels.GemmTA(nr, nh, mb, 1, v0r, nrp, h1, nhp, true, dw, nhp)
	if !t.h.persistent {
		t.errPart[b] = cdChain(t.h.k, v0r, vr, h1, h2, up, sample, down)
	} else {
		chains := s.chains[r0*nvp : r1*nvp]
		reduce(vr, chains)
		for k := 1; k <= t.h.k; k++ {
			up(vr, h2, nil)
			sample(h2, k)
			down(h2, vr, nil)
		}
		for r := 0; r < mb; r++ { // back to full rows: p_i0 = 1 − Σ_{k≥1} p_ik
			row, in := chains[r*nvp:], vr[r*nrp:]
			for i := 0; i < c.sites; i++ {
				p0 := float32(1)
				for k := 1; k < q; k++ {
					p := in[i*(q-1)+k-1]
					row[i*q+k] = p
					p0 -= p
				}
				row[i*q] = p0
			}
		}
	}
	clear(partH2)
	up(vr, h2, partH2)
	kernels.GemmTA(nr, nh, mb, -1, vr, nrp, h2, nhp, true, dw, nhp)
}

// rowSoftmax turns one row of reduced pre-activations (nrp values: the
// a_ik − a_i0 of the k ≥ 1 columns, then padding) into p_ik, k ≥ 1, adds
// p_ik for every k to the column sums partR (k ≥ 1) and part0 (k = 0) and,
// with ref (the row's reduced data), returns Σ_ik (ref_ik − p_ik)², state
// 0's difference being minus the sum of the others' (both sides sum to
// 1). bred holds the bias differences, then 0 for column nr — where the
// product left 0, state 0's logit for every site — and −∞ beyond, so that
// one vectorised MaxShift and ExpNeg over the row give every site's
// exponentials shifted by the row's largest logit m, e^{−m} in column nr
// serving as every site's state-0 term. A site all of whose logits lie
// more than 60 below m (its exponentials could underflow) is recomputed
// from its own largest logit; shifted is scratch (nr values) for the
// logits before the shift.
func (c *categorical) rowSoftmax(row, bred, shifted, partR, part0, ref []float32) float32 {
	q1 := c.q - 1
	nr := c.sites * q1
	copy(shifted, row[:nr])
	kernels.MaxShift(row, bred)
	// Every site has state 0's logit 0 among its own: none lies more than
	// m below m, and with m ≤ 60 none can underflow.
	safe := row[nr] >= -60
	kernels.ExpNeg(row)
	z0 := row[nr]
	x, partR, part0 := row[:nr], partR[:nr], part0[:c.sites]
	if q1 == 2 && safe && (ref == nil || len(ref) >= nr) {
		d2 := softmax3(x, z0, partR, part0, ref)
		clear(row[nr:])
		return d2
	}
	var d2 float32
	for i := range part0 {
		g := x[i*q1 : (i+1)*q1]
		s, p0 := z0, z0
		for _, v := range g {
			s += v
		}
		if s < 0x1p-86 { // e^{−60} ≈ 2^{−86.6}: from the site's own logits
			raw, b := shifted[i*q1:(i+1)*q1], bred[i*q1:(i+1)*q1]
			m := float32(0)
			for k, v := range raw {
				m = max(m, v+b[k])
			}
			p0 = kernels.ExpNeg32(-m)
			s = p0
			for k, v := range raw {
				g[k] = kernels.ExpNeg32(v + b[k] - m)
				s += g[k]
			}
		}
		inv := 1 / s
		p0 *= inv
		part0[i] += p0
		pr := partR[i*q1 : (i+1)*q1]
		if ref == nil {
			for k := range g {
				g[k] *= inv
				pr[k] += g[k]
			}
			continue
		}
		rf := ref[i*q1 : (i+1)*q1]
		var sd float32
		for k := range g {
			g[k] *= inv
			pr[k] += g[k]
			d := rf[k] - g[k]
			d2 += d * d
			sd += d
		}
		d2 += sd * sd
	}
	clear(row[nr:]) // the products read zeros beyond the columns
	return d2
}

// softmax3 is rowSoftmax's last pass for q = 3 on a row where no site
// can underflow, written out for speed.
func softmax3(x []float32, z0 float32, partR, part0, ref []float32) float32 {
	part0, partR = part0[:len(x)/2], partR[:len(x)]
	var d2 float32
	for i := range part0 {
		z1, z2 := x[2*i], x[2*i+1]
		inv := 1 / (z0 + z1 + z2)
		// Rounded products, not fused into the sums below (arm64).
		p1, p2 := float32(z1*inv), float32(z2*inv)
		x[2*i], x[2*i+1] = p1, p2
		part0[i] += float32(z0 * inv)
		partR[2*i] += p1
		partR[2*i+1] += p2
		if ref != nil {
			d, e := ref[2*i]-p1, ref[2*i+1]-p2
			f := d + e
			d2 += d*d + e*e + f*f
		}
	}
	return d2
}

// fullSums sets the full column sums part (sites·q) from the reduced ones.
func (c *categorical) fullSums(part, partR, part0 []float32) {
	q, q1 := c.q, c.q-1
	for i, z := range part0[:c.sites] {
		part[i*q] = z
		copy(part[i*q+1:(i+1)*q], partR[i*q1:(i+1)*q1])
	}
}

// stepCatFused is stepFused for categorical units.
func (t *trainer) stepCatFused(v0 []float32, m int) (float64, error) {
	e := t.e
	t.syncCatFused()
	j := &catStepJob{t: t, v0: v0, m: m, seeds: t.sj.seeds[:0], groups: min(fusedGroups, blocks(m)), next: &e.next}
	if t.h.sampling {
		seed := t.cur.rng.Uint64()
		for k := 1; k <= t.h.k; k++ {
			seed = xrand.Derive(seed, k, 1)
			j.seeds = append(j.seeds, seed)
		}
	}
	e.run(j)
	reduce(t.sumH1, t.partH1, m, t.nhp)
	reduce(t.sumV, t.partV, m, t.nvp)
	reduce(t.sumH2, t.partH2, m, t.nhp)
	for a := range t.nh {
		t.catF.g[a] = float32(t.sumH1[a] - t.sumH2[a])
	}
	j.reduce = true
	e.run(j)
	sq := 0.0
	if !t.h.persistent {
		for _, v := range t.errPart[:blocks(m)] {
			sq += v
		}
	}
	return sq, t.update(m)
}
