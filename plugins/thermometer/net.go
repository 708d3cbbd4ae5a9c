package thermometer

import (
	"math"
	"sync"

	"github.com/rgml/rgml/plugins/internal/kernels"
	"github.com/rgml/rgml/plugins/internal/linalg"
	"github.com/rgml/rgml/plugins/internal/xrand"
	"github.com/rgml/rgml/plugins/thermometer/internal/blasthreads"
)

// net is the network's parameters in one flat float32 slice θ laid out as
// [W1 | b1 | W2ᵀ | b2], row-major: W1 is sites×hidden and W2 hidden×classes,
// stored transposed (classes×hidden). Gradients use the same layout. The
// engine computes on padded copies (see engine).
type net struct {
	sites, hidden, classes int // sites: the inputs per configuration
	theta                  []float32
	states                 []int8 // one-hot inputs over these states, or nil
}

func newNet(sites, hidden, classes int) *net {
	return &net{sites: sites, hidden: hidden, classes: classes, theta: make([]float32, paramCount(sites, hidden, classes))}
}

func paramCount(sites, hidden, classes int) int {
	return sites*hidden + hidden + hidden*classes + classes
}

// Offsets of the blocks of θ.
func (n *net) offB1() int { return n.sites * n.hidden }
func (n *net) offW2() int { return n.offB1() + n.hidden }
func (n *net) offB2() int { return n.offW2() + n.hidden*n.classes }

func (n *net) W1() []float32  { return n.theta[:n.offB1()] }
func (n *net) b1() []float32  { return n.theta[n.offB1():n.offW2()] }
func (n *net) W2T() []float32 { return n.theta[n.offW2():n.offB2()] }
func (n *net) b2() []float32  { return n.theta[n.offB2():] }

// W2 returns a copy of W2, hidden×classes.
func (n *net) W2() []float32 {
	w := make([]float32, n.hidden*n.classes)
	transpose(w, n.W2T(), n.classes, n.hidden)
	return w
}

// setW2 sets W2 from w, hidden×classes.
func (n *net) setW2(w []float32) { transpose(n.W2T(), w, n.hidden, n.classes) }

// transpose sets dst (cols×rows) to the transpose of src (rows×cols).
func transpose(dst, src []float32, rows, cols int) {
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			dst[j*rows+i] = src[i*cols+j]
		}
	}
}

// init draws W1 and W2 from Glorot (Xavier) normal distributions,
// N(0, 2/(fan_in+fan_out)), W1 first, row-major, and sets the biases to 0.
func (n *net) init(r *xrand.RNG) {
	clear(n.theta)
	s1 := math.Sqrt(2 / float64(n.sites+n.hidden))
	for i := range n.W1() {
		n.W1()[i] = float32(s1 * r.Normal())
	}
	s2 := math.Sqrt(2 / float64(n.hidden+n.classes))
	w2 := make([]float32, n.hidden*n.classes)
	for i := range w2 {
		w2[i] = float32(s2 * r.Normal())
	}
	n.setW2(w2)
}

// weightNorm is the Frobenius norm of (W1, W2).
func (n *net) weightNorm() float64 {
	var s float64
	for _, v := range n.W1() {
		s += float64(v) * float64(v)
	}
	for _, v := range n.W2T() {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s)
}

var blasOnce sync.Once

// initBLAS selects the BLAS backend (see package linalg) and, for
// OpenBLAS, makes it run every call on the calling goroutine's thread.
func initBLAS() {
	blasOnce.Do(func() {
		linalg.Init()
		blasthreads.Serial()
	})
}

// Backend names what computes the network's matrix products in this
// process: one of package kernels' implementations ("avx512", "avx2",
// "generic"), or "openblas" in a build with OpenBLAS on a CPU where no
// assembly kernel runs (everywhere else they are faster: see
// docs/learners.md).
func Backend() string {
	initBLAS()
	if linalg.Backend() == "openblas" && kernels.Name() == "generic" {
		return "openblas"
	}
	return kernels.Name()
}

