package thermometer

import (
	"math"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/rgml/rgml/plugins/internal/linalg"
	"github.com/rgml/rgml/plugins/internal/xrand"
	"github.com/rgml/rgml/plugins/thermometer/internal/blasthreads"
)

// net is the network's parameters in one flat float32 slice θ laid out as
// [W1 | b1 | W2ᵀ | b2], row-major: W1 is sites×hidden and W2 hidden×classes,
// stored transposed (classes×hidden) so that the products with W2 run over
// rows of hidden, not classes, elements (twice as fast with gonum).
// Gradients use the same layout.
type net struct {
	sites, hidden, classes int
	theta                  []float32
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

// chunkRows is the number of configurations one chunk of work holds. It
// depends on the network's shape and the BLAS backend only, never on the
// number of goroutines, so results do not either. With gonum the chunk
// products stay below gonum's threshold for going parallel itself (four
// 64×64 blocks of the output), so they run serially on their worker.
func chunkRows(hidden int) int {
	if linalg.Backend() == "gonum" {
		switch {
		case hidden <= 64:
			return 192
		case hidden <= 128:
			return 64
		}
	}
	return 256
}

// engine evaluates the network over a set of rows (configurations) in
// chunks, in parallel: the loss (36), the accuracy, the gradients of the
// mean loss (38)–(40), or the class probabilities.
type engine struct {
	net   *net
	pool  *pool
	chunk int

	// The current rows: x is n×sites, y their class indices (nil when
	// unlabelled). For predict, cfg holds them as int8 instead, converted
	// a chunk at a time.
	x   []float32
	cfg []int8
	y   []int32
	n   int

	// Per-worker scratch: z2 and d2 chunk×hidden, z3 chunk×classes.
	scratch []scratch
	// Per-group partial gradient sums (θ layout) and per-chunk loss sums.
	part    []float32
	loss    []float64
	correct []int
	// Per-chunk class-probability sums (predict).
	dist []float64
	// probs receives the probabilities, n×classes (predict).
	probs []float32

	grad []float32 // the mean gradient, θ layout

	gradFn, lossFn, predictFn, reduceFn func(worker, chunk int)
}

// maxGroups bounds the number of partial gradient sums: consecutive chunks
// form at most maxGroups groups, each summed on one goroutine in order.
const maxGroups = 64

type scratch struct {
	x, z2, z3, d2 []float32
	arg           []int32
}

// reduceUnit is the number of gradient elements one reduction task sums.
const reduceUnit = 2048

// newEngine returns an engine for gradients over up to gradRows rows at a
// time and losses or predictions over up to evalRows rows.
func newEngine(n *net, gradRows, evalRows int, p *pool) *engine {
	initBLAS()
	e := &engine{net: n, pool: p, chunk: chunkRows(n.hidden)}
	gradChunks := (gradRows + e.chunk - 1) / e.chunk
	chunks := max(gradChunks, (evalRows+e.chunk-1)/e.chunk)
	e.scratch = make([]scratch, p.workers)
	for w := range e.scratch {
		e.scratch[w] = scratch{
			z2:  make([]float32, e.chunk*n.hidden),
			z3:  make([]float32, e.chunk*n.classes),
			arg: make([]int32, e.chunk),
		}
		if gradRows > 0 {
			e.scratch[w].d2 = make([]float32, e.chunk*n.hidden)
		}
	}
	e.loss = make([]float64, chunks)
	e.correct = make([]int, chunks)
	e.part = make([]float32, min(gradChunks, maxGroups)*len(n.theta))
	e.grad = make([]float32, len(n.theta))
	e.gradFn, e.lossFn, e.predictFn, e.reduceFn = e.gradGroup, e.lossChunk, e.predictChunk, e.reduceRange
	return e
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

func general(rows, cols int, data []float32) blas32.General {
	return blas32.General{Rows: rows, Cols: cols, Stride: cols, Data: data[:rows*cols]}
}

// forward computes Z2 = tanh(X W1 + b1) (32) and Z2 W2 into the worker's
// scratch for chunk rows [r0, r1) and returns them; the softmax (33)–(34)
// is left to the caller, fused with what it needs.
func (e *engine) forward(w, r0, r1 int) (x, z2, u2 blas32.General) {
	n, s := e.net, &e.scratch[w]
	m := r1 - r0
	if e.cfg != nil {
		c := e.cfg[r0*n.sites : r1*n.sites]
		xs := s.x[:len(c)]
		for i, v := range c {
			xs[i] = float32(v)
		}
		x = general(m, n.sites, xs)
	} else {
		x = general(m, n.sites, e.x[r0*n.sites:])
	}
	z2 = general(m, n.hidden, s.z2)
	u2 = general(m, n.classes, s.z3)
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, x, general(n.sites, n.hidden, n.W1()), 0, z2)
	biasTanh(z2.Data, n.b1())
	blas32.Gemm(blas.NoTrans, blas.Trans, 1, z2, general(n.classes, n.hidden, n.W2T()), 0, u2)
	return x, z2, u2
}

// gradGroup computes the loss sums and correct counts of group g's chunks
// and the partial gradient sums Σ_A over their rows (not yet divided by
// N).
func (e *engine) gradGroup(w, g int) {
	p := len(e.net.theta)
	part := e.part[g*p : (g+1)*p]
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
	gW1 := part[:n.offB1()]
	gb1 := part[n.offB1():n.offW2()]
	gW2T := part[n.offW2():n.offB2()]
	gb2 := part[n.offB2():]
	// Δ3 = Z3 − d, its column sums (38), the loss and the accuracy.
	s := &e.scratch[w]
	e.loss[c], e.correct[c] = softmaxDelta(d3.Data, n.b2(), e.y[r0:r1], s.arg[:m], gb2)
	// Δ2 = (Δ3 W2ᵀ) ⊙ (1 − Z2²) (40), with f'(U) = 1 − tanh²(U), and its
	// column sums (39).
	d2 := general(m, n.hidden, s.d2)
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, d3, general(n.classes, n.hidden, n.W2T()), 0, d2)
	tanhBackward(d2.Data, z2.Data, gb1)
	// (Z2ᵀ Δ3)ᵀ = Δ3ᵀ Z2 (38) and Z1ᵀ Δ2 (39).
	blas32.Gemm(blas.Trans, blas.NoTrans, 1, d3, z2, 1, general(n.classes, n.hidden, gW2T))
	blas32.Gemm(blas.Trans, blas.NoTrans, 1, x, d2, 1, general(n.sites, n.hidden, gW1))
}

