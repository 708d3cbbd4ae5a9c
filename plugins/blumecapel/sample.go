package blumecapel

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// ctxCheckAttempts is how many Metropolis attempts run between two checks
// of the context.
const ctxCheckAttempts = 1 << 16

// ctxCheckWork is how many cluster spins (plus clusters) run between two
// checks of the context.
const ctxCheckWork = 1 << 14

// paperBlock is the largest number of metropolis-paper configurations one
// job computes.
const paperBlock = 64

// job is count configurations of a point starting at first, from one
// chain (metropolis, hybrid) or count chains (metropolis-paper).
type job struct {
	point, chain, first, count int
}

// Sample implements sdk.Model. The work is cut into jobs that do not depend
// on the number of workers, exactly as in the Ising plugin: for
// metropolis-paper, blocks of at most 64 configurations, configuration i
// seeded with xrand.Derive(pointSeed, 0, i); for metropolis and hybrid,
// ChainsPerPoint chains per point seeded with xrand.Derive(pointSeed, 1, c),
// where pointSeed is the request seed in the domain of (algorithm, L, T, Δ,
// J). So the same request gives the same bytes on any number of cores. ctx
// is checked every ≈ 2^16 attempts; an error from emit stops all workers.
func (m *Model) Sample(ctx context.Context, req sdk.SampleRequest, emit sdk.Emit) error {
	if emit == nil {
		return sdk.InvalidArgument("blumecapel: Sample needs an emit function")
	}
	p, err := m.plan(req)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	per := p.req.PerPoint
	var perPoint int
	var jobAt func(k int) job
	if p.req.Algorithm == AlgorithmMetropolisPaper {
		block := min(p.perChunk, paperBlock)
		perPoint = (per + block - 1) / block
		jobAt = func(k int) job {
			first := k % perPoint * block
			return job{point: k / perPoint, first: first, count: min(block, per-first)}
		}
	} else {
		perPoint = min(ChainsPerPoint, per)
		jobAt = func(k int) job {
			c := k % perPoint
			lo, hi := c*per/perPoint, (c+1)*per/perPoint
			return job{point: k / perPoint, chain: c, first: lo, count: hi - lo}
		}
	}
	var work func(ctx context.Context, c *Chain, j job, emit sdk.Emit) error
	switch p.req.Algorithm {
	case AlgorithmMetropolisPaper:
		work = p.paperJob
	case AlgorithmMetropolis:
		work = p.metropolisJob
	case AlgorithmHybrid:
		work = p.hybridJob
	}
	return runJobs(ctx, m.workers(), perPoint*len(p.req.Points), p.req.Size, func(ctx context.Context, c *Chain, k int) error {
		return work(ctx, c, jobAt(k), emit)
	})
}

