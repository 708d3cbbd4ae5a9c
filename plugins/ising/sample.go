package ising

import (
	"context"
	"math"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/mc"
)

// ctxCheckWork is how many cluster spins (plus clusters) the Wolff sampler
// processes between two checks of the context.
const ctxCheckWork = 1 << 14

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
	jobs, at := p.Jobs(p.Req.Algorithm == AlgorithmMetropolisPaper)
	work := func(ctx context.Context, c *Chain, j mc.Job) error {
		c.SetTemperature(p.temps[j.Point])
		switch p.Req.Algorithm {
		case AlgorithmMetropolisPaper:
			return mc.PaperJob(ctx, &p.Plan, c, c.Spins, j, emit)
		case AlgorithmMetropolis:
			return mc.MetropolisJob(ctx, &p.Plan, c, c.Spins, j, emit)
		default:
			return p.wolffJob(ctx, c, j, emit)
		}
	}
	return mc.Run(ctx, m.opts.WorkerCount(), jobs, at, func() *Chain { return NewChain(p.Req.Size, 1, 0) }, work)
}

// wolffJob: thermalisation sweeps grow clusters until L² spins have
// flipped; production sweeps are a fixed number of clusters, n_c =
// round(L²/⟨size⟩) with ⟨size⟩ from the second half of thermalisation, so
// that the configurations are read at times that do not depend on the
// chain's state.
func (p *plan) wolffJob(ctx context.Context, c *Chain, j mc.Job, emit sdk.Emit) error {
	mc.StartChain(c, p.Seeds[j.Point], j)
	out := mc.NewChunker(emit, &p.Plan, j)
	N := int64(p.Sites)
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
	for s := int64(0); s < p.Therm; s++ {
		for flipped := int64(0); flipped < N; {
			size := c.WolffCluster()
			flipped += int64(size)
			out.Attempts++
			out.Accepted += int64(size)
			if s >= p.Therm/2 {
				measClusters++
				measFlipped += int64(size)
			}
			if err := check(size); err != nil {
				return err
			}
		}
	}
	nc := max(1, int64(math.Round(float64(N)*float64(measClusters)/float64(measFlipped))))
	for i := 0; i < j.Count; i++ {
		for k := p.Sweeps * nc; k > 0; k-- {
			size := c.WolffCluster()
			out.Attempts++
			out.Accepted += int64(size)
			if err := check(size); err != nil {
				return err
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := out.Add(c.Spins, j.Count-i); err != nil {
			return err
		}
	}
	return out.Flush()
}