// chunkRows is the number of configurations one chunk of work holds. It
// is a constant, so that results depend neither on the number of
// goroutines nor on the implementation of the kernels (avx2 and avx512
// give the same bits).
const chunkRows = 256

// engine evaluates the network over a set of rows (configurations) in
// chunks, in parallel: the loss (36), the accuracy, the gradients of the
// mean loss (38)–(40), or the class probabilities.
//
// It works on padded copies of the parameters, laid out for package
// kernels (rows of Pad16 values, zero beyond the width): W1 sites×hp,
// W2 hidden×cp, W2ᵀ classes×hp, b1 hp, with hp = Pad16(hidden) and
// cp = Pad16(classes). Inputs are rows of xs = Pad4(sites) values, zero
// beyond the sites (see toX).
type engine struct {
	net   *net
	pool  *pool
	chunk int
	blas  bool // blas32 (OpenBLAS) does the products, not package kernels

	hp, cp, xs  int
	w1, w2, w2t []float32
	b1          []float32
	b2          []float32 // cp values, −∞ beyond the classes (softmaxExp)

	// The current rows: x is n×xs, y their class indices (nil when
	// unlabelled). For predict, cfg holds them as int8 instead, converted
	// a chunk at a time.
	x   []float32
	cfg []int8
	y   []int32
	n   int

	// Per-worker scratch: z2 and d2 chunk×hp, u chunk×cp, x chunk×xs.
	scratch []scratch
	// Per-group partial gradient sums (padded layout, see gradLayout) and
	// per-chunk loss sums.
	part    []float32
	psize   int
	loss    []float64
	correct []int
	// Per-chunk class-probability sums (predict).
	dist []float64
	// probs receives the probabilities, n×classes (predict).
	probs []float32

	gpad []float32 // the summed gradient, padded layout
	grad []float32 // the mean gradient, θ layout

	gradFn, lossFn, predictFn, reduceFn func(worker, chunk int)
}

// maxGroups bounds the number of partial gradient sums: consecutive chunks
// form at most maxGroups groups, each summed on one goroutine in order.
const maxGroups = 64

type scratch struct {
	x, z2, u, d2 []float32
	arg          []int32
}

// reduceUnit is the number of gradient elements one reduction task sums.
const reduceUnit = 2048

// Offsets of the padded gradient: gW1 Pad4(sites)×hp, gb1 hp,
// gW2ᵀ Pad4(classes)×hp, gb2 cp.
func (e *engine) offGb1() int  { return kernels.Pad4(e.net.sites) * e.hp }
func (e *engine) offGW2T() int { return e.offGb1() + e.hp }
func (e *engine) offGb2() int  { return e.offGW2T() + kernels.Pad4(e.net.classes)*e.hp }

// newEngine returns an engine for gradients over up to gradRows rows at a
// time and losses or predictions over up to evalRows rows.
func newEngine(n *net, gradRows, evalRows int, p *pool) *engine {
	e := &engine{net: n, pool: p, chunk: chunkRows, blas: Backend() == "openblas",
		hp: kernels.Pad16(n.hidden), cp: kernels.Pad16(n.classes), xs: kernels.Pad4(n.sites)}
	e.w1 = make([]float32, n.sites*e.hp)
	e.w2 = make([]float32, n.hidden*e.cp)
	e.w2t = make([]float32, n.classes*e.hp)
	e.b1 = make([]float32, e.hp)
	e.b2 = make([]float32, e.cp)
	for k := n.classes; k < e.cp; k++ {
		e.b2[k] = float32(math.Inf(-1))
	}
	gradChunks := (gradRows + e.chunk - 1) / e.chunk
	chunks := max(gradChunks, (evalRows+e.chunk-1)/e.chunk)
	e.scratch = make([]scratch, p.workers)
	rows := kernels.Pad4(e.chunk)
	for w := range e.scratch {
		e.scratch[w] = scratch{
			z2:  make([]float32, rows*e.hp),
			u:   make([]float32, rows*e.cp),
			x:   make([]float32, rows*e.xs),
			arg: make([]int32, e.chunk),
		}
		if gradRows > 0 {
			e.scratch[w].d2 = make([]float32, rows*e.hp)
		}
	}
	e.loss = make([]float64, chunks)
	e.correct = make([]int, chunks)
	e.psize = e.offGb2() + e.cp
	e.part = make([]float32, min(gradChunks, maxGroups)*e.psize)
	e.gpad = make([]float32, e.psize)
	e.grad = make([]float32, len(n.theta))
	e.gradFn, e.lossFn, e.predictFn, e.reduceFn = e.gradGroup, e.lossChunk, e.predictChunk, e.reduceRange
	return e
}