// runJobs runs jobs 0, …, jobs−1 on up to workers goroutines, each with its
// own Chain. The first error stops the others; a cancelled ctx wins.
func runJobs(ctx context.Context, workers, jobs, L int, do func(context.Context, *Chain, int) error) error {
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
			c := NewChain(L, Couplings{T: 1, J: 1}, 0)
			for {
				k := next.Add(1) - 1
				if k >= int64(jobs) || ctx2.Err() != nil {
					return
				}
				if err := do(ctx2, c, int(k)); err != nil {
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

// chunker collects the configurations of one job and emits them in chunks.
type chunker struct {
	emit               sdk.Emit
	point, next, sites int
	perChunk           int
	buf                []int8
	first              int
	attempts, accepted int64
}

func newChunker(emit sdk.Emit, p *plan, j job) *chunker {
	return &chunker{emit: emit, point: j.point, next: j.first, first: j.first, sites: p.sites, perChunk: p.perChunk}
}

func (k *chunker) add(spins []int8, remaining int) error {
	if k.buf == nil {
		k.buf = make([]int8, 0, min(k.perChunk, remaining)*k.sites)
	}
	k.buf = append(k.buf, spins...)
	k.next++
	if len(k.buf) == k.perChunk*k.sites {
		return k.flush()
	}
	return nil
}

func (k *chunker) flush() error {
	if len(k.buf) == 0 {
		return nil
	}
	err := k.emit(sdk.SampleChunk{Point: k.point, First: k.first, Configs: k.buf, Attempts: k.attempts, Accepted: k.accepted})
	k.buf, k.first, k.attempts, k.accepted = nil, k.next, 0, 0
	return err
}

// metropolis runs n attempts, checking ctx every ctxCheckAttempts, and
// counts them in out.
func (ch *Chain) metropolis(ctx context.Context, n int64, out *chunker) error {
	out.attempts += n
	for n > 0 {
		k := min(n, ctxCheckAttempts)
		out.accepted += ch.MetropolisAttempts(k)
		n -= k
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

func (p *plan) paperJob(ctx context.Context, c *Chain, j job, emit sdk.Emit) error {
	c.SetCouplings(p.coups[j.point])
	out := newChunker(emit, p, j)
	n := p.sweeps * int64(p.sites)
	for i := 0; i < j.count; i++ {
		c.Reseed(xrand.Derive(p.seeds[j.point], 0, j.first+i))
		c.Randomize()
		if err := c.metropolis(ctx, n, out); err != nil {
			return err
		}
		if err := out.add(c.Spins, j.count-i); err != nil {
			return err
		}
	}
	return out.flush()
}

func (p *plan) metropolisJob(ctx context.Context, c *Chain, j job, emit sdk.Emit) error {
	c.SetCouplings(p.coups[j.point])
	c.Reseed(xrand.Derive(p.seeds[j.point], 1, j.chain))
	c.Randomize()
	out := newChunker(emit, p, j)
	N := int64(p.sites)
	if err := c.metropolis(ctx, p.therm*N, out); err != nil {
		return err
	}
	for i := 0; i < j.count; i++ {
		if err := c.metropolis(ctx, p.sweeps*N, out); err != nil {
			return err
		}
		if err := out.add(c.Spins, j.count-i); err != nil {
			return err
		}
	}
	return out.flush()
}

// hybridJob: a thermalisation sweep is L² Metropolis attempts, then Wolff
// clusters until as many spins have flipped as there are non-zero spins
// (at most 4L² clusters); production sweeps use a fixed number of
// clusters, the mean per sweep over the second half of thermalisation, so
// configurations are read at times that do not depend on the chain's
// state. Attempts counts Metropolis attempts plus clusters, Accepted
// accepted moves plus flipped spins.
func (p *plan) hybridJob(ctx context.Context, c *Chain, j job, emit sdk.Emit) error {
	c.SetCouplings(p.coups[j.point])
	c.Reseed(xrand.Derive(p.seeds[j.point], 1, j.chain))
	c.Randomize()
	out := newChunker(emit, p, j)
	N := int64(p.sites)
	work := int64(0)
	cluster := func() (int, error) {
		size := c.WolffCluster()
		out.attempts++
		out.accepted += int64(size)
		work += int64(size) + 1
		if work >= ctxCheckWork {
			work = 0
			return size, ctx.Err()
		}
		return size, nil
	}
	var measSweeps, measClusters int64
	for s := int64(0); s < p.therm; s++ {
		if err := c.metropolis(ctx, N, out); err != nil {
			return err
		}
		nonzero := int64(0)
		for _, v := range c.Spins {
			nonzero += int64(v * v)
		}
		var clusters int64
		for flipped := int64(0); flipped < nonzero && clusters < 4*N; clusters++ {
			size, err := cluster()
			if err != nil {
				return err
			}
			flipped += int64(size)
		}
		if s >= p.therm/2 {
			measSweeps++
			measClusters += clusters
		}
	}
	nc := int64(1)
	if measSweeps > 0 {
		nc = (measClusters + measSweeps/2) / measSweeps
	}
	for i := 0; i < j.count; i++ {
		for s := p.sweeps; s > 0; s-- {
			if err := c.metropolis(ctx, N, out); err != nil {
				return err
			}
			for k := nc; k > 0; k-- {
				if _, err := cluster(); err != nil {
					return err
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := out.add(c.Spins, j.count-i); err != nil {
			return err
		}
	}
	return out.flush()
}
