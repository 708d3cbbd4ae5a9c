package rbm

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// pottsData returns n random configurations of an L×L lattice whose sites
// take the values of states, state k with probability ∝ k+1, declaring the
// state space.
func pottsData(L, n int, states []int8, seed uint64) sdk.Dataset {
	rng := xrand.New(seed)
	q := len(states)
	c := make([]int8, n*L*L)
	for i := range c {
		u := rng.Float64() * float64(q*(q+1)/2)
		k := 0
		for cum := 1.0; u >= cum; cum += float64(k + 2) {
			k++
		}
		c[i] = states[k]
	}
	return sdk.Dataset{Size: L, Configs: c, StateSpace: slices.Clone(states)}
}

// catRef is the float64 reference of the documented categorical
// mean-field CD-1 step (docs/learners.md, "Categorical visible units").
type catRef struct {
	sites, q, nh int
	w            []float64 // sites×q×nh
	bv           []float64 // sites×q
	bh           []float64
	lr           float64
	index        map[int8]int
	configs      []int8
	n            int
}

func (r *catRef) step() {
	nv := r.sites * r.q
	dw, dbv, dbh := make([]float64, nv*r.nh), make([]float64, nv), make([]float64, r.nh)
	hOf := func(v []float64) []float64 {
		h := make([]float64, r.nh)
		for a := range h {
			x := r.bh[a]
			for j := range v {
				x += v[j] * r.w[j*r.nh+a]
			}
			h[a] = math.Tanh(x)
		}
		return h
	}
	for s := 0; s < r.n; s++ {
		v0 := make([]float64, nv)
		for i := 0; i < r.sites; i++ {
			v0[i*r.q+r.index[r.configs[s*r.sites+i]]] = 1
		}
		h1 := hOf(v0)
		v1 := make([]float64, nv)
		for i := 0; i < r.sites; i++ {
			z := 0.0
			for k := 0; k < r.q; k++ {
				a := r.bv[i*r.q+k]
				for b := range h1 {
					a += r.w[(i*r.q+k)*r.nh+b] * h1[b]
				}
				v1[i*r.q+k] = math.Exp(a)
				z += v1[i*r.q+k]
			}
			for k := 0; k < r.q; k++ {
				v1[i*r.q+k] /= z
			}
		}
		h2 := hOf(v1)
		for j := 0; j < nv; j++ {
			for a := 0; a < r.nh; a++ {
				dw[j*r.nh+a] += v0[j]*h1[a] - v1[j]*h2[a]
			}
			dbv[j] += v0[j] - v1[j]
		}
		for a := range dbh {
			dbh[a] += h1[a] - h2[a]
		}
	}
	e := r.lr / float64(r.n)
	for j := range dw {
		r.w[j] += e * dw[j]
	}
	for j := range dbv {
		r.bv[j] += e * dbv[j]
	}
	for a := range dbh {
		r.bh[a] += e * dbh[a]
	}
}

