package ising3d

import (
	"context"
	"math"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/mc"
)

// ctxCheckWork is how many cluster spins (plus clusters) the Wolff sampler
// processes between two checks of the context.
const ctxCheckWork = 1 << 14

// Sample implements sdk.Model. Work is split into mc.ChainsPerPoint Markov
// chains per point, chain c seeded with xrand.Derive(pointSeed, 1, c),
// where pointSeed is the request seed in the domain of (algorithm, L, T);
// the chains run on Options.Workers goroutines (default GOMAXPROCS), so the
// same request gives the same configurations on any machine. Each chunk
// passed to emit is a fresh slice of at most max(1, ChunkBytes/L³)
// configurations of one chain, with the attempts and acceptances spent on
// them (the thermalisation counted in a chain's first chunk). Sample
// returns ctx.Err() once ctx is cancelled; an error from emit stops all
// workers and is returned.
func (m *Model) Sample(ctx context.Context, req sdk.SampleRequest, emit sdk.Emit) error {
	if emit == nil {
		return sdk.InvalidArgument("ising3d: Sample needs an emit function")
	}
	p, err := m.plan(req)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	jobs, at := p.Jobs(false)
	work := func(ctx context.Context, c *Chain, j mc.Job) error {
		c.SetTemperature(p.temps[j.Point])
		if p.Req.Algorithm == AlgorithmMetropolis {
			return mc.MetropolisJob(ctx, &p.Plan, c, c.Spins, j, emit)
		}
		return p.wolffJob(ctx, c, j, emit)
	}
	return mc.Run(ctx, m.opts.WorkerCount(), jobs, at, func() *Chain { return NewChain(p.Req.Size, 1, 0) }, work)
}

// wolffJob: thermalisation sweeps grow clusters until L³ spins have
// flipped; production sweeps are a fixed number of clusters, n_c =
// round(L³/⟨size⟩) with ⟨size⟩ from the second half of thermalisation, so
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
	nc := int64(1)
	if measFlipped > 0 {
		nc = max(1, int64(math.Round(float64(N)*float64(measClusters)/float64(measFlipped))))
	}
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
