package rbm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// randomWeights returns weight tensors with W, biases uniform in ±scale.
func randomWeights(nv, nh int, scale float64, seed uint64) []sdk.Tensor {
	r := xrand.New(seed)
	u := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(scale * (2*r.Float64() - 1))
		}
		return x
	}
	return []sdk.Tensor{
		{Name: TensorW, Shape: []int{nv, nh}, Data: u(nv * nh)},
		{Name: TensorBV, Shape: []int{nv}, Data: u(nv)},
		{Name: TensorBH, Shape: []int{nh}, Data: u(nh)},
	}
}

// within4SE checks that k successes in n draws match probability p within
// four standard errors.
func within4SE(t *testing.T, what string, k, n int, p float64) {
	t.Helper()
	se := math.Sqrt(p * (1 - p) / float64(n))
	if f := float64(k) / float64(n); math.Abs(f-p) > 4*se+1e-12 {
		t.Errorf("%s: frequency %.5f, want %.5f ± %.5f (4 SE)", what, f, p, 4*se)
	}
}

// The flow's hidden and visible sampling: over many draws the frequency of
// +1 is (1 + ⟨unit⟩)/2, and two units of one row are independent.
func TestFlowSamplingFrequencies(t *testing.T) {
	const nv, nh, n = 9, 5, 20000
	m, err := loadModel(randomWeights(nv, nh, 0.6, 3))
	if err != nil {
		t.Fatal(err)
	}
	testEngines(t, func(t *testing.T, e *engine) {
		rngs := make([]xrand.RNG, blocks(n))
		for b := range rngs {
			rngs[b].Seed(uint64(b) + 1)
		}
		// Every row the same visible configuration, so that each row is
		// an independent draw of h given v.
		v0 := []float32{1, -1, -1, 1, 1, 1, -1, 1, -1}
		v := make([]float32, pad4(n)*m.nvp)
		h := make([]float32, pad4(n)*m.nhp)
		for c := 0; c < n; c++ {
			copy(v[c*m.nvp:], v0)
		}
		m.sampleHidden(e, v, h, n, rngs)
		mh := make([]float64, nh)
		for a := range mh {
			x := float64(m.bh[a])
			for i, s := range v0 {
				x += float64(m.w[i*m.nhp+a]) * float64(s)
			}
			mh[a] = math.Tanh(x)
			up := 0
			for c := 0; c < n; c++ {
				if h[c*m.nhp+a] == 1 {
					up++
				} else if h[c*m.nhp+a] != -1 {
					t.Fatalf("h = %g", h[c*m.nhp+a])
				}
			}
			within4SE(t, fmt.Sprintf("h_%d = +1 (⟨h⟩ = %.3f)", a, mh[a]), up, n, (1+mh[a])/2)
		}
		for _, pair := range [][2]int{{0, 1}, {1, 2}, {3, 4}} {
			both := 0
			for c := 0; c < n; c++ {
				if h[c*m.nhp+pair[0]] == 1 && h[c*m.nhp+pair[1]] == 1 {
					both++
				}
			}
			within4SE(t, fmt.Sprintf("h_%d = h_%d = +1", pair[0], pair[1]), both, n, (1+mh[pair[0]])/2*(1+mh[pair[1]])/2)
		}

		// v given a fixed h.
		h0 := []float32{1, -1, 1, 1, -1}
		for c := 0; c < n; c++ {
			copy(h[c*m.nhp:c*m.nhp+nh], h0)
		}
		m.sampleVisible(e, h, v, n, rngs)
		for i := 0; i < nv; i++ {
			x := float64(m.bv[i])
			for a, s := range h0 {
				x += float64(m.w[i*m.nhp+a]) * float64(s)
			}
			up := 0
			for c := 0; c < n; c++ {
				if v[c*m.nvp+i] == 1 {
					up++
				}
			}
			within4SE(t, fmt.Sprintf("v_%d = +1", i), up, n, (1+math.Tanh(x))/2)
		}
	})
}