// sync copies the network's parameters into the padded copies.
func (e *engine) sync() {
	n := e.net
	for i := 0; i < n.sites; i++ {
		copy(e.w1[i*e.hp:], n.W1()[i*n.hidden:(i+1)*n.hidden])
	}
	w2t := n.W2T()
	for k := 0; k < n.classes; k++ {
		row := w2t[k*n.hidden : (k+1)*n.hidden]
		copy(e.w2t[k*e.hp:], row)
		for j, v := range row {
			e.w2[j*e.cp+k] = v
		}
	}
	copy(e.b1, n.b1())
	copy(e.b2, n.b2())
}

func (e *engine) chunks() int { return (e.n + e.chunk - 1) / e.chunk }

// groupSize is the number of chunks per group; groups returns the number
// of groups.
func (e *engine) groupSize() int { return (e.chunks() + maxGroups - 1) / maxGroups }
func (e *engine) groups() int    { return (e.chunks() + e.groupSize() - 1) / e.groupSize() }

// rows returns the bounds of chunk c.
func (e *engine) rows(c int) (r0, r1 int) {
	r0 = c * e.chunk
	return r0, min(r0+e.chunk, e.n)
}

// gemm is kernels.Gemm or, with transA, kernels.GemmTA, or blas32 for
// OpenBLAS.
func (e *engine) gemm(transA bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, acc bool, c []float32, ldc int) {
	switch {
	case e.blas:
		linalg.Gemm(transA, m, n, k, alpha, a, lda, b, ldb, acc, c, ldc)
	case transA:
		kernels.GemmTA(m, n, k, alpha, a, lda, b, ldb, acc, c, ldc)
	default:
		kernels.Gemm(m, n, k, alpha, a, lda, b, ldb, acc, c, ldc)
	}
}

// forward computes Z2 = tanh(X W1 + b1) (32) and U = Z2 W2 into the
// worker's scratch for chunk rows [r0, r1) and returns X, Z2 and U; the
// softmax (33)–(34) is left to the caller, fused with what it needs.
func (e *engine) forward(w, r0, r1 int) (x, z2, u []float32) {
	n, s := e.net, &e.scratch[w]
	m := r1 - r0
	switch {
	case e.cfg != nil:
		x = s.x
		for r := 0; r < m; r++ {
			row := x[r*e.xs : r*e.xs+n.sites]
			for i, c := range e.cfg[(r0+r)*n.sites : (r0+r+1)*n.sites] {
				row[i] = float32(c)
			}
		}
	case len(e.x) < (r0+kernels.Pad4(m))*e.xs:
		// The products read whole blocks of 4 rows: copy a short last
		// chunk into zero-padded scratch.
		x = s.x
		copy(x, e.x[r0*e.xs:r1*e.xs])
		clear(x[m*e.xs : kernels.Pad4(m)*e.xs])
	default:
		x = e.x[r0*e.xs:]
	}
	e.gemm(false, m, n.hidden, n.sites, 1, x, e.xs, e.w1, e.hp, false, s.z2, e.hp)
	for r := 0; r < m; r++ {
		kernels.TanhBias(s.z2[r*e.hp:(r+1)*e.hp], e.b1)
	}
	e.gemm(false, m, n.classes, n.hidden, 1, s.z2, e.hp, e.w2, e.cp, false, s.u, e.cp)
	return x, s.z2, s.u
}