// lossChunk computes chunk c's loss sum and correct count.
func (e *engine) lossChunk(w, c int) {
	r0, r1 := e.rows(c)
	_, _, u2 := e.forward(w, r0, r1)
	s := &e.scratch[w]
	e.loss[c], e.correct[c] = softmaxLoss(u2.Data, e.net.b2(), e.y[r0:r1], s.arg[:r1-r0])
}

// predictChunk writes chunk c's class probabilities to e.probs and their
// column sums to e.dist.
func (e *engine) predictChunk(w, c int) {
	r0, r1 := e.rows(c)
	_, _, u2 := e.forward(w, r0, r1)
	k := e.net.classes
	p := e.probs[r0*k : r1*k]
	copy(p, u2.Data)
	softmaxRows(p, e.net.b2(), e.scratch[w].arg[:r1-r0])
	d := e.dist[c*k : (c+1)*k]
	clear(d)
	for r := 0; r < len(p); r += k {
		row := p[r : r+k]
		for j, v := range row {
			d[j] += float64(v)
		}
	}
}

// reduceRange sums the per-group partial gradients of θ elements
// [u·reduceUnit, (u+1)·reduceUnit) in group order and divides them by N.
func (e *engine) reduceRange(_, u int) {
	p := len(e.net.theta)
	j0, j1 := u*reduceUnit, min((u+1)*reduceUnit, p)
	g := e.grad[j0:j1]
	copy(g, e.part[j0:j1])
	for k := 1; k < e.groups(); k++ {
		src := e.part[k*p+j0 : k*p+j1]
		for i, v := range src {
			g[i] += v
		}
	}
	inv := 1 / float32(e.n)
	for i := range g {
		g[i] *= inv
	}
}

// gradient sets e.grad to the gradient of the mean loss (36) over the n
// rows of x with classes y, eqs. (38)–(40) without the factor −ε, and
// returns the summed loss and the number of correct predictions.
func (e *engine) gradient(x []float32, y []int32, n int) (lossSum float64, correct int) {
	e.x, e.cfg, e.y, e.n = x, nil, y, n
	e.pool.run(e.groups(), e.gradFn)
	e.pool.run((len(e.net.theta)+reduceUnit-1)/reduceUnit, e.reduceFn)
	return e.sums()
}

// evaluate returns the summed loss and the number of correct predictions
// over the n rows of x with classes y.
func (e *engine) evaluate(x []float32, y []int32, n int) (lossSum float64, correct int) {
	e.x, e.cfg, e.y, e.n = x, nil, y, n
	e.pool.run(e.chunks(), e.lossFn)
	return e.sums()
}