// One iteration of the flow, through Apply, against the exact marginal
// p(v'_i = +1 | v) = Σ_h p(h | v) (1 + tanh(Σ_a W_ia h_a + b_i^v))/2.
func TestFlowOneIterationExact(t *testing.T) {
	const L, nh, n = 2, 3, 30000
	nv := L * L
	w := randomWeights(nv, nh, 0.8, 7)
	m, _ := loadModel(w)
	v0 := []int8{1, -1, 1, 1}
	configs := make([]int8, n*nv)
	for c := 0; c < n; c++ {
		copy(configs[c*nv:], v0)
	}
	out, err := New().Apply(context.Background(), sdk.ApplyRequest{Operation: OpFlow, Seed: 5, Size: L, Weights: w,
		Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{n, L, L}, Data: configs},
			{Name: "iterations", Shape: []int{3}, Data: []int64{0, 1, 1}}}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := sdk.FindTensor(out, "configs")
	if !sameShape(got.Shape, []int{3, n, nv}) {
		t.Fatalf("output shape %v", got.Shape)
	}
	g := got.Data.([]int8)
	if string(int8Bytes(g[:n*nv])) != string(int8Bytes(configs)) {
		t.Errorf("iteration 0 differs from the input")
	}
	if string(int8Bytes(g[n*nv:2*n*nv])) != string(int8Bytes(g[2*n*nv:])) {
		t.Errorf("the repeated iteration 1 differs")
	}
	for i := 0; i < nv; i++ {
		p := 0.0
		for hc := 0; hc < 1<<nh; hc++ {
			ph, x := 1.0, float64(m.bv[i])
			for a := 0; a < nh; a++ {
				ha := float64(1 - 2*(hc>>a&1))
				u := float64(m.bh[a])
				for j, s := range v0 {
					u += float64(m.w[j*m.nhp+a]) * float64(s)
				}
				ph *= (1 + ha*math.Tanh(u)) / 2
				x += float64(m.w[i*m.nhp+a]) * ha
			}
			p += ph * (1 + math.Tanh(x)) / 2
		}
		up := 0
		for c := 0; c < n; c++ {
			if g[n*nv+c*nv+i] == 1 {
				up++
			}
		}
		within4SE(t, fmt.Sprintf("v'_%d = +1", i), up, n, p)
	}
}

func int8Bytes(x []int8) []byte {
	b := make([]byte, len(x))
	for i, v := range x {
		b[i] = byte(v)
	}
	return b
}