// A mean-field CD-1 update (full batch) of a categorical RBM agrees with
// the float64 reference of the documented equations, from the initial
// weights (the epochs = 0 training of the same seed) and from the weights
// after one update. The
// states are declared out of order and not contiguous: state k is the k-th
// smallest value.
func TestCategoricalCD1MatchesReference(t *testing.T) {
	ds := pottsData(3, 41, []int8{5, -2, 0}, 5)
	ctx := context.Background()
	l := NewWithWorkers(2)
	p := sdk.Params{ParamHidden: 5, ParamEpochs: 0, ParamInitStd: 0.7, ParamLR: 0.5, ParamPLLEvery: 0}
	w0, err := l.Train(ctx, sdk.TrainRequest{Hyper: p, Seed: 3, Train: ds}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := sdk.FindTensor(w0, TensorStates); !slices.Equal(st.Data.([]int8), []int8{-2, 0, 5}) {
		t.Fatalf("states %v, want [-2 0 5]", st.Data)
	}
	if W, _ := sdk.FindTensor(w0, TensorW); !slices.Equal(W.Shape, []int{9, 3, 5}) {
		t.Fatalf("W has shape %v, want [9 3 5]", W.Shape)
	}
	// From the initial weights (b_v = 0), then from the weights after that
	// update (resumed from its checkpoint), where b_v ≠ 0 enters.
	p[ParamEpochs] = 1
	rec := &recorder{}
	w1, err := l.Train(ctx, sdk.TrainRequest{Hyper: p, Seed: 3, Train: ds, CheckpointEvery: 1}, rec)
	if err != nil {
		t.Fatal(err)
	}
	p[ParamEpochs] = 2
	w2, err := l.Train(ctx, sdk.TrainRequest{Hyper: p, Seed: 3, Train: ds, Resume: rec.checkpoint(t, 1)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range [][2][]sdk.Tensor{{w0, w1}, {w1, w2}} {
		from, to := c[0], c[1]
		ref := &catRef{sites: 9, q: 3, nh: 5, w: to64(f32(t, from, TensorW)), bv: to64(f32(t, from, TensorBV)),
			bh: to64(f32(t, from, TensorBH)), lr: 0.5, index: map[int8]int{-2: 0, 0: 1, 5: 2}, configs: ds.Configs, n: ds.Len()}
		ref.step()
		for _, c := range []struct {
			name string
			want []float64
		}{{TensorW, ref.w}, {TensorBV, ref.bv}, {TensorBH, ref.bh}} {
			got := f32(t, to, c.name)
			moved := 0.0
			for i, g := range got {
				if d := math.Abs(float64(g) - c.want[i]); d > 2e-5 {
					t.Fatalf("%s[%d] = %.7g, reference %.7g", c.name, i, g, c.want[i])
				}
				moved = math.Max(moved, math.Abs(c.want[i]-float64(f32(t, from, c.name)[i])))
			}
			if moved < 1e-3 {
				t.Errorf("%s barely moved (%g): the comparison tests nothing", c.name, moved)
			}
		}
	}
}

// exactCatMarginal returns p(v) of a categorical RBM for all q^sites
// visible configurations (state of site i the i-th base-q digit, least
// significant first), summing e^{−Φ(v, h)} over every h ∈ {±1}^nh.
func exactCatMarginal(sites, q, nh int, w, bv, bh []float64) []float64 {
	states := 1
	for i := 0; i < sites; i++ {
		states *= q
	}
	p := make([]float64, states)
	z := 0.0
	for s := range p {
		k := make([]int, sites)
		for i, x := 0, s; i < sites; i, x = i+1, x/q {
			k[i] = x % q
		}
		for hs := 0; hs < 1<<nh; hs++ {
			e := 0.0
			for a := 0; a < nh; a++ {
				h := float64(2*(hs>>a&1) - 1)
				e += bh[a] * h
				for i := range k {
					e += w[(i*q+k[i])*nh+a] * h
				}
			}
			for i := range k {
				e += bv[i*q+k[i]]
			}
			p[s] += math.Exp(e)
		}
		z += p[s]
	}
	for s := range p {
		p[s] /= z
	}
	return p
}

// The categorical flow is a Gibbs sampler of the RBM: after many
// iterations from one configuration, the histogram of independent chains
// (N_v = 3, q = 3, N_h = 2, all 27 states) matches the exact marginal
// within 4σ in every state; against the marginal of a wrong conditional
// (the visible biases dropped, p(v_i = s_k | h) ∝ exp(Σ_a W_iak h_a)) it is
// off by more: the test's power.
func TestCategoricalGibbsMatchesExactMarginal(t *testing.T) {
	const sites, q, nh, chains = 3, 3, 2, 40000
	w := []float64{0.9, -0.4, 0.5, 0.8, -0.7, 0.3, 0.2, -0.6, 0.4, 0.1, -0.3, 0.6, 0.7, 0.2, -0.5, -0.2, 0.1, 0.8}
	bv := []float64{0.3, -0.2, 0.0, 0.5, -0.4, 0.1, -0.3, 0.2, 0.6}
	bh := []float64{0.2, -0.3}
	f := func(x []float64) []float32 {
		out := make([]float32, len(x))
		for i, v := range x {
			out[i] = float32(v)
		}
		return out
	}
	states := []int8{1, 2, 3}
	weights := []sdk.Tensor{
		{Name: TensorW, Shape: []int{sites, q, nh}, Data: f(w)}, {Name: TensorBV, Shape: []int{sites, q}, Data: f(bv)},
		{Name: TensorBH, Shape: []int{nh}, Data: f(bh)}, {Name: TensorStates, Shape: []int{q}, Data: states},
	}
	start := make([]int8, chains*sites)
	for i := range start {
		start[i] = 1
	}
	out, err := NewWithWorkers(2).Apply(context.Background(), sdk.ApplyRequest{Operation: OpFlow, Seed: 11, Weights: weights,
		Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{chains, sites}, Data: start},
			{Name: "iterations", Shape: []int{1}, Data: []int64{30}}}})
	if err != nil {
		t.Fatal(err)
	}
	got := out[0].Data.([]int8)
	hist := make([]float64, 27)
	for c := 0; c < chains; c++ {
		s := 0
		for i := sites - 1; i >= 0; i-- {
			s = q*s + int(got[c*sites+i]) - 1
		}
		hist[s]++
	}
	worst := func(p []float64) float64 {
		z := 0.0
		for s, ps := range p {
			sigma := math.Sqrt(chains * ps * (1 - ps))
			z = math.Max(z, math.Abs(hist[s]-chains*ps)/sigma)
		}
		return z
	}
	if z := worst(exactCatMarginal(sites, q, nh, w, bv, bh)); z > 4 {
		t.Errorf("the histogram is %.1fσ from the exact marginal in its worst state, want ≤ 4σ", z)
	}
	if z := worst(exactCatMarginal(sites, q, nh, w, make([]float64, len(bv)), bh)); z <= 4 {
		t.Errorf("the histogram is within %.1fσ of the marginal of a wrong conditional: the test has no power", z)
	}
}

// The visible units follow the declared state space: {−1, +1} and
// {−1, 0, +1} train the very bits of visible = 0 and visible = 1; another
// state space trains categorical units. Units that do not hold the data,
// data outside the declared state space and a state space of more than
// 127 values are InvalidArgument errors of one line, through the gRPC
// shims.
func TestUnitsFromStateSpace(t *testing.T) {
	l := grpcLearner(t)
	ctx := context.Background()
	train := func(p sdk.Params, ds sdk.Dataset) ([]sdk.Tensor, error) {
		p[ParamHidden], p[ParamEpochs] = 6, 3
		return l.Train(ctx, sdk.TrainRequest{Hyper: p, Seed: 2, Train: ds}, &recorder{})
	}
	ising := lowTData(4, 60, 0.3, 1)
	ising.StateSpace = []int8{1, -1}
	spin1 := spin1Data(4, 60, 2)
	spin1.StateSpace = []int8{-1, 0, 1}
	for _, c := range []struct {
		ds      sdk.Dataset
		visible float64
		names   []string
	}{
		{ising, VisibleIsing, []string{TensorW, TensorBV, TensorBH}},
		{spin1, VisibleSpin1, []string{TensorW, TensorBV, TensorBH, TensorCV}},
	} {
		auto, err := train(sdk.Params{}, c.ds)
		if err != nil {
			t.Fatal(err)
		}
		set, err := train(sdk.Params{ParamVisible: c.visible}, c.ds)
		if err != nil {
			t.Fatal(err)
		}
		if string(tensorBytes(t, auto, c.names...)) != string(tensorBytes(t, set, c.names...)) || len(auto) != len(c.names) {
			t.Errorf("state space %v: the weights differ from visible = %v's", c.ds.StateSpace, c.visible)
		}
	}
	potts := pottsData(4, 60, []int8{0, 1, 2}, 3)
	w, err := train(sdk.Params{}, potts)
	if err != nil {
		t.Fatal(err)
	}
	if W, _ := sdk.FindTensor(w, TensorW); !slices.Equal(W.Shape, []int{16, 3, 6}) {
		t.Errorf("Potts data: W %v, want categorical [16 3 6]", W.Shape)
	}
	// Categorical units hold ±1 data too (q = 2).
	if w, err := train(sdk.Params{ParamVisible: VisibleCategorical}, ising); err != nil {
		t.Error(err)
	} else if st, _ := sdk.FindTensor(w, TensorStates); !slices.Equal(st.Data.([]int8), []int8{-1, 1}) {
		t.Errorf("categorical ±1: states %v", st.Data)
	}

	outside := pottsData(4, 60, []int8{0, 1, 2}, 3)
	outside.Configs[37] = 3
	big := make([]int8, 128)
	for i := range big {
		big[i] = int8(i)
	}
	for _, c := range []struct {
		name string
		p    sdk.Params
		ds   sdk.Dataset
		want string
	}{
		{"±1 units on Potts data", sdk.Params{ParamVisible: VisibleIsing}, potts, "visible = 0 (±1 units) does not fit the data's state space [0 1 2]"},
		{"spin-1 units on Potts data", sdk.Params{ParamVisible: VisibleSpin1}, potts, "visible = 1 (spin-1 units) does not fit"},
		{"±1 units on spin-1 data", sdk.Params{ParamVisible: VisibleIsing}, spin1, "does not fit the data's state space [-1 0 1]"},
		{"value outside", sdk.Params{}, outside, "configuration 2, site 5: value 3 is not in the state space [0 1 2]"},
		{"128 states", sdk.Params{}, sdk.Dataset{Size: 4, Configs: potts.Configs, StateSpace: big}, "at most 127"},
	} {
		_, err := train(c.p, c.ds)
		if !errors.Is(err, sdk.ErrInvalidArgument) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line InvalidArgument with %q", c.name, err, c.want)
		}
	}
}