// predict writes the class probabilities of the n configurations of cfg to
// probs (n×classes) and returns their mean over the configurations.
func (e *engine) predict(cfg []int8, n int, probs []float32) []float64 {
	e.x, e.cfg, e.y, e.n, e.probs = nil, cfg, nil, n, probs
	for w := range e.scratch {
		if e.scratch[w].x == nil {
			e.scratch[w].x = make([]float32, e.chunk*e.net.sites)
		}
	}
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
// b ← b − lr·∇b.
func (n *net) step(grad []float32, lr, wd float32) {
	th := n.theta
	g := grad[:len(th)]
	for _, blk := range [][2]int{{0, n.offB1()}, {n.offW2(), n.offB2()}} {
		w, gw := th[blk[0]:blk[1]], g[blk[0]:blk[1]]
		gw = gw[:len(w)]
		if wd == 0 {
			for i := range w {
				w[i] -= lr * gw[i]
			}
		} else {
			for i := range w {
				w[i] -= lr * (gw[i] + wd*w[i])
			}
		}
	}
	for _, blk := range [][2]int{{n.offB1(), n.offW2()}, {n.offB2(), len(th)}} {
		b, gb := th[blk[0]:blk[1]], g[blk[0]:blk[1]]
		gb = gb[:len(b)]
		for i := range b {
			b[i] -= lr * gb[i]
		}
	}
}

// tanhBackwardGo sets d ← d ⊙ (1 − z²) row by row (rows of len(gb)) and
// adds the column sums of the result to gb.
func tanhBackwardGo(d, z, gb []float32) {
	h := len(gb)
	for r := 0; r+h <= len(d); r += h {
		dr := d[r : r+h : r+h]
		zr := z[r : r+h : r+h]
		for j, v := range dr {
			zj := zr[j]
			v *= 1 - zj*zj
			dr[j] = v
			gb[j] += v
		}
	}
}

// softmaxExp sets every row u of us (rows of len(b)) to exp(u + b − m),
// m the row's largest entry of u + b: the softmax (34) before its
// normalisation. It stores the index of that entry (the first of equals) in
// arg, which has one element per row.
func softmaxExp(us, b []float32, arg []int32) {
	k := len(b)
	us = us[:len(arg)*k]
	for r := range arg {
		row := us[r*k : (r+1)*k : (r+1)*k]
		bb := b[:len(row)]
		mx, am := row[0]+bb[0], 0
		for j, v := range row {
			if v += bb[j]; v > mx {
				mx, am = v, j
			}
		}
		for j, v := range row {
			row[j] = v + bb[j] - mx
		}
		arg[r] = int32(am)
	}
	expInPlace(us)
}

func sum32(v []float32) float32 {
	var s float32
	for _, x := range v {
		s += x
	}
	return s
}

// softmaxRows sets every row u of us (rows of len(b)) to softmax(u + b)
// (34); arg is scratch with one element per row.
func softmaxRows(us, b []float32, arg []int32) {
	k := len(b)
	softmaxExp(us, b, arg)
	for r := range arg {
		row := us[r*k : (r+1)*k : (r+1)*k]
		inv := 1 / sum32(row)
		for j := range row {
			row[j] *= inv
		}
	}
}

// softmaxDelta turns each row u of us into Δ3 = softmax(u + b) − d, d the
// one-hot encoding (35) of its class y, and returns the summed loss (36)
// −Σ_A log Z3[A, y_A] and the number of rows whose most probable class is
// y. The loss is that of the float32 probabilities, as (36) defines it: a
// probability Z3[A, y_A] that underflows to 0 (a class more than ~87 below
// another in the logits: a diverged training) makes it +Inf. The column
// sums of Δ3 are added to gb; arg is scratch of len(y).
func softmaxDelta(us, b []float32, y, arg []int32, gb []float32) (loss float64, correct int) {
	k := len(b)
	softmaxExp(us, b, arg)
	gb = gb[:k]
	for r, t := range y {
		row := us[r*k : (r+1)*k : (r+1)*k]
		inv := 1 / sum32(row)
		for j, v := range row {
			v *= inv
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
func softmaxLoss(us, b []float32, y, arg []int32) (loss float64, correct int) {
	k := len(b)
	softmaxExp(us, b, arg)
	for r, t := range y {
		row := us[r*k : (r+1)*k : (r+1)*k]
		loss -= math.Log(float64(row[t] * (1 / sum32(row))))
		if arg[r] == t {
			correct++
		}
	}
	return loss, correct
}
