package ising

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

func TestDescribe(t *testing.T) {
	d, err := New().Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "ising" || d.Version != "1.0.0" || d.Dimension != 2 || d.MinSize != 2 ||
		!bytes.Equal(bytesOf(d.StateSpace), bytesOf([]int8{-1, 1})) {
		t.Errorf("description: %+v", d)
	}
	if d.DefaultAlgorithm != AlgorithmMetropolisPaper {
		t.Errorf("default algorithm %q", d.DefaultAlgorithm)
	}
	for _, a := range []string{AlgorithmMetropolisPaper, AlgorithmMetropolis, AlgorithmWolff} {
		if _, err := d.Algorithm(a); err != nil {
			t.Error(err)
		}
	}
	p, err := sdk.ResolveParams(d.Parameters, nil)
	if err != nil || p["T"] != 2.269 {
		t.Errorf("default parameters %v, %v", p, err)
	}
	if _, err := sdk.ResolveParams(d.Parameters, sdk.Params{"T": 0}); err != nil {
		t.Errorf("T = 0 rejected: %v", err)
	}
	if _, err := sdk.ResolveParams(d.Parameters, sdk.Params{"T": -0.1}); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Errorf("T = −0.1: %v", err)
	}
	names := map[string]bool{}
	for _, o := range d.Observables {
		names[o.Name] = true
	}
	if !names["energy"] || !names["magnetization"] || len(names) != 2 {
		t.Errorf("observables %v", d.Observables)
	}
}

func TestObservables(t *testing.T) {
	ctx := context.Background()
	const L = 6
	n := L * L
	up := make([]int8, n)
	checker := make([]int8, n)
	stripes := make([]int8, n) // rows x of alternating sign: bonds along y satisfied
	for x := 0; x < L; x++ {
		for y := 0; y < L; y++ {
			up[x*L+y] = 1
			checker[x*L+y] = int8(1 - 2*((x+y)%2))
			stripes[x*L+y] = int8(1 - 2*(x%2))
		}
	}
	rng := xrand.New(5)
	random := NewLattice(L)
	random.Randomize(rng)
	configs := append(append(append(append([]int8{}, up...), checker...), stripes...), random.Spins...)
	obs, err := New().Observables(ctx, sdk.Params{"T": 2}, L, configs)
	if err != nil {
		t.Fatal(err)
	}
	// Brute force for the random configuration: ½ Σ_i Σ_4 neighbours.
	e := 0
	for x := 0; x < L; x++ {
		for y := 0; y < L; y++ {
			s := int(random.Spins[random.Index(x, y)])
			e -= s * (int(random.Spins[random.Index(x+1, y)]) + int(random.Spins[random.Index(x-1, y)]) +
				int(random.Spins[random.Index(x, y+1)]) + int(random.Spins[random.Index(x, y-1)]))
		}
	}
	wantE := []float64{-2, 2, 0, float64(e) / 2 / float64(n)}
	wantM := []float64{1, 0, 0, float64(Magnetization(random.Spins)) / float64(n)}
	for i := range wantE {
		if obs["energy"][i] != wantE[i] || obs["magnetization"][i] != wantM[i] {
			t.Errorf("config %d: E/N %g M/N %g, want %g %g", i, obs["energy"][i], obs["magnetization"][i], wantE[i], wantM[i])
		}
	}
	// Empty input: no values, no error.
	obs, err = New().Observables(ctx, nil, L, nil)
	if err != nil || len(obs["energy"]) != 0 {
		t.Errorf("empty input: %v, %v", obs, err)
	}
}