// A categorical training with mini-batches, PCD-2, sampled hidden units
// and momentum resumes from its checkpoint to the very bits of the
// uninterrupted one, does not depend on the number of workers, reports a
// pseudo-log-likelihood per site in (−log q − 0.5, 0); its reconstruction
// is one distribution over the q states per site, and its flow stays in
// the states. Weights of another kind do not resume it.
func TestCategoricalTrainResumeAndApply(t *testing.T) {
	ds := pottsData(4, 150, []int8{0, 1, 2, 3}, 8)
	ctx := context.Background()
	p := sdk.Params{ParamHidden: 7, ParamEpochs: 6, ParamBatch: 50, ParamMomentum: 0.5,
		ParamK: 2, ParamSampling: 1, ParamPersistent: 1, ParamPLLEvery: 2}
	full := &recorder{}
	w, err := NewWithWorkers(2).Train(ctx, sdk.TrainRequest{Hyper: p, Seed: 4, Train: ds, CheckpointEvery: 3}, full)
	if err != nil {
		t.Fatal(err)
	}
	last := full.progress[len(full.progress)-1].Metrics
	if pll := last[MetricPLL]; !(pll < 0 && pll > -math.Log(4)-0.5) {
		t.Errorf("pseudo-log-likelihood per site %g, want in (−log 4 − 0.5, 0)", pll)
	}
	if re := last[MetricReconstructionError]; !(re > 0 && re < 2) {
		t.Errorf("reconstruction error per site %g, want in (0, 2)", re)
	}
	names := []string{TensorW, TensorBV, TensorBH, TensorStates}
	for _, workers := range []int{1, 3} {
		resumed := &recorder{}
		w2, err := NewWithWorkers(workers).Train(ctx, sdk.TrainRequest{Hyper: p, Seed: 4, Train: ds, CheckpointEvery: 3,
			Resume: full.checkpoint(t, 3)}, resumed)
		if err != nil {
			t.Fatal(err)
		}
		if string(tensorBytes(t, w, names...)) != string(tensorBytes(t, w2, names...)) {
			t.Errorf("%d workers, resumed: the weights differ from the uninterrupted training's", workers)
		}
	}
	ising := lowTData(4, 150, 0.1, 1)
	if _, err := NewWithWorkers(2).Train(ctx, sdk.TrainRequest{Hyper: p, Seed: 4, Train: ising, CheckpointEvery: 3,
		Resume: full.checkpoint(t, 3)}, &recorder{}); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Errorf("±1 training resumed from a categorical checkpoint: %v", err)
	}

	l := NewWithWorkers(2)
	in := []sdk.Tensor{{Name: "configs", Shape: []int{ds.Len(), 16}, Data: ds.Configs}}
	out, err := l.Apply(ctx, sdk.ApplyRequest{Operation: OpReconstruct, Size: 4, Weights: w, Inputs: in})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out[0].Shape, []int{ds.Len(), 16, 4}) {
		t.Fatalf("reconstruction shape %v, want [150 16 4]", out[0].Shape)
	}
	r := out[0].Data.([]float32)
	for i := 0; i < len(r); i += 4 {
		s := r[i] + r[i+1] + r[i+2] + r[i+3]
		if math.Abs(float64(s)-1) > 1e-5 || slices.Min(r[i:i+4]) < 0 {
			t.Fatalf("site %d: reconstruction %v is not a distribution", i/4, r[i:i+4])
		}
	}
	out, err = l.Apply(ctx, sdk.ApplyRequest{Operation: OpHidden, Weights: w, Inputs: in})
	if err != nil || !slices.Equal(out[0].Shape, []int{ds.Len(), 7}) {
		t.Fatalf("hidden: %v %v", err, out)
	}
	out, err = l.Apply(ctx, sdk.ApplyRequest{Operation: OpFlow, Seed: 1, Size: 4, Weights: w,
		Inputs: append(in, sdk.Tensor{Name: "iterations", Shape: []int{2}, Data: []int64{0, 5}})})
	if err != nil {
		t.Fatal(err)
	}
	flowed := out[0].Data.([]int8)
	if !slices.Equal(flowed[:len(ds.Configs)], ds.Configs) {
		t.Error("flow iteration 0 is not the input")
	}
	for _, v := range flowed {
		if v < 0 || v > 3 {
			t.Fatalf("flowed value %d is not a state", v)
		}
	}
	bad := slices.Clone(ds.Configs)
	bad[3] = -1
	_, err = l.Apply(ctx, sdk.ApplyRequest{Operation: OpHidden, Weights: w,
		Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{ds.Len(), 16}, Data: bad}}})
	if !errors.Is(err, sdk.ErrInvalidArgument) || !strings.Contains(err.Error(), "value -1 is not one of the states [0 1 2 3]") {
		t.Errorf("flow of a value outside the states: %v", err)
	}
}

