package mc

import "runtime"

// DefaultChunkBytes is the largest chunk of configurations (in bytes) a
// model's Sample passes to emit at once, unless Options.ChunkBytes says
// otherwise.
const DefaultChunkBytes = 1 << 20

// Options tune how a model runs; none of them changes the configurations
// it produces (the jobs do not depend on them).
type Options struct {
	// Workers is the number of goroutines Sample runs jobs on; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
	// ChunkBytes bounds the size of the chunks passed to emit (at least
	// one configuration per chunk); 0 means DefaultChunkBytes.
	ChunkBytes int
}

// WorkerCount is the number of workers Run gets: Workers, or
// runtime.GOMAXPROCS(0) when Workers is not positive.
func (o Options) WorkerCount() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// ChunkSize is the chunk bound NewPlan gets: ChunkBytes, or
// DefaultChunkBytes when ChunkBytes is not positive.
func (o Options) ChunkSize() int {
	if o.ChunkBytes > 0 {
		return o.ChunkBytes
	}
	return DefaultChunkBytes
}
