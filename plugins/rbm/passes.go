package rbm

import (
	"math/bits"
	"sync/atomic"

	"github.com/rgml/rgml/plugins/internal/kernels"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// Elementwise passes over the rows of a padded matrix, split among the
// engine's workers in blocks of passRows rows. Sums are accumulated per
// block and reduced in block order, so they do not depend on the number
// of workers either.

// passRows is the number of rows of a block of an elementwise pass; it is
// also the block of configurations that shares one random stream.
const passRows = 64

func blocks(rows int) int { return (rows + passRows - 1) / passRows }

// actJob sets x = tanh(x + bias) on rows [0, rows) (width values per row,
// stride ld); with part, it adds each block's column sums into
// part[block·width:], and with ref it also stores each block's
// Σ (ref − x)² in errPart[block].
type actJob struct {
	x       []float32
	ld      int
	rows    int
	width   int
	bias    []float32
	part    []float32
	ref     []float32
	ldr     int
	errPart []float64
	next    *atomic.Int64
}

func (j *actJob) run(part, parts int) {
	nb := int64(blocks(j.rows))
	for {
		b := int(j.next.Add(1) - 1)
		if b >= int(nb) {
			return
		}
		r0, r1 := b*passRows, min((b+1)*passRows, j.rows)
		var ps []float32
		if j.part != nil {
			ps = j.part[b*j.width : (b+1)*j.width]
			clear(ps)
		}
		var e float64
		for r := r0; r < r1; r++ {
			row := j.x[r*j.ld : r*j.ld+j.width]
			switch {
			case j.ref != nil:
				e += float64(kernels.TanhBiasSumErr(row, j.bias, ps, j.ref[r*j.ldr:r*j.ldr+j.width]))
			case ps != nil:
				kernels.TanhBiasSum(row, j.bias, ps)
			default:
				kernels.TanhBias(row, j.bias)
			}
		}
		if j.ref != nil {
			j.errPart[b] = e
		}
	}
}

// act runs an actJob on the engine.
func (e *engine) act(j actJob) {
	e.aj = j
	e.aj.next = &e.next
	e.run(&e.aj)
}

// reduce returns in out[c] (c < len(out)) the column sums of the blocks'
// partial sums written by an actJob over rows rows of width width.
func reduce(out []float64, part []float32, rows, width int) {
	// Four blocks at a time, so that the columns are independent sums and
	// the rows are read in order; each column still adds its blocks in
	// block order from 0 (Go evaluates a + b + c left to right), the same
	// bits as a column at a time.
	clear(out)
	nb, n := blocks(rows), len(out)
	b := 0
	for ; b+4 <= nb; b += 4 {
		r0, r1 := part[b*width:b*width+n], part[(b+1)*width:(b+1)*width+n]
		r2, r3 := part[(b+2)*width:(b+2)*width+n], part[(b+3)*width:(b+3)*width+n]
		for c := range out {
			out[c] = out[c] + float64(r0[c]) + float64(r1[c]) + float64(r2[c]) + float64(r3[c])
		}
	}
	for ; b < nb; b++ {
		for c, v := range part[b*width : b*width+n] {
			out[c] += float64(v)
		}
	}
}

// sampleJob replaces the first cols values x of every row by ±1, +1 with
// probability (1 + x)/2, drawing from rngs[block]; with bias, x is first
// set to tanh(x + bias) over width values.
type sampleJob struct {
	x     []float32
	ld    int
	rows  int
	width int
	cols  int
	bias  []float32
	rngs  []xrand.RNG
	next  *atomic.Int64
}

func (j *sampleJob) run(part, parts int) {
	nb := blocks(j.rows)
	for {
		b := int(j.next.Add(1) - 1)
		if b >= nb {
			return
		}
		rng := &j.rngs[b]
		var buf draws
		for r := b * passRows; r < min((b+1)*passRows, j.rows); r++ {
			row := j.x[r*j.ld : r*j.ld+j.width]
			if j.bias != nil {
				kernels.TanhBias(row, j.bias)
			}
			sampleRow(row[:j.cols], rng, &buf)
		}
	}
}

// draws is sampleRow's scratch, which its callers keep for many rows:
// declared in sampleRow, Go would clear its 1 KiB at every row, as long
// as drawing a row of 16 units takes.
type draws [128]uint64

// sampleRow sets each x[i] ∈ [−1, 1] to +1 with probability (1 + x[i])/2,
// else −1 (kernels.Signs: +1 when a uniform 24-bit integer is below
// ⌊2^23 (1 + x[i])⌋, which is (1 + x[i])/2 to within 2^−24; one 64-bit
// draw serves two units). The generator (xoshiro256**, as rng.Uint64)
// runs inline on a copy of its state held in registers, filling a buffer
// of draws for up to 256 units at a time, which Signs turns into ±1 on
// the vector units: the same draws and bits as one unit after the other.
// The step is written out, as in the model plugins' MetropolisAttempts:
// a shared, inlined function taking and returning the four words gave
// the same numbers but slower code (the N_h = 16 flow 0.134 → 0.143 s,
// Blume-Capel's Metropolis 2–5 % slower; tried and reverted).
func sampleRow(x []float32, rng *xrand.RNG, buf *draws) {
	st := rng.State()
	s0, s1, s2, s3 := st[0], st[1], st[2], st[3]
	for len(x) > 0 {
		n := min(len(x), 2*len(buf)) // even unless the last
		d := buf[:(n+1)/2]
		for j := range d {
			d[j] = bits.RotateLeft64(s1*5, 7) * 9
			t := s1 << 17
			s2 ^= s0
			s3 ^= s1
			s1 ^= s2
			s0 ^= s3
			s2 ^= t
			s3 = bits.RotateLeft64(s3, 45)
		}
		kernels.Signs(x[:n], d)
		x = x[n:]
	}
	rng.SetState([4]uint64{s0, s1, s2, s3})
}

// sample runs a sampleJob on the engine.
func (e *engine) sample(j sampleJob) {
	e.sj = j
	e.sj.next = &e.next
	e.run(&e.sj)
}