// The block-wise categorical step (stepFused, on q−1 columns per site)
// computes what the whole-batch step (the OpenBLAS engine's, on all q)
// computes, up to float32 rounding: the column sums, weights, biases and
// chains after one step. Mean-field CD-1, sampled CD-2 and sampled PCD-2,
// on several blocks.
func TestCategoricalFusedStepMatchesWholeBatch(t *testing.T) {
	const L, nh = 4, 20
	n := 3*passRows + 5
	ds := pottsData(L, n, []int8{0, 1, 2}, 9)
	e := newEngine(2)
	defer e.close()
	for _, p := range []sdk.Params{{}, {ParamK: 2, ParamSampling: 1}, {ParamK: 2, ParamSampling: 1, ParamPersistent: 1}} {
		p[ParamHidden], p[ParamInitStd], p[ParamLR] = nh, 0.5, 0.3
		h, err := hyperOf(p)
		if err != nil {
			t.Fatal(err)
		}
		h.states = ds.StateSpace
		var tr [2]*trainer
		var sq [2]float64
		for i := range tr {
			if tr[i], err = newTrainer(e, h, 7, ds.Configs, n, L*L, false); err != nil {
				t.Fatal(err)
			}
			tr[i].init()
		}
		if sq[0], err = tr[0].stepFused(tr[0].x0, n); err != nil {
			t.Fatal(err)
		}
		if sq[1], err = tr[1].stepWhole(tr[1].x0, n); err != nil {
			t.Fatal(err)
		}
		f, w := tr[0], tr[1]
		if math.Abs(sq[0]-sq[1]) > 1e-6*sq[1] || (sq[0] == 0) != (p[ParamPersistent] == 1) { // PCD measures no error in its steps
			t.Errorf("%v: squared error %v (fused) vs %v (whole batch)", p, sq[0], sq[1])
		}
		for _, c := range []struct {
			name string
			a, b []float64
		}{{"Σv", f.sumV, w.sumV}, {"Σh1", f.sumH1, w.sumH1}, {"Σh2", f.sumH2, w.sumH2}} {
			for i := range c.a {
				if math.Abs(c.a[i]-c.b[i]) > 1e-4 {
					t.Fatalf("%v: %s[%d] = %v (fused) vs %v (whole batch)", p, c.name, i, c.a[i], c.b[i])
				}
			}
		}
		for _, c := range []struct {
			name string
			a, b []float32
		}{{TensorW, f.cur.w, w.cur.w}, {TensorBV, f.cur.bv, w.cur.bv}, {TensorBH, f.cur.bh, w.cur.bh}, {"chains", f.cur.chains, w.cur.chains}} {
			for i := range c.a {
				if d := math.Abs(float64(c.a[i] - c.b[i])); d > 2e-6 {
					t.Fatalf("%v: %s[%d] = %v (fused) vs %v (whole batch)", p, c.name, i, c.a[i], c.b[i])
				}
			}
		}
	}
}