// gradGroup computes the loss sums and correct counts of group g's chunks
// and the partial gradient sums Σ_A over their rows (not yet divided by
// N).
func (e *engine) gradGroup(w, g int) {
	part := e.part[g*e.psize : (g+1)*e.psize]
	clear(part)
	gs := e.groupSize()
	for c := g * gs; c < min((g+1)*gs, e.chunks()); c++ {
		e.gradChunk(w, c, part)
	}
}

// gradChunk computes chunk c's loss sum and correct count and adds its
// gradient sums to part.
func (e *engine) gradChunk(w, c int, part []float32) {
	n := e.net
	r0, r1 := e.rows(c)
	m := r1 - r0
	x, z2, d3 := e.forward(w, r0, r1)
	gW1 := part[:e.offGb1()]
	gb1 := part[e.offGb1():e.offGW2T()]
	gW2T := part[e.offGW2T():e.offGb2()]
	gb2 := part[e.offGb2():]
	// Δ3 = Z3 − d, its column sums (38), the loss and the accuracy.
	s := &e.scratch[w]
	e.loss[c], e.correct[c] = softmaxDelta(d3, e.cp, n.classes, e.b2, e.y[r0:r1], s.arg[:m], gb2)
	// Δ2 = (Δ3 W2ᵀ) ⊙ (1 − Z2²) (40), with f'(U) = 1 − tanh²(U), and its
	// column sums (39).
	d2 := s.d2
	e.gemm(false, m, n.hidden, n.classes, 1, d3, e.cp, e.w2t, e.hp, false, d2, e.hp)
	for r := 0; r < m; r++ {
		kernels.TanhBackward(d2[r*e.hp:(r+1)*e.hp], z2[r*e.hp:(r+1)*e.hp], gb1)
	}
	// (Z2ᵀ Δ3)ᵀ = Δ3ᵀ Z2 (38) and Z1ᵀ Δ2 (39).
	e.gemm(true, n.classes, n.hidden, m, 1, d3, e.cp, z2, e.hp, true, gW2T, e.hp)
	e.gemm(true, n.sites, n.hidden, m, 1, x, e.xs, d2, e.hp, true, gW1, e.hp)
}

// lossChunk computes chunk c's loss sum and correct count.
func (e *engine) lossChunk(w, c int) {
	r0, r1 := e.rows(c)
	_, _, u := e.forward(w, r0, r1)
	s := &e.scratch[w]
	e.loss[c], e.correct[c] = softmaxLoss(u, e.cp, e.net.classes, e.b2, e.y[r0:r1], s.arg[:r1-r0])
}

// predictChunk writes chunk c's class probabilities to e.probs and their
// column sums to e.dist.
func (e *engine) predictChunk(w, c int) {
	r0, r1 := e.rows(c)
	_, _, u := e.forward(w, r0, r1)
	k := e.net.classes
	softmaxRows(u, e.cp, k, e.b2, e.scratch[w].arg[:r1-r0])
	d := e.dist[c*k : (c+1)*k]
	clear(d)
	for r := 0; r < r1-r0; r++ {
		row := u[r*e.cp : r*e.cp+k]
		copy(e.probs[(r0+r)*k:], row)
		for j, v := range row {
			d[j] += float64(v)
		}
	}
}

// reduceRange sums the per-group partial gradients of padded elements
// [u·reduceUnit, (u+1)·reduceUnit) in group order.
func (e *engine) reduceRange(_, u int) {
	p := e.psize
	j0, j1 := u*reduceUnit, min((u+1)*reduceUnit, p)
	g := e.gpad[j0:j1]
	copy(g, e.part[j0:j1])
	for k := 1; k < e.groups(); k++ {
		kernels.AddTo(g, e.part[k*p+j0:k*p+j1])
	}
}

