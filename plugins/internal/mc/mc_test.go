package mc

import (
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// Every configuration of every point belongs to exactly one job, and jobs
// are bounded as the doc says, whatever the chunk size.
func TestJobsCoverEachConfigurationOnce(t *testing.T) {
	for _, paper := range []bool{true, false} {
		for _, per := range []int{1, 7, 8, 65, 200} {
			for _, perChunk := range []int{1, 10, 1000} {
				p := Plan{Req: sdk.SampleRequest{PerPoint: per, Points: make([]sdk.Params, 3)}, PerChunk: perChunk}
				n, at := p.Jobs(paper)
				seen := make([][]int, 3)
				for i := range seen {
					seen[i] = make([]int, per)
				}
				for k := 0; k < n; k++ {
					j := at(k)
					if paper && j.Count > min(perChunk, PaperBlock) || j.Count < 1 {
						t.Fatalf("paper=%v per=%d perChunk=%d: job %+v", paper, per, perChunk, j)
					}
					for c := j.First; c < j.First+j.Count; c++ {
						seen[j.Point][c]++
					}
				}
				for pt := range seen {
					for c, v := range seen[pt] {
						if v != 1 {
							t.Fatalf("paper=%v per=%d perChunk=%d: point %d configuration %d in %d jobs", paper, per, perChunk, pt, c, v)
						}
					}
				}
			}
		}
	}
}

func TestRunReturnsFirstErrorAndStops(t *testing.T) {
	boom := errors.New("boom")
	ran := 0
	err := Run(context.Background(), 1, 100, func(k int) Job { return Job{Point: k} }, func() int { return 0 },
		func(_ context.Context, _ int, j Job) error {
			ran++
			if j.Point == 3 {
				return boom
			}
			return nil
		})
	if !errors.Is(err, boom) || ran != 4 {
		t.Fatalf("err %v after %d jobs, want boom after 4", err, ran)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = Run(ctx, 2, 10, func(k int) Job { return Job{} }, func() int { return 0 },
		func(context.Context, int, Job) error { return boom })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v, want context.Canceled", err)
	}
}

// Options' zero values mean GOMAXPROCS workers and DefaultChunkBytes
// chunks, as the models' Options always did; set values are kept.
func TestOptionsDefaults(t *testing.T) {
	if got, want := (Options{}).WorkerCount(), runtime.GOMAXPROCS(0); got != want {
		t.Errorf("Options{}.WorkerCount() = %d, want GOMAXPROCS %d", got, want)
	}
	if got := (Options{Workers: 7}).WorkerCount(); got != 7 {
		t.Errorf("Workers 7: WorkerCount() = %d", got)
	}
	if got := (Options{}).ChunkSize(); got != 1<<20 {
		t.Errorf("Options{}.ChunkSize() = %d, want 1 MiB", got)
	}
	if got := (Options{ChunkBytes: 100, Workers: -1}).ChunkSize(); got != 100 {
		t.Errorf("ChunkBytes 100: ChunkSize() = %d", got)
	}
}