// The fused step's softmax (one shift per row) gives every site its
// conditional distribution, also for a site whose logits lie far below
// another site's (its exponentials underflow under the row's shift and it
// is recomputed), for q = 3 (the written-out loop) and q = 4.
func TestRowSoftmaxExtremeLogits(t *testing.T) {
	for _, q := range []int{3, 4} {
		const sites = 5
		c := newCategorical([]int8{0, 1, 2, 3}[:q], sites)
		q1, nr := q-1, sites*(q-1)
		nrp := pad16(nr + 1)
		rng := xrand.New(uint64(q))
		logits := make([]float64, nr) // a_ik − a_i0, bias included
		for j := range logits {
			logits[j] = 4 * (rng.Float64() - 0.5)
		}
		logits[0], logits[1] = 150, 149     // site 0: far above the others
		logits[q1], logits[q1+1] = -90, -91 // site 1: far below
		row, bred := make([]float32, nrp), make([]float32, nrp)
		for j := nr + 1; j < nrp; j++ {
			bred[j] = float32(math.Inf(-1))
		}
		for j, l := range logits {
			row[j], bred[j] = float32(l/2), float32(l/2)
		}
		ref := make([]float32, nrp)
		for i := 0; i < sites; i++ {
			ref[i*q1+i%q1] = 1
		}
		partR, part0 := make([]float32, nrp), make([]float32, sites)
		d2 := c.rowSoftmax(row, bred, make([]float32, nrp), partR, part0, ref)
		want2 := 0.0
		for i := 0; i < sites; i++ {
			m := 0.0
			for _, l := range logits[i*q1 : (i+1)*q1] {
				m = math.Max(m, l)
			}
			z := math.Exp(-m)
			for _, l := range logits[i*q1 : (i+1)*q1] {
				z += math.Exp(l - m)
			}
			p0 := math.Exp(-m) / z
			if math.Abs(float64(part0[i])-p0) > 1e-6 {
				t.Errorf("q = %d, site %d: p_0 = %g, want %g", q, i, part0[i], p0)
			}
			d0 := -p0 // state 0 is never the data here
			for k, l := range logits[i*q1 : (i+1)*q1] {
				p := math.Exp(l-m) / z
				if got := row[i*q1+k]; math.Abs(float64(got)-p) > 1e-6 || partR[i*q1+k] != got {
					t.Errorf("q = %d, site %d, state %d: p = %g (sum %g), want %g", q, i, k+1, got, partR[i*q1+k], p)
				}
				d := float64(ref[i*q1+k]) - p
				want2 += d * d
			}
			want2 += d0 * d0
		}
		if math.Abs(float64(d2)-want2) > 1e-5 {
			t.Errorf("q = %d: squared error %g, want %g", q, d2, want2)
		}
		for j, v := range row[nr:] {
			if v != 0 {
				t.Errorf("q = %d: padding column %d = %g, want 0", q, nr+j, v)
			}
		}
	}
}
