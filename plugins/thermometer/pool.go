package thermometer

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// pool runs the chunks of one parallel step on a fixed set of goroutines:
// the caller and workers−1 helpers started once per Train or Apply. Chunks
// are handed out dynamically, but every chunk writes only its own results,
// which are combined in chunk order: nothing depends on which goroutine ran
// which chunk, nor on the number of goroutines. A step allocates nothing.
type pool struct {
	workers int
	start   []chan struct{}
	wg      sync.WaitGroup
	next    atomic.Int64
	total   int64
	fn      func(worker, chunk int)
}

// newPool starts a pool of workers goroutines (0: GOMAXPROCS).
func newPool(workers int) *pool {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	p := &pool{workers: workers, start: make([]chan struct{}, workers)}
	for w := 1; w < workers; w++ {
		p.start[w] = make(chan struct{}, 1)
		go func(w int) {
			for range p.start[w] {
				p.drain(w)
				p.wg.Done()
			}
		}(w)
	}
	return p
}

// run calls fn(worker, c) for every chunk c in [0, chunks) and returns
// when all calls have returned. fn should be a function value made once
// (a method value bound at setup), so that run allocates nothing.
func (p *pool) run(chunks int, fn func(worker, chunk int)) {
	p.fn, p.total = fn, int64(chunks)
	p.next.Store(0)
	helpers := min(p.workers, chunks) - 1
	p.wg.Add(max(helpers, 0))
	for w := 1; w <= helpers; w++ {
		p.start[w] <- struct{}{}
	}
	p.drain(0)
	p.wg.Wait()
	p.fn = nil
}

func (p *pool) drain(w int) {
	for {
		c := p.next.Add(1) - 1
		if c >= p.total {
			return
		}
		p.fn(w, int(c))
	}
}

// close stops the helpers.
func (p *pool) close() {
	for w := 1; w < p.workers; w++ {
		close(p.start[w])
	}
}
