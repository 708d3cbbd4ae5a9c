package rbm

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/rgml/rgml/plugins/internal/linalg"
)

// Matrices are row-major float32 slices with a row stride. Every buffer of
// the learner is padded: a row holds pad16(width) values, the ones beyond
// the width being zero, and a matrix has pad4(rows) rows, so that the
// AVX2 kernels work on whole 4×16 tiles and whole 8-lane vectors.

func pad16(n int) int { return (n + 15) &^ 15 }
func pad4(n int) int  { return (n + 3) &^ 3 }

// tanh32 is the float32 tanh of the AVX2 kernel, in Go: Eigen's rational
// approximation x·P(x²)/Q(x²) on x clamped to ±7.998…, within 4e-7 of
// tanh (relative); |tanh32(x)| ≤ 1 and tanh32(NaN) = NaN.
func tanh32(x float32) float32 {
	const c = 7.99881172180175781
	if x > c {
		x = c
	} else if x < -c {
		x = -c
	}
	x2 := x * x
	p := float32(-2.76076847742355e-16)
	p = p*x2 + 2.00018790482477e-13
	p = p*x2 + -8.60467152213735e-11
	p = p*x2 + 5.12229709037114e-08
	p = p*x2 + 1.48572235717979e-05
	p = p*x2 + 6.37261928875436e-04
	p = p*x2 + 4.89352455891786e-03
	p *= x
	q := float32(1.19825839466702e-06)
	q = q*x2 + 1.18534705686654e-04
	q = q*x2 + 2.26843463243900e-03
	q = q*x2 + 4.89352518554385e-03
	return p / q
}

// tanhBias sets x[j] = tanh(x[j] + b[j]); len(b) ≥ len(x).
func tanhBias(x, b []float32) {
	if haveAVX2 && len(x)%8 == 0 && len(x) > 0 {
		_ = b[len(x)-1]
		tanhBiasAVX(&x[0], &b[0], len(x))
		return
	}
	b = b[:len(x)]
	for j := range x {
		x[j] = tanh32(x[j] + b[j])
	}
}

// tanhBiasSum is tanhBias that also adds the new x[j] to sum[j].
func tanhBiasSum(x, b, sum []float32) {
	if haveAVX2 && len(x)%8 == 0 && len(x) > 0 {
		_ = b[len(x)-1]
		_ = sum[len(x)-1]
		tanhBiasSumAVX(&x[0], &b[0], &sum[0], len(x))
		return
	}
	b, sum = b[:len(x)], sum[:len(x)]
	for j := range x {
		y := tanh32(x[j] + b[j])
		x[j] = y
		sum[j] += y
	}
}

// tanhBiasSumErr is tanhBiasSum that also returns Σ_j (ref[j] − x[j])²
// over the new x.
func tanhBiasSumErr(x, b, sum, ref []float32) float32 {
	if haveAVX2 && len(x)%8 == 0 && len(x) > 0 {
		_ = b[len(x)-1]
		_ = sum[len(x)-1]
		_ = ref[len(x)-1]
		return tanhBiasSumErrAVX(&x[0], &b[0], &sum[0], &ref[0], len(x))
	}
	b, sum, ref = b[:len(x)], sum[:len(x)], ref[:len(x)]
	var e float32
	for j := range x {
		y := tanh32(x[j] + b[j])
		x[j] = y
		sum[j] += y
		d := ref[j] - y
		e += d * d
	}
	return e
}

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
	// kern: the AVX2 micro-kernel does the products (pure-Go backend on
	// an AVX2/FMA machine); otherwise blas32 (gonum or OpenBLAS).
	kern bool
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
	return &engine{kern: Backend() == "avx2", pool: newPool(workers)}
}

func (e *engine) close() { e.pool.close() }