// gradient sets e.grad to the gradient of the mean loss (36) over the n
// rows of x (stride Pad4(sites), see toX) with classes y, eqs. (38)–(40)
// without the factor −ε, and returns the summed loss and the number of
// correct predictions.
func (e *engine) gradient(x []float32, y []int32, n int) (lossSum float64, correct int) {
	e.x, e.cfg, e.y, e.n = x, nil, y, n
	e.sync()
	e.pool.run(e.groups(), e.gradFn)
	e.pool.run((e.psize+reduceUnit-1)/reduceUnit, e.reduceFn)
	// The mean, in θ layout.
	nt, inv := e.net, 1/float32(n)
	for i := 0; i < nt.sites; i++ {
		scale(e.grad[i*nt.hidden:(i+1)*nt.hidden], e.gpad[i*e.hp:], inv)
	}
	scale(e.grad[nt.offB1():nt.offW2()], e.gpad[e.offGb1():], inv)
	for k := 0; k < nt.classes; k++ {
		scale(e.grad[nt.offW2()+k*nt.hidden:nt.offW2()+(k+1)*nt.hidden], e.gpad[e.offGW2T()+k*e.hp:], inv)
	}
	scale(e.grad[nt.offB2():], e.gpad[e.offGb2():], inv)
	return e.sums()
}

// scale sets dst[i] = src[i]·f.
func scale(dst, src []float32, f float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = v * f
	}
}

// evaluate returns the summed loss and the number of correct predictions
// over the n rows of x (stride Pad4(sites)) with classes y.
func (e *engine) evaluate(x []float32, y []int32, n int) (lossSum float64, correct int) {
	e.x, e.cfg, e.y, e.n = x, nil, y, n
	e.sync()
	e.pool.run(e.chunks(), e.lossFn)
	return e.sums()
}