// The flow output depends on the seed, not on the number of workers.
func TestFlowDeterminism(t *testing.T) {
	const L, nh, n = 4, 24, 300
	w := randomWeights(L*L, nh, 0.5, 2)
	configs := randomConfigs(n, L*L, 3)
	req := sdk.ApplyRequest{Operation: OpFlow, Seed: 8, Size: L, Weights: w,
		Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{n, L * L}, Data: configs},
			{Name: "iterations", Shape: []int{4}, Data: []int64{0, 1, 5, 20}}}}
	var first []byte
	for _, workers := range []int{1, 2, 3} {
		out, err := NewWithWorkers(workers).Apply(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		b := int8Bytes(out[0].Data.([]int8))
		if first != nil && string(b) != string(first) {
			t.Fatalf("%d workers changed the flow", workers)
		}
		first = b
	}
	req.Seed++
	out, err := New().Apply(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if string(int8Bytes(out[0].Data.([]int8))) == string(first) {
		t.Errorf("seeds 8 and 9 gave the same flow")
	}
}

// The flow on package kernels runs blocks independently; it gives the
// same bytes as whole-matrix iterations, on every implementation.
func TestFlowBlockwiseEqualsWhole(t *testing.T) {
	const nv, nh, n = 25, 40, 150
	m, _ := loadModel(randomWeights(nv, nh, 0.4, 6))
	configs := randomConfigs(n, nv, 7)
	its := []int{0, 1, 3, 3, 10}
	testEngines(t, func(t *testing.T, e *engine) {
		if e.blas {
			t.Skip("blas32 runs whole-matrix iterations only")
		}
		flowBlockwiseEqualsWhole(t, e, m, configs, n, its)
	})
}

func flowBlockwiseEqualsWhole(t *testing.T, e *engine, m *model, configs []int8, n int, its []int) {
	a, err := m.newFlow(context.Background(), configs, n, its, 4).blockwise(e)
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.newFlow(context.Background(), configs, n, its, 4).whole(e)
	if err != nil {
		t.Fatal(err)
	}
	if string(int8Bytes(a)) != string(int8Bytes(b)) {
		t.Fatal("blockwise and whole-matrix flows differ")
	}
}

// hidden and reconstruct against float64 evaluations of eqs. (17)–(18).
func TestMeanFieldOperations(t *testing.T) {
	const L, nh, n = 3, 7, 5000 // n > applyChunk: two chunks
	nv := L * L
	w := randomWeights(nv, nh, 0.7, 4)
	m, _ := loadModel(w)
	configs := randomConfigs(n, nv, 5)
	in := []sdk.Tensor{{Name: "configs", Shape: []int{n, nv}, Data: configs}}
	l := NewWithWorkers(2)
	hid, err := l.Apply(context.Background(), sdk.ApplyRequest{Operation: OpHidden, Size: L, Weights: w, Inputs: in})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := l.Apply(context.Background(), sdk.ApplyRequest{Operation: OpReconstruct, Size: L, Weights: w, Inputs: in})
	if err != nil {
		t.Fatal(err)
	}
	hs, vs := f32(t, hid, "hidden"), f32(t, rec, "reconstruction")
	if len(hs) != n*nh || len(vs) != n*nv {
		t.Fatalf("sizes %d, %d", len(hs), len(vs))
	}
	for c := 0; c < n; c += 37 {
		h := make([]float64, nh)
		for a := range h {
			x := float64(m.bh[a])
			for i := 0; i < nv; i++ {
				x += float64(m.w[i*m.nhp+a]) * float64(configs[c*nv+i])
			}
			h[a] = math.Tanh(x)
			if math.Abs(h[a]-float64(hs[c*nh+a])) > 1e-5 {
				t.Fatalf("hidden[%d,%d] = %g, want %g", c, a, hs[c*nh+a], h[a])
			}
		}
		for i := 0; i < nv; i++ {
			x := float64(m.bv[i])
			for a := range h {
				x += float64(m.w[i*m.nhp+a]) * h[a]
			}
			if want := math.Tanh(x); math.Abs(want-float64(vs[c*nv+i])) > 1e-5 {
				t.Fatalf("reconstruction[%d,%d] = %g, want %g", c, i, vs[c*nv+i], want)
			}
		}
	}
}

// Apply's errors, through the gRPC shims.
func TestApplyErrors(t *testing.T) {
	l := grpcLearner(t)
	ctx := context.Background()
	w := randomWeights(16, 5, 0.5, 1)
	configs25 := randomConfigs(10, 25, 1)
	configs16 := randomConfigs(10, 16, 1)
	its := sdk.Tensor{Name: "iterations", Shape: []int{2}, Data: []int64{0, 3}}
	for _, c := range []struct {
		name     string
		req      sdk.ApplyRequest
		sentinel error
		says     []string
	}{
		{"size", sdk.ApplyRequest{Operation: OpFlow, Size: 5, Weights: w, Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{10, 25}, Data: configs25}, its}},
			sdk.ErrFailedPrecondition, []string{"16", "25"}},
		{"sites", sdk.ApplyRequest{Operation: OpHidden, Weights: w, Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{10, 25}, Data: configs25}}},
			sdk.ErrFailedPrecondition, []string{"16", "25"}},
		{"unsorted", sdk.ApplyRequest{Operation: OpFlow, Size: 4, Weights: w, Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{10, 16}, Data: configs16},
			{Name: "iterations", Shape: []int{3}, Data: []int64{0, 5, 2}}}}, sdk.ErrInvalidArgument, []string{"sorted"}},
		{"negative", sdk.ApplyRequest{Operation: OpFlow, Size: 4, Weights: w, Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{10, 16}, Data: configs16},
			{Name: "iterations", Shape: []int{1}, Data: []int64{-1}}}}, sdk.ErrInvalidArgument, []string{"iterations"}},
		{"huge", sdk.ApplyRequest{Operation: OpFlow, Size: 4, Weights: w, Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{10, 16}, Data: configs16},
			{Name: "iterations", Shape: []int{1}, Data: []int64{1000000000000}}}}, sdk.ErrInvalidArgument, []string{"= 1000000000000:"}},
		{"no iterations", sdk.ApplyRequest{Operation: OpFlow, Size: 4, Weights: w, Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{10, 16}, Data: configs16}}},
			sdk.ErrInvalidArgument, []string{"iterations"}},
		{"no configs", sdk.ApplyRequest{Operation: OpHidden, Size: 4, Weights: w}, sdk.ErrInvalidArgument, []string{"configs"}},
		{"spin 0", sdk.ApplyRequest{Operation: OpHidden, Size: 4, Weights: w, Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{1, 16}, Data: make([]int8, 16)}}},
			sdk.ErrInvalidArgument, []string{"±1"}},
		{"b_h", sdk.ApplyRequest{Operation: OpHidden, Size: 4, Weights: []sdk.Tensor{w[0], w[1], {Name: TensorBH, Shape: []int{4}, Data: make([]float32, 4)}},
			Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{10, 16}, Data: configs16}}}, sdk.ErrInvalidArgument, []string{"b_h"}},
		{"operation", sdk.ApplyRequest{Operation: "dream", Weights: w}, sdk.ErrInvalidArgument, []string{"dream"}},
		{"weights", sdk.ApplyRequest{Operation: OpHidden, Weights: w[:2]}, sdk.ErrInvalidArgument, []string{"b_h"}},
	} {
		_, err := l.Apply(ctx, c.req)
		if !errors.Is(err, c.sentinel) {
			t.Errorf("%s: %v, want %v", c.name, err, c.sentinel)
			continue
		}
		for _, s := range c.says {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: %q does not mention %q", c.name, err, s)
			}
		}
	}
}

// A cancelled flow stops promptly.
func TestFlowCancel(t *testing.T) {
	w := randomWeights(100, 100, 0.1, 1)
	configs := randomConfigs(2000, 100, 1)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := New().Apply(ctx, sdk.ApplyRequest{Operation: OpFlow, Size: 10, Weights: w,
		Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{2000, 100}, Data: configs},
			{Name: "iterations", Shape: []int{1}, Data: []int64{MaxIterations}}}})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
		t.Errorf("cancelled flow: %v after %v", err, time.Since(start))
	}
}
