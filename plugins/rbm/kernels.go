package rbm

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/rgml/rgml/plugins/internal/kernels"
	"github.com/rgml/rgml/plugins/internal/linalg"
)

// Matrices are row-major float32 slices with a row stride. Every buffer of
// the learner is padded as package kernels wants it: a row holds
// pad16(width) values, the ones beyond the width being zero, and a matrix
// has pad4(rows) rows.

func pad16(n int) int { return kernels.Pad16(n) }
func pad4(n int) int  { return kernels.Pad4(n) }

// rowStride is the row stride of the trainer's matrices of width n
// (kernels.RowStride: no result depends on it, and the padding stays zero).
func rowStride(n int) int { return strideOf(n) }

// strideOf is rowStride's rule; a test replaces it by pad16 to compare.
var strideOf = kernels.RowStride

// transposeTA is the trainer's rule for its partial gradients' layout
// (trainer.tta); a test replaces it to compare.
var transposeTA = kernels.TransposeTA

// ---------------------------------------------------------------- pool

// A job is work split into parts: run(part, parts) does part part.
type job interface{ run(part, parts int) }

// pool runs jobs on a fixed set of goroutines: the caller runs part 0,
// n−1 helpers the others. Handing a job over allocates nothing.
type pool struct {
	n  int
	ch []chan job
	wg sync.WaitGroup
}

func newPool(n int) *pool {
	p := &pool{n: max(1, n)}
	for i := 1; i < p.n; i++ {
		ch := make(chan job, 1)
		p.ch = append(p.ch, ch)
		go func(part int) {
			for j := range ch {
				j.run(part, p.n)
				p.wg.Done()
			}
		}(i)
	}
	return p
}

// do runs j's parts in parallel and returns when all are done.
func (p *pool) do(j job) {
	p.wg.Add(p.n - 1)
	for _, ch := range p.ch {
		ch <- j
	}
	j.run(0, p.n)
	p.wg.Wait()
}

func (p *pool) close() {
	for _, ch := range p.ch {
		close(ch)
	}
}

// span returns part's share [lo, hi) of n items split into parts.
func span(n, part, parts int) (lo, hi int) {
	return n * part / parts, n * (part + 1) / parts
}

// ---------------------------------------------------------------- GEMM

// engine runs the matrix products and elementwise passes of the learner.
type engine struct {
	// blas: blas32 (OpenBLAS) does the products, not package kernels.
	blas bool
	pool *pool
	gj   gemmJob
	aj   actJob
	sj   sampleJob
	// partial holds the partial products of transA segments.
	partial []float32
	// next hands out the items of the current job: workers take them
	// dynamically, which evens out cores slowed by other processes. No
	// result depends on which worker computes an item.
	next atomic.Int64
}

// run runs j on the pool with the item counter reset.
func (e *engine) run(j job) {
	e.next.Store(0)
	e.pool.do(j)
}

// newEngine returns an engine on workers goroutines (0: GOMAXPROCS).
// Close it when done.
func newEngine(workers int) *engine {
	linalg.Init()
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return &engine{blas: Backend() == "openblas", pool: newPool(workers)}
}

func (e *engine) close() { e.pool.close() }

// Backend names what computes the learner's matrix products in this
// process: one of package kernels' implementations ("avx512", "avx2",
// "generic"), or "openblas" in a build with OpenBLAS on a CPU where no
// assembly kernel runs (everywhere else they are faster: see
// docs/learners.md).
func Backend() string {
	linalg.Init()
	if linalg.Backend() == "openblas" && kernels.Name() == "generic" {
		return "openblas"
	}
	return kernels.Name()
}