// Backend names what computes the learner's matrix products in this
// process: "avx2" (this package's kernel, used with linalg's pure-Go
// backend on CPUs with AVX2 and FMA), "gonum" or "openblas".
func Backend() string {
	linalg.Init()
	if haveAVX2 && linalg.Backend() == "gonum" {
		return "avx2"
	}
	return linalg.Backend()
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
	if !e.kern {
		tA := blas.NoTrans
		A := blas32.General{Rows: m, Cols: k, Stride: lda, Data: a}
		if transA {
			tA = blas.Trans
			A.Rows, A.Cols = k, m
		}
		if k == 0 {
			// blas32 rejects empty operands.
			if !acc {
				for i := 0; i < m; i++ {
					clear(c[i*ldc : i*ldc+n])
				}
			}
			return
		}
		A.Data = a[:(A.Rows-1)*lda+A.Cols]
		B := blas32.General{Rows: k, Cols: n, Stride: ldb, Data: b[:(k-1)*ldb+n]}
		C := blas32.General{Rows: m, Cols: n, Stride: ldc, Data: c[:(m-1)*ldc+n]}
		beta := float32(0)
		if acc {
			beta = 1
		}
		blas32.Gemm(tA, blas.NoTrans, alpha, A, B, beta, C)
		return
	}
	mp, np := pad4(m), pad16(n)
	need := func(what string, s []float32, rows, stride, cols int) {
		if rows > 0 && (stride < cols || len(s) < (rows-1)*stride+cols) {
			panic(fmt.Sprintf("rbm: gemm %s: %d values, stride %d for %d×%d", what, len(s), stride, rows, cols))
		}
	}
	if transA {
		need("A", a, k, lda, mp)
	} else {
		need("A", a, mp, lda, k)
	}
	need("B", b, k, ldb, np)
	need("C", c, mp, ldc, np)
	e.gj = gemmJob{transA: transA, m: mp, n: np, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, acc: acc, c: c, ldc: ldc, next: &e.next}
	if !transA {
		e.run(&e.gj)
		return
	}
	if k == 0 {
		e.gj.segs = 1
		e.gj.zeroTiles(0, mp/4*(np/16))
		return
	}
	e.gj.segs = min(gemmSegments, (k+gemmKChunk-1)/gemmKChunk)
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

// gemmKChunk is how many rows of A and B a transA product takes per
// pass over its tiles: 512 rows of a 400-wide B (800 KB) stay in L2.
const gemmKChunk = 512

// gemmSegments is the most segments a transA product's sum is cut into:
// the segments are handed out to the workers as they become free, each
// sums into its own partial C, and the partials are added in segment
// order. The cut depends on k only.
const gemmSegments = 16

// gemmJob is one product for the AVX2 kernel, with padded m and n.
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
	// Items of 16 row blocks (64 rows of A), each against every 16-column
	// panel of B, which stays in L1 meanwhile.
	np := g.n / 16
	nb := g.m / 4
	for {
		i0 := int(g.next.Add(1)-1) * 16
		if i0 >= nb {
			return
		}
		i1 := min(i0+16, nb)
		if g.k == 0 {
			g.zeroTiles(i0*np, i1*np)
			continue
		}
		gemmRows(i0, i1, g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.acc, g.c, g.ldc)
	}
}

// gemmRows computes row blocks [i0, i1) (rows 4·i0 to 4·i1) of C = alpha·A·B
// (+ C when acc) with the AVX2 kernel, n and the rows padded, every panel
// of B against all the row blocks in turn.
func gemmRows(i0, i1, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, acc bool, c []float32, ldc int) {
	for j := 0; j < n; j += 16 {
		for ib := i0; ib < i1; ib++ {
			i := ib * 4
			kern4x16(k, &a[i*lda], lda, 1, &b[j], ldb, &c[i*ldc+j], ldc, alpha, acc)
		}
	}
}

// gemmSerial sets C = A·B with the AVX2 kernel on the calling goroutine,
// for m (a multiple of 4) rows and n (a multiple of 16) columns; k ≥ 1.
func gemmSerial(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	_ = a[(m-1)*lda+k-1]
	_ = b[(k-1)*ldb+n-1]
	_ = c[(m-1)*ldc+n-1]
	for i0 := 0; i0 < m/4; i0 += 16 {
		gemmRows(i0, min(i0+16, m/4), n, k, 1, a, lda, b, ldb, false, c, ldc)
	}
}

// runTransA sums segments of the product, taken as they come: a segment
// is a run of chunks of gemmKChunk rows, each chunk passing over all the
// tiles while its rows of B stay in L2. With one segment the sum goes to
// C directly, else to the segment's partial C.
func (g *gemmJob) runTransA() {
	np, nchunks := g.n/16, (g.k+gemmKChunk-1)/gemmKChunk
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
			k0 := ch * gemmKChunk
			kc := min(gemmKChunk, g.k-k0)
			for u := 0; u < g.m/4*np; u++ {
				i, j := u/np*4, u%np*16
				kern4x16(kc, &g.a[k0*g.lda+i], 1, g.lda, &g.b[k0*g.ldb+j], g.ldb, &c[i*ldc+j], ldc, g.alpha, acc)
			}
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
				addTo(c, g.partial[i*g.n:(i+1)*g.n])
			}
			for s := 1; s < g.segs; s++ {
				addTo(c, g.partial[(s*g.m+i)*g.n:(s*g.m+i+1)*g.n])
			}
		}
	}
}

// addTo sets c[j] += x[j].
func addTo(c, x []float32) {
	x = x[:len(c)]
	for j := range c {
		c[j] += x[j]
	}
}

// zeroTiles clears tiles [lo, hi) of C unless accumulating (k = 0).
func (g *gemmJob) zeroTiles(lo, hi int) {
	if g.acc {
		return
	}
	np := g.n / 16
	for u := lo; u < hi; u++ {
		i, j := u/np*4, u%np*16
		for r := i; r < i+4; r++ {
			clear(g.c[r*g.ldc+j : r*g.ldc+j+16])
		}
	}
}