// predict writes the class probabilities of the n configurations of cfg to
// probs (n×classes) and returns their mean over the configurations.
func (e *engine) predict(cfg []int8, n int, probs []float32) []float64 {
	e.x, e.cfg, e.y, e.n, e.probs = nil, cfg, nil, n, probs
	e.sync()
	k := e.net.classes
	e.dist = make([]float64, e.chunks()*k)
	e.pool.run(e.chunks(), e.predictFn)
	mean := make([]float64, k)
	for c := 0; c < e.chunks(); c++ {
		for j := range mean {
			mean[j] += e.dist[c*k+j]
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	return mean
}

func (e *engine) sums() (lossSum float64, correct int) {
	for c := 0; c < e.chunks(); c++ {
		lossSum += e.loss[c]
		correct += e.correct[c]
	}
	return lossSum, correct
}

// step applies one gradient-descent update (37)–(39) with learning rate
// lr and L2 weight decay wd on W1 and W2: W ← W − lr·(∇W + wd·W),
// b ← b − lr·∇b. Each product is rounded before it is subtracted
// (float32(…)), so that no compiler fuses the two (arm64's does): the
// same bits on every architecture (TestTrainingDigest).
func (n *net) step(grad []float32, lr, wd float32) {
	th := n.theta
	g := grad[:len(th)]
	for _, blk := range [][2]int{{0, n.offB1()}, {n.offW2(), n.offB2()}} {
		w, gw := th[blk[0]:blk[1]], g[blk[0]:blk[1]]
		gw = gw[:len(w)]
		if wd == 0 {
			for i := range w {
				w[i] -= float32(lr * gw[i])
			}
		} else {
			for i := range w {
				w[i] -= float32(lr * (gw[i] + float32(wd*w[i])))
			}
		}
	}
	for _, blk := range [][2]int{{n.offB1(), n.offW2()}, {n.offB2(), len(th)}} {
		b, gb := th[blk[0]:blk[1]], g[blk[0]:blk[1]]
		gb = gb[:len(b)]
		for i := range b {
			b[i] -= float32(lr * gb[i])
		}
	}
}

// softmaxExp sets every row u of the len(arg) rows of us (stride ld,
// bp holding the ld biases, −∞ beyond the k classes) to exp(u + b − m), m
// the row's largest entry of u + b: the softmax (34) before its
// normalisation, 0 beyond the classes. It stores the index of that entry
// (the first of equals) in arg.
func softmaxExp(us []float32, ld int, bp []float32, arg []int32) {
	us = us[:len(arg)*ld]
	kernels.MaxShiftRows(us, ld, ld, bp, arg)
	kernels.ExpNeg(us)
}

func sum32(v []float32) float32 {
	var s float32
	for _, x := range v {
		s += x
	}
	return s
}

// softmaxRows sets every row u of us (stride ld, k classes, biases bp as
// softmaxExp's) to softmax(u + b) (34); arg is scratch with one element
// per row.
func softmaxRows(us []float32, ld, k int, bp []float32, arg []int32) {
	softmaxExp(us, ld, bp, arg)
	for r := range arg {
		row := us[r*ld : r*ld+k : r*ld+k]
		inv := 1 / sum32(row)
		for j := range row {
			row[j] *= inv
		}
	}
}

// softmaxDelta turns each row u of us (stride ld, k classes, biases bp as
// softmaxExp's) into
// Δ3 = softmax(u + b) − d, d the one-hot encoding (35) of its class y,
// zero beyond the classes, and returns the summed loss (36)
// −Σ_A log Z3[A, y_A] and the number of rows whose most probable class is
// y. The loss is that of the float32 probabilities, as (36) defines it: a
// probability Z3[A, y_A] that underflows to 0 (a class more than ~87 below
// another in the logits: a diverged training) makes it +Inf. The column
// sums of Δ3 are added to gb; arg is scratch of len(y).
func softmaxDelta(us []float32, ld, k int, bp []float32, y, arg []int32, gb []float32) (loss float64, correct int) {
	softmaxExp(us, ld, bp, arg)
	gb = gb[:k]
	// Four rows at a time, so that their sums and their terms of gb are
	// independent chains; each is the same chain as row by row (each
	// element's terms in row order, the −1 of a row's class right after
	// its probability), so the bits are too.
	r := 0
	for ; r+4 <= len(y); r += 4 {
		rows := us[r*ld : r*ld+3*ld+k]
		r0, r1, r2, r3 := rows[:k:k], rows[ld:ld+k:ld+k], rows[2*ld:2*ld+k:2*ld+k], rows[3*ld:3*ld+k:3*ld+k]
		var s0, s1, s2, s3 float32
		for j := range r0 {
			s0 += r0[j]
			s1 += r1[j]
			s2 += r2[j]
			s3 += r3[j]
		}
		i0, i1, i2, i3 := 1/s0, 1/s1, 1/s2, 1/s3
		t0, t1, t2, t3 := int(y[r]), int(y[r+1]), int(y[r+2]), int(y[r+3])
		for j := range r0 {
			// Rounded products, not fused into gb's sums (arm64).
			v0, v1, v2, v3 := float32(r0[j]*i0), float32(r1[j]*i1), float32(r2[j]*i2), float32(r3[j]*i3)
			r0[j], r1[j], r2[j], r3[j] = v0, v1, v2, v3
			g := gb[j] + v0
			if j == t0 {
				g--
			}
			g += v1
			if j == t1 {
				g--
			}
			g += v2
			if j == t2 {
				g--
			}
			g += v3
			if j == t3 {
				g--
			}
			gb[j] = g
		}
		for i, t := range [4]int{t0, t1, t2, t3} {
			row := us[(r+i)*ld : (r+i)*ld+k : (r+i)*ld+k]
			loss -= math.Log(float64(row[t]))
			if int(arg[r+i]) == t {
				correct++
			}
			row[t]--
		}
	}
	for ; r < len(y); r++ {
		t := y[r]
		row := us[r*ld : r*ld+k : r*ld+k]
		inv := 1 / sum32(row)
		for j, v := range row {
			v = float32(v * inv)
			row[j] = v
			gb[j] += v
		}
		loss -= math.Log(float64(row[t]))
		if arg[r] == t {
			correct++
		}
		row[t]--
		gb[t]--
	}
	return loss, correct
}

// softmaxLoss returns what softmaxDelta does, leaving us unnormalised.
func softmaxLoss(us []float32, ld, k int, bp []float32, y, arg []int32) (loss float64, correct int) {
	softmaxExp(us, ld, bp, arg)
	for r, t := range y {
		row := us[r*ld : r*ld+k : r*ld+k]
		loss -= math.Log(float64(row[t] * (1 / sum32(row))))
		if arg[r] == t {
			correct++
		}
	}
	return loss, correct
}
