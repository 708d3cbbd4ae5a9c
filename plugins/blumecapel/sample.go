package blumecapel

import (
	"context"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/mc"
)

// ctxCheckWork is how many cluster spins (plus clusters) run between two
// checks of the context.
const ctxCheckWork = 1 << 14

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
	jobs, at := p.Jobs(p.Req.Algorithm == AlgorithmMetropolisPaper)
	work := func(ctx context.Context, c *Chain, j mc.Job) error {
		c.SetCouplings(p.coups[j.Point])
		switch p.Req.Algorithm {
		case AlgorithmMetropolisPaper:
			return mc.PaperJob(ctx, &p.Plan, c, c.Spins, j, emit)
		case AlgorithmMetropolis:
			return mc.MetropolisJob(ctx, &p.Plan, c, c.Spins, j, emit)
		default:
			return p.hybridJob(ctx, c, j, emit)
		}
	}
	return mc.Run(ctx, m.opts.WorkerCount(), jobs, at, func() *Chain { return NewChain(p.Req.Size, Couplings{T: 1, J: 1}, 0) }, work)
}

// hybridJob: a thermalisation sweep is L² Metropolis attempts, then Wolff
// clusters until as many spins have flipped as there are non-zero spins
// (at most 4L² clusters); production sweeps use a fixed number of
// clusters, the mean per sweep over the second half of thermalisation, so
// configurations are read at times that do not depend on the chain's
// state. Attempts counts Metropolis attempts plus clusters, Accepted
// accepted moves plus flipped spins.
func (p *plan) hybridJob(ctx context.Context, c *Chain, j mc.Job, emit sdk.Emit) error {
	mc.StartChain(c, p.Seeds[j.Point], j)
	out := mc.NewChunker(emit, &p.Plan, j)
	N := int64(p.Sites)
	work := int64(0)
	cluster := func() (int, error) {
		size := c.WolffCluster()
		out.Attempts++
		out.Accepted += int64(size)
		work += int64(size) + 1
		if work >= ctxCheckWork {
			work = 0
			return size, ctx.Err()
		}
		return size, nil
	}
	var measSweeps, measClusters int64
	for s := int64(0); s < p.Therm; s++ {
		if err := mc.Metropolis(ctx, c, N, out); err != nil {
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
		if s >= p.Therm/2 {
			measSweeps++
			measClusters += clusters
		}
	}
	nc := int64(1)
	if measSweeps > 0 {
		nc = (measClusters + measSweeps/2) / measSweeps
	}
	for i := 0; i < j.Count; i++ {
		for s := p.Sweeps; s > 0; s-- {
			if err := mc.Metropolis(ctx, c, N, out); err != nil {
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
		if err := out.Add(c.Spins, j.Count-i); err != nil {
			return err
		}
	}
	return out.Flush()
}
