// Package mc is what the lattice model plugins (ising, ising3d,
// blumecapel) share around their update kernels: their Options (workers,
// chunk size), how a request is cut into jobs that do not depend on the
// number of workers, the worker pool that runs them, the chunks a job
// emits, the paper's protocol and a plain Metropolis Markov chain written
// against any chain with a Metropolis kernel, and the periodic square
// lattice's neighbour table.
//
// Jobs are numbered point-major. For the paper's protocol
// (metropolis-paper) a job is a block of at most PaperBlock
// configurations, configuration i of a point its own chain seeded with
// xrand.Derive(pointSeed, 0, i); for Markov chains a job is one of
// ChainsPerPoint chains per point, chain c seeded with
// xrand.Derive(pointSeed, 1, c) and producing configurations
// [c·n/8, (c+1)·n/8). So what a job computes depends only on the request,
// and the same request gives the same bytes with any number of workers.
package mc