func TestInvalidArguments(t *testing.T) {
	ctx := context.Background()
	m := New()
	good := make([]int8, 16)
	for i := range good {
		good[i] = 1
	}
	bad := func(v int8) []int8 { c := append([]int8{}, good...); c[5] = v; return c }
	for name, f := range map[string]func() error{
		"value 0":        func() error { _, err := m.Observables(ctx, nil, 4, bad(0)); return err },
		"value 2":        func() error { _, err := m.Observables(ctx, nil, 4, bad(2)); return err },
		"value -128":     func() error { _, err := m.Observables(ctx, nil, 4, bad(-128)); return err },
		"partial config": func() error { _, err := m.Observables(ctx, nil, 4, good[:15]); return err },
		"size 1":         func() error { _, err := m.Observables(ctx, nil, 1, good[:1]); return err },
		"unknown param":  func() error { _, err := m.Observables(ctx, sdk.Params{"J": 1}, 4, good); return err },
		"negative T": func() error {
			return sampleErr(m, sdk.SampleRequest{Points: points([]float64{-1}), Size: 4, PerPoint: 1})
		},
		"NaN T": func() error {
			return sampleErr(m, sdk.SampleRequest{Points: points([]float64{nan()}), Size: 4, PerPoint: 1})
		},
		"unknown algo": func() error {
			return sampleErr(m, sdk.SampleRequest{Points: points([]float64{1}), Size: 4, PerPoint: 1, Algorithm: "glauber"})
		},
		"size 1 sample": func() error {
			return sampleErr(m, sdk.SampleRequest{Points: points([]float64{1}), Size: 1, PerPoint: 1})
		},
		"size too big": func() error {
			return sampleErr(m, sdk.SampleRequest{Points: points([]float64{1}), Size: MaxSize + 1, PerPoint: 1})
		},
		"no configs": func() error { return sampleErr(m, sdk.SampleRequest{Points: points([]float64{1}), Size: 4}) },
		"no points":  func() error { return sampleErr(m, sdk.SampleRequest{Size: 4, PerPoint: 1}) },
		"negative sweeps": func() error {
			return sampleErr(m, sdk.SampleRequest{Points: points([]float64{1}), Size: 4, PerPoint: 1, Sweeps: -1})
		},
		"huge sweeps": func() error {
			return sampleErr(m, sdk.SampleRequest{Points: points([]float64{1}), Size: 4, PerPoint: 1, Sweeps: 1 << 62})
		},
		"nil emit": func() error {
			return m.Sample(ctx, sdk.SampleRequest{Points: points([]float64{1}), Size: 4, PerPoint: 1}, nil)
		},
	} {
		if err := f(); !errors.Is(err, sdk.ErrInvalidArgument) {
			t.Errorf("%s: got %v, want an InvalidArgument error", name, err)
		}
	}
}

func nan() float64 { z := 0.0; return z / z }

func sampleErr(m sdk.Model, req sdk.SampleRequest) error {
	return m.Sample(context.Background(), req, func(sdk.SampleChunk) error { return nil })
}

// TestDeterminism: the same request gives the same bytes (and the same
// attempt and acceptance counts) with GOMAXPROCS 1 and 2, other worker
// counts and other chunk sizes; another seed gives other configurations.
func TestDeterminism(t *testing.T) {
	const L = 6
	for _, algo := range []string{AlgorithmMetropolisPaper, AlgorithmMetropolis, AlgorithmWolff} {
		req := sdk.SampleRequest{
			Points: points([]float64{0, 1.5, 2.269, 3.5}), Size: L, PerPoint: 37, Algorithm: algo,
			Sweeps: 3, Thermalization: 20, Seed: 42,
		}
		if algo == AlgorithmMetropolisPaper {
			req.Thermalization = 0 // it has none, and refuses one
		}
		run := func(procs int, o Options) *collected {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			return collect(t, NewWithOptions(o), req)
		}
		ref := run(1, Options{})
		for _, v := range []struct {
			procs int
			o     Options
		}{
			{2, Options{}},
			{2, Options{Workers: 5, ChunkBytes: 100}},    // 2 configurations per chunk
			{1, Options{Workers: 3, ChunkBytes: 5 * 36}}, // 5 per chunk
			{2, Options{ChunkBytes: 1}},                  // 1 per chunk
		} {
			got := run(v.procs, v.o)
			for p := range req.Points {
				if !bytes.Equal(bytesOf(got.configs[p]), bytesOf(ref.configs[p])) ||
					got.attempts[p] != ref.attempts[p] || got.accepted[p] != ref.accepted[p] {
					t.Errorf("%s, GOMAXPROCS %d, %+v: point %d differs", algo, v.procs, v.o, p)
				}
			}
			if v.o.ChunkBytes > 0 && v.o.ChunkBytes < 4*36 && got.chunks <= ref.chunks {
				t.Errorf("%s %+v: %d chunks, expected more than %d", algo, v.o, got.chunks, ref.chunks)
			}
		}
		req.Seed = 43
		other := collect(t, New(), req)
		for p := 1; p < len(req.Points); p++ { // T = 0 may reach the same ground states
			if bytes.Equal(bytesOf(other.configs[p]), bytesOf(ref.configs[p])) {
				t.Errorf("%s: seeds 42 and 43 give the same configurations at point %d", algo, p)
			}
		}
		// Attempt bookkeeping.
		n := int64(L * L)
		var want int64
		switch algo {
		case AlgorithmMetropolisPaper:
			want = 37 * 3 * n
		case AlgorithmMetropolis:
			want = 8*20*n + 37*3*n
		}
		for p := range req.Points {
			if want != 0 && ref.attempts[p] != want {
				t.Errorf("%s point %d: %d attempts, want %d", algo, p, ref.attempts[p], want)
			}
			if ref.accepted[p] <= 0 || (algo != AlgorithmWolff && ref.accepted[p] > ref.attempts[p]) {
				t.Errorf("%s point %d: %d accepted of %d", algo, p, ref.accepted[p], ref.attempts[p])
			}
		}
	}
}

