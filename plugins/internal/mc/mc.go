package mc

import (
	"context"
	"math"
	"sync"
	"sync/atomic"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// ZeroTemperature is the temperature the samplers use when asked for T = 0,
// as in the paper's footnote 4 ("For T = 0, we practically set T = 10^-6").
const ZeroTemperature = 1e-6

// MaxSize is the largest linear size the samplers accept: L² ≤ 2^30 sites
// keeps site indices in int32 and the multiply-shift site choice, which
// needs L² < 2^32, well defined. (That choice favours some sites by a
// relative L²/2^32 — 2·10^-8 at L = 10; a site-dependent but fixed choice
// probability leaves detailed balance, and so the stationary distribution,
// exact.)
const MaxSize = 1 << 15

// EffectiveTemperature returns the temperature a sampler runs at for the
// parameter T: ZeroTemperature for T = 0, T otherwise.
func EffectiveTemperature(T float64) float64 {
	if T == 0 {
		return ZeroTemperature
	}
	return T
}

// ChainsPerPoint is the number of independent Markov chains run per point
// (fewer if fewer configurations are asked for).
const ChainsPerPoint = 8

// PaperBlock is the largest number of metropolis-paper configurations one
// job computes (and emits as one chunk).
const PaperBlock = 64

// ctxCheckAttempts is how many Metropolis attempts run between two checks
// of the context (≈ 0.3 ms at 5 ns per attempt).
const ctxCheckAttempts = 1 << 16

// Job is a unit of work: Count configurations of a point starting at
// First, produced by one chain (Markov chains) or by Count independent
// chains (metropolis-paper).
type Job struct {
	Point, Chain, First, Count int
}

// Plan is a validated request's schedule, common to the models.
type Plan struct {
	Req      sdk.SampleRequest
	Sites    int
	Sweeps   int64 // paper: attempts per configuration / L²
	Therm    int64
	Seeds    []uint64 // per point: the request seed in this point's domain
	PerChunk int      // configurations per emitted chunk
}

// NewPlan resolves a validated request's sweeps and thermalisation
// (defSweeps and defTherm when 0; no thermalisation for the paper's
// protocol) and its chunk size. Attempts are counted in int64, perSweep of
// them per site and sweep at most, so sweeps and thermalisation must keep
// sweeps·L²·perSweep·(configurations+2) in range. Seeds is left to the
// model: it names the domain of each point.
func NewPlan(req sdk.SampleRequest, paper bool, defSweeps, defTherm, perSweep int64, chunkBytes int) (Plan, error) {
	if req.Size > MaxSize {
		return Plan{}, sdk.InvalidArgument("lattice size L = %d is too large: at most %d", req.Size, MaxSize)
	}
	return NewPlanSites(req, req.Size*req.Size, paper, defSweeps, defTherm, perSweep, chunkBytes)
}

// NewPlanSites is NewPlan for a lattice of the given number of sites (a
// sweep is that many attempts), which the caller has bounded (at most 2^30).
func NewPlanSites(req sdk.SampleRequest, sites int, paper bool, defSweeps, defTherm, perSweep int64, chunkBytes int) (Plan, error) {
	p := Plan{Req: req, Sites: sites, Sweeps: int64(req.Sweeps), Therm: int64(req.Thermalization)}
	if p.Sweeps == 0 {
		p.Sweeps = defSweeps
	}
	if p.Therm == 0 {
		p.Therm = defTherm
	}
	if paper {
		p.Therm = 0
	}
	limit := int64(math.MaxInt64) / int64(p.Sites) / (int64(req.PerPoint) + 2) / perSweep
	if p.Sweeps > limit || p.Therm > limit {
		return Plan{}, sdk.InvalidArgument("sweeps (%d) or thermalisation sweeps (%d) too large for L = %d and %d configurations",
			p.Sweeps, p.Therm, req.Size, req.PerPoint)
	}
	p.PerChunk = max(1, chunkBytes/p.Sites)
	return p, nil
}

// Jobs returns the number of jobs of the plan and job k (computed on the
// fly: a request may have millions of them).
func (p *Plan) Jobs(paper bool) (n int, at func(k int) Job) {
	per := p.Req.PerPoint
	var perPoint int
	if paper {
		block := min(p.PerChunk, PaperBlock)
		perPoint = (per + block - 1) / block
		at = func(k int) Job {
			first := k % perPoint * block
			return Job{Point: k / perPoint, First: first, Count: min(block, per-first)}
		}
	} else {
		perPoint = min(ChainsPerPoint, per)
		at = func(k int) Job {
			c := k % perPoint
			lo, hi := c*per/perPoint, (c+1)*per/perPoint
			return Job{Point: k / perPoint, Chain: c, First: lo, Count: hi - lo}
		}
	}
	return perPoint * len(p.Req.Points), at
}

// Run runs jobs at(0), …, at(jobs−1) on up to workers goroutines, each
// with its own chain from newChain. The first error stops the others; a
// cancelled ctx wins over it.
func Run[C any](ctx context.Context, workers, jobs int, at func(int) Job, newChain func() C, do func(context.Context, C, Job) error) error {
	ctx2, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next     atomic.Int64
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	for w := 0; w < min(workers, jobs); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newChain()
			for {
				k := next.Add(1) - 1
				if k >= int64(jobs) || ctx2.Err() != nil {
					return
				}
				if err := do(ctx2, c, at(int(k))); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					cancel()
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return firstErr
}

// Chunker collects the configurations of one job and emits them in chunks
// with the attempts and acceptances spent on them.
type Chunker struct {
	Attempts, Accepted int64

	emit               sdk.Emit
	point, next, sites int
	perChunk           int
	buf                []int8
	first              int
}

// NewChunker returns the chunker of job j of plan p.
func NewChunker(emit sdk.Emit, p *Plan, j Job) *Chunker {
	return &Chunker{emit: emit, point: j.Point, next: j.First, first: j.First, sites: p.Sites, perChunk: p.PerChunk}
}

// Add appends a configuration, emitting a chunk when PerChunk are pending;
// remaining (this one included) sizes the first buffer.
func (k *Chunker) Add(spins []int8, remaining int) error {
	if k.buf == nil {
		k.buf = make([]int8, 0, min(k.perChunk, remaining)*k.sites)
	}
	k.buf = append(k.buf, spins...)
	k.next++
	if len(k.buf) == k.perChunk*k.sites {
		return k.Flush()
	}
	return nil
}

// Flush emits the pending configurations, if any, as a fresh slice.
func (k *Chunker) Flush() error {
	if len(k.buf) == 0 {
		return nil
	}
	err := k.emit(sdk.SampleChunk{Point: k.point, First: k.first, Configs: k.buf, Attempts: k.Attempts, Accepted: k.Accepted})
	k.buf, k.first, k.Attempts, k.Accepted = nil, k.next, 0, 0
	return err
}

// Chain is what the shared loops need of a model's Markov chain.
type Chain interface {
	Reseed(seed uint64)
	Randomize()
	// MetropolisAttempts performs n Metropolis attempts and returns how
	// many were accepted.
	MetropolisAttempts(n int64) int64
}

// Metropolis runs n Metropolis attempts on c, checking ctx every 2^16 of
// them, and counts them in out.
func Metropolis(ctx context.Context, c Chain, n int64, out *Chunker) error {
	out.Attempts += n
	for n > 0 {
		k := min(n, ctxCheckAttempts)
		out.Accepted += c.MetropolisAttempts(k)
		n -= k
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// StartChain seeds c for Markov chain j of the point whose seed is
// pointSeed and draws its random start.
func StartChain(c Chain, pointSeed uint64, j Job) {
	c.Reseed(xrand.Derive(pointSeed, 1, j.Chain))
	c.Randomize()
}

// PaperJob runs the paper's protocol for job j: every configuration from
// its own random start (seeded with xrand.Derive(pointSeed, 0, index))
// after Sweeps·L² Metropolis attempts. spins is c's configuration.
func PaperJob(ctx context.Context, p *Plan, c Chain, spins []int8, j Job, emit sdk.Emit) error {
	out := NewChunker(emit, p, j)
	n := p.Sweeps * int64(p.Sites)
	for i := 0; i < j.Count; i++ {
		c.Reseed(xrand.Derive(p.Seeds[j.Point], 0, j.First+i))
		c.Randomize()
		if err := Metropolis(ctx, c, n, out); err != nil {
			return err
		}
		if err := out.Add(spins, j.Count-i); err != nil {
			return err
		}
	}
	return out.Flush()
}

// MetropolisJob runs Markov chain j: a random start, Therm sweeps of L²
// attempts, then one configuration after every Sweeps sweeps. spins is c's
// configuration.
func MetropolisJob(ctx context.Context, p *Plan, c Chain, spins []int8, j Job, emit sdk.Emit) error {
	StartChain(c, p.Seeds[j.Point], j)
	out := NewChunker(emit, p, j)
	N := int64(p.Sites)
	if err := Metropolis(ctx, c, p.Therm*N, out); err != nil {
		return err
	}
	for i := 0; i < j.Count; i++ {
		if err := Metropolis(ctx, c, p.Sweeps*N, out); err != nil {
			return err
		}
		if err := out.Add(spins, j.Count-i); err != nil {
			return err
		}
	}
	return out.Flush()
}

// Neighbours returns the neighbour table of an L×L periodic square lattice
// in x-major site order (site (x, y) at index x*L + y): for every site,
// (x+1, y), (x−1, y), (x, y+1), (x, y−1).
func Neighbours(L int) [][4]int32 {
	nb := make([][4]int32, L*L)
	for x := 0; x < L; x++ {
		for y := 0; y < L; y++ {
			nb[x*L+y] = [4]int32{
				int32((x+1)%L*L + y), int32((x+L-1)%L*L + y),
				int32(x*L + (y+1)%L), int32(x*L + (y+L-1)%L),
			}
		}
	}
	return nb
}

// SpinThresholds returns, for ±1 spins with z neighbours at temperature
// T (already effective: not 0), the branch-free Metropolis kernels' table
// and Wolff's bond probability, both as 32-bit thresholds: thr[k] is
// min(1, exp(−dE/T))·2^32 for dE = 2(k − z), k = 0 … 2z (the index
// s_i·Σ_nn s_j + z, masked to 16 entries), and pAdd is
// (1 − exp(−2/T))·2^32.
func SpinThresholds(T float64, z int) (thr [16]uint64, pAdd uint64) {
	for k := 0; k <= 2*z; k++ {
		dE := 2 * float64(k-z)
		p := 1.0
		if dE > 0 {
			p = math.Exp(-dE / T)
		}
		thr[k] = uint64(math.Round(p * (1 << 32)))
	}
	return thr, uint64(math.Round(-math.Expm1(-2/T) * (1 << 32)))
}
