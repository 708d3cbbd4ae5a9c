package kernels

import (
	"runtime"
	"sync"
	"time"
)

// PeakGFLOPS measures the float32 peak of threads cores, in GFLOP/s: all
// run independent fused multiply-adds on registers (ZMM with AVX-512, YMM
// with AVX2, Q with NEON) together, in rounds of about a millisecond for about d, and
// the fastest round counts, so that other processes on the machine lower
// it less. It returns 0 where no assembly kernel runs. The benchmarks
// report products as a share of it.
func PeakGFLOPS(threads int, d time.Duration) float64 {
	loop, flops := peakLoop()
	if loop == nil {
		return 0
	}
	rate := 0.0
	for start := time.Now(); time.Since(start) < d; {
		rate = max(rate, peakRound(loop, flops, threads))
	}
	return rate
}

// peakTurns is the length of a round: about a millisecond.
const peakTurns = 1 << 18

// peakRound runs peakTurns turns of loop on each of threads locked
// threads, together, and returns their GFLOP/s.
func peakRound(loop func(int), flops float64, threads int) float64 {
	var wg sync.WaitGroup
	start := time.Now()
	for range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			loop(peakTurns)
		}()
	}
	wg.Wait()
	return float64(threads) * peakTurns * flops / time.Since(start).Seconds() / 1e9
}

// peakLoop returns the peak loop of this CPU and its flops per turn.
func peakLoop() (func(int), float64) {
	switch best() {
	case avx512:
		return fmaLoop512, 512
	case avx2:
		return fmaLoop256, 256
	case neon:
		return fmaLoopNEON, 256
	}
	return nil, 0
}