// TestPaperConfigsAreIndependentOfBlocking: metropolis-paper configuration
// i of a point depends only on (seed, point, i): asking for fewer
// configurations gives a prefix.
func TestPaperConfigsArePrefixes(t *testing.T) {
	req := sdk.SampleRequest{Points: points([]float64{2}), Size: 8, PerPoint: 150, Seed: 1}
	long := collect(t, New(), req)
	req.PerPoint = 70
	short := collect(t, New(), req)
	if !bytes.Equal(bytesOf(short.configs[0]), bytesOf(long.configs[0][:70*64])) {
		t.Error("the first 70 of 150 configurations differ from a 70-configuration run")
	}
}

// TestCancellation: a long Sample whose context is cancelled after 10 ms
// returns context.Canceled promptly (generous bound: 1 s).
func TestCancellation(t *testing.T) {
	for _, algo := range []string{AlgorithmMetropolisPaper, AlgorithmMetropolis, AlgorithmWolff} {
		// Hours of work: L = 512, 10^6 configurations.
		req := sdk.SampleRequest{Points: points([]float64{2.269, 4}), Size: 512, PerPoint: 1_000_000, Algorithm: algo, Seed: 1}
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(10*time.Millisecond, cancel)
		start := time.Now()
		err := New().Sample(ctx, req, func(sdk.SampleChunk) error { return nil })
		elapsed := time.Since(start)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: got %v, want context.Canceled", algo, err)
		}
		if elapsed > time.Second {
			t.Errorf("%s: Sample returned %v after the cancellation", algo, elapsed)
		}
		t.Logf("%s: returned after %v", algo, elapsed)
	}
	// Already cancelled.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := New().Sample(ctx, sdk.SampleRequest{Points: points([]float64{1}), Size: 4, PerPoint: 1}, func(sdk.SampleChunk) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before the call: %v", err)
	}
}

// TestEmitError: an error from emit stops the workers and comes back.
func TestEmitError(t *testing.T) {
	boom := errors.New("host went away")
	req := sdk.SampleRequest{Points: points([]float64{2}), Size: 16, PerPoint: 10000, Seed: 1}
	start := time.Now()
	err := NewWithOptions(Options{ChunkBytes: 256}).Sample(context.Background(), req, func(sdk.SampleChunk) error {
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("got %v, want the emit error", err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("took %v to stop", time.Since(start))
	}
}

// TestChunkSize: no chunk holds more than max(1, ChunkBytes/L²)
// configurations, and chunks are whole configurations.
func TestChunkSize(t *testing.T) {
	const L = 6
	for _, algo := range []string{AlgorithmMetropolisPaper, AlgorithmMetropolis, AlgorithmWolff} {
		for _, cb := range []int{1, 100, 36 * 7, 1 << 20} {
			limit := max(1, cb/(L*L))
			req := sdk.SampleRequest{Points: points([]float64{2}), Size: L, PerPoint: 100, Algorithm: algo, Sweeps: 1, Thermalization: 1, Seed: 1}
			if algo == AlgorithmMetropolisPaper {
				req.Thermalization = 0 // it has none, and refuses one
			}
			err := NewWithOptions(Options{ChunkBytes: cb}).Sample(context.Background(), req, func(c sdk.SampleChunk) error {
				if len(c.Configs)%(L*L) != 0 || c.Count(L*L) > limit || c.Count(L*L) == 0 {
					t.Errorf("%s ChunkBytes %d: chunk of %d values", algo, cb, len(c.Configs))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}
