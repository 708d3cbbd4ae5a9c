package ising

import (
	"context"
	"math"
	"sync"
	"sync/atomic"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// ctxCheckAttempts is how many Metropolis attempts run between two checks
// of the context (≈ 0.3 ms at 5 ns per attempt).
const ctxCheckAttempts = 1 << 16

// ctxCheckWork is how many cluster spins (plus clusters) the Wolff sampler
// processes between two checks of the context.
const ctxCheckWork = 1 << 14

// paperBlock is the largest number of metropolis-paper configurations one
// job computes (and emits as one chunk).
const paperBlock = 64

// job is a unit of work: count configurations of a point starting at first,
// produced by one chain (metropolis, wolff) or by count independent chains
// (metropolis-paper).
type job struct {
	point, chain, first, count int
}

// Sample implements sdk.Model. Work is split into jobs that do not depend on
// the number of workers: for metropolis-paper, blocks of at most 64
// configurations, each configuration its own chain seeded with
// xrand.Derive(pointSeed, 0, index); for metropolis and wolff, ChainsPerPoint
// chains per point seeded with xrand.Derive(pointSeed, 1, chain), where
// pointSeed is the request seed in the domain of (algorithm, L, T). The jobs
// run on Options.Workers goroutines (default GOMAXPROCS), so the same
// request gives the same configurations on any machine. Each chunk passed to
// emit is a fresh slice, holds at most max(1, ChunkBytes/L²) configurations
// of one chain or block, and carries the attempts and acceptances spent on
// them (for a Markov chain, the thermalisation is counted in its first
// chunk). Sample checks ctx every ≈ 2^16 attempts and returns ctx.Err() once
// it is cancelled; an error from emit stops all workers and is returned.
func (m *Model) Sample(ctx context.Context, req sdk.SampleRequest, emit sdk.Emit) error {
	if emit == nil {
		return sdk.InvalidArgument("ising: Sample needs an emit function")
	}
	p, err := m.plan(req)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	per := p.req.PerPoint
	// Jobs are numbered point-major and computed on the fly (a request may
	// have millions of them).
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
	jobs := perPoint * len(p.req.Points)
	var work func(ctx context.Context, c *Chain, j job, emit sdk.Emit) error
	switch p.req.Algorithm {
	case AlgorithmMetropolisPaper:
		work = p.paperJob
	case AlgorithmMetropolis:
		work = p.metropolisJob
	case AlgorithmWolff:
		work = p.wolffJob
	}
	return runJobs(ctx, m.workers(), jobs, p.req.Size, func(ctx context.Context, c *Chain, k int) error {
		return work(ctx, c, jobAt(k), emit)
	})
}

// runJobs runs jobs 0, …, jobs−1 on up to workers goroutines, each with its
// own Chain. The first error stops the others; a cancelled ctx wins over it.
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
			c := NewChain(L, 1, 0)
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

// add appends a configuration, emitting a chunk when perChunk are pending.
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

// metropolis runs n attempts, checking ctx every ctxCheckAttempts.
func (c *Chain) metropolis(ctx context.Context, n int64) (accepted int64, err error) {
	for n > 0 {
		k := min(n, ctxCheckAttempts)
		accepted += c.MetropolisAttempts(k)
		n -= k
		if err := ctx.Err(); err != nil {
			return accepted, err
		}
	}
	return accepted, nil
}

func (p *plan) paperJob(ctx context.Context, c *Chain, j job, emit sdk.Emit) error {
	c.SetTemperature(p.temps[j.point])
	out := newChunker(emit, p, j)
	n := p.sweeps * int64(p.sites)
	for i := 0; i < j.count; i++ {
		c.Reseed(xrand.Derive(p.seeds[j.point], 0, j.first+i))
		c.Randomize()
		acc, err := c.metropolis(ctx, n)
		if err != nil {
			return err
		}
		out.attempts += n
		out.accepted += acc
		if err := out.add(c.Spins, j.count-i); err != nil {
			return err
		}
	}
	return out.flush()
}

func (p *plan) metropolisJob(ctx context.Context, c *Chain, j job, emit sdk.Emit) error {
	c.SetTemperature(p.temps[j.point])
	c.Reseed(xrand.Derive(p.seeds[j.point], 1, j.chain))
	c.Randomize()
	out := newChunker(emit, p, j)
	N := int64(p.sites)
	acc, err := c.metropolis(ctx, p.therm*N)
	if err != nil {
		return err
	}
	out.attempts += p.therm * N
	out.accepted += acc
	for i := 0; i < j.count; i++ {
		acc, err := c.metropolis(ctx, p.sweeps*N)
		if err != nil {
			return err
		}
		out.attempts += p.sweeps * N
		out.accepted += acc
		if err := out.add(c.Spins, j.count-i); err != nil {
			return err
		}
	}
	return out.flush()
}

// wolffJob: thermalisation sweeps grow clusters until L² spins have
// flipped; production sweeps are a fixed number of clusters, n_c =
// round(L²/⟨size⟩) with ⟨size⟩ from the second half of thermalisation, so
// that the configurations are read at times that do not depend on the
// chain's state.
func (p *plan) wolffJob(ctx context.Context, c *Chain, j job, emit sdk.Emit) error {
	c.SetTemperature(p.temps[j.point])
	c.Reseed(xrand.Derive(p.seeds[j.point], 1, j.chain))
	c.Randomize()
	out := newChunker(emit, p, j)
	N := int64(p.sites)
	work := int64(0)
	check := func(size int) error {
		work += int64(size) + 1
		if work >= ctxCheckWork {
			work = 0
			return ctx.Err()
		}
		return nil
	}
	var measClusters, measFlipped int64
	for s := int64(0); s < p.therm; s++ {
		for flipped := int64(0); flipped < N; {
			size := c.WolffCluster()
			flipped += int64(size)
			out.attempts++
			out.accepted += int64(size)
			if s >= p.therm/2 {
				measClusters++
				measFlipped += int64(size)
			}
			if err := check(size); err != nil {
				return err
			}
		}
	}
	nc := max(1, int64(math.Round(float64(N)*float64(measClusters)/float64(measFlipped))))
	for i := 0; i < j.count; i++ {
		for k := p.sweeps * nc; k > 0; k-- {
			size := c.WolffCluster()
			out.attempts++
			out.accepted += int64(size)
			if err := check(size); err != nil {
				return err
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