// gemm computes C = alpha·op(A)·B, plus the old C when acc, where op(A) is
// A (m×k, stride lda) or, with transA, Aᵀ (A is k×m). B is k×n (stride
// ldb) and C m×n (stride ldc). Padding (see above): B's and C's rows hold
// pad16(n) values, zero in B beyond n; without transA, A and C have
// pad4(m) rows; with transA, A's rows hold pad4(m) values, zero beyond m,
// and C has pad4(m) rows. Padding rows and columns of C may be written.
// Every element of C is summed in the same order whatever the number of
// workers.
func (e *engine) gemm(transA bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, acc bool, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if e.blas {
		linalg.Gemm(transA, m, n, k, alpha, a, lda, b, ldb, acc, c, ldc)
		return
	}
	mp, np := pad4(m), pad16(n)
	e.gj = gemmJob{transA: transA, m: mp, n: np, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, acc: acc, c: c, ldc: ldc, next: &e.next}
	if !transA {
		e.run(&e.gj)
		return
	}
	if k == 0 {
		kernels.GemmTA(m, n, 0, alpha, a, lda, b, ldb, acc, c, ldc)
		return
	}
	e.gj.segs = min(gemmSegments, (k+kernels.KChunk-1)/kernels.KChunk)
	if e.gj.segs == 1 {
		e.run(&e.gj)
		return
	}
	if need := e.gj.segs * mp * np; len(e.partial) < need {
		e.partial = make([]float32, need)
	}
	e.gj.partial = e.partial
	e.run(&e.gj)
	e.gj.reduce = true
	e.run(&e.gj)
}

// gemmSegments is the most segments a transA product's sum is cut into:
// the segments are handed out to the workers as they become free, each
// sums into its own partial C, and the partials are added in segment
// order. The cut depends on k only.
const gemmSegments = 16

// gemmJob is one product for package kernels, with padded m and n.
type gemmJob struct {
	transA   bool
	m, n, k  int
	alpha    float32
	a, b, c  []float32
	lda, ldb int
	ldc      int
	acc      bool
	next     *atomic.Int64
	// transA with segments: the partial C of segment s is
	// partial[s·m·n:], stride n; chunks [seg[s], seg[s+1]) of the sum.
	partial []float32
	segs    int
	reduce  bool // second pass: C (+)= Σ_s partial_s
}

func (g *gemmJob) run(part, parts int) {
	switch {
	case g.reduce:
		g.runReduce()
		return
	case g.transA:
		g.runTransA()
		return
	}
	// Items of 16 row blocks (64 rows of A), each against every panel of
	// B, which stays in L1 meanwhile.
	nb := g.m / 4
	for {
		i0 := int(g.next.Add(1)-1) * 16
		if i0 >= nb {
			return
		}
		kernels.Rows(i0, min(i0+16, nb), g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.acc, g.c, g.ldc)
	}
}

// runTransA sums segments of the product, taken as they come: a segment
// is a run of chunks of kernels.KChunk rows, each chunk passing over all the
// tiles while its rows of B stay in L2. With one segment the sum goes to
// C directly, else to the segment's partial C.
func (g *gemmJob) runTransA() {
	nchunks := (g.k + kernels.KChunk - 1) / kernels.KChunk
	for {
		s := int(g.next.Add(1) - 1)
		if s >= g.segs {
			return
		}
		c, ldc, acc := g.c, g.ldc, g.acc
		if g.segs > 1 {
			c, ldc, acc = g.partial[s*g.m*g.n:(s+1)*g.m*g.n], g.n, false
		}
		for ch := s * nchunks / g.segs; ch < (s+1)*nchunks/g.segs; ch++ {
			k0 := ch * kernels.KChunk
			kernels.ChunkTA(k0, min(kernels.KChunk, g.k-k0), g.m, g.n, g.alpha, g.a, g.lda, g.b, g.ldb, acc, c, ldc)
			acc = true
		}
	}
}

// runReduce adds the segments' partial products into C, 4 rows at a time.
func (g *gemmJob) runReduce() {
	for {
		i0 := int(g.next.Add(1)-1) * 4
		if i0 >= g.m {
			return
		}
		for i := i0; i < i0+4; i++ {
			c := g.c[i*g.ldc : i*g.ldc+g.n]
			if !g.acc {
				copy(c, g.partial[i*g.n:(i+1)*g.n])
			} else {
				kernels.AddTo(c, g.partial[i*g.n:(i+1)*g.n])
			}
			for s := 1; s < g.segs; s++ {
				kernels.AddTo(c, g.partial[(s*g.m+i)*g.n:(s*g.m+i+1)*g.n])
			}
		}
	}
}
