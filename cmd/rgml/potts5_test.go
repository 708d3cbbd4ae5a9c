package main

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/registry"
)

// potts5Study runs the whole study on the test-only q = 5 Potts model
// (plugins/internal/testmodels/potts5, states {0, …, 4}): flows from the
// hottest temperature, where the flowed configurations are disordered
// enough that another model's energy of them differs from the Potts one.
const potts5Study = `datasets:
  - name: p5-train
    model: potts5
    params: {T: "0.5,0.7,0.85,1,1.3,2,4"}
    L: 6
    per-point: 40
    seed: 1
  - name: p5-test
    model: potts5
    params: {T: "0.5,0.7,0.85,1,1.3,2,4"}
    L: 6
    per-point: 10
    seed: 2
trainings:
  - name: p5-thermo
    learner: thermometer
    data: p5-train
    test: p5-test
    set: {epochs: 30}
    seed: 2
  - name: p5-v8
    learner: rbm
    data: p5-train
    set: {hidden: 8, epochs: 20}
    seed: 3
flows:
  - name: p5-flow
    rbm: p5-v8
    thermometer: p5-thermo
    from: p5-test
    where: {T: 4}
    iterations: [0, 1, 10]
    save-configs: true
analyses:
  - name: p5-check
    analyzer: correlations
    flow: p5-flow
    data: p5-train
report:
  title: a model of five states
`

// TestPotts5Study: a model of q = 5 states gets the whole study through
// the real CLI — sample → RBM → thermometer → flow → thermometer-free
// check → report (the flow figure marking the model's T_c). The RBM chooses categorical units of q = 5 from the
// state space the model declares (W is [N_v, 5, N_h], its states 0 … 4),
// the thermometer reads one-hot inputs of five, the check's energy is the
// model's own (−Σ δ(s_i, s_j)/N, counted here apart from the plugin;
// power: the clock model's energy of the same configurations differs),
// its G(r) is the Potts form ⟨δ(s_i, s_j)⟩ − 1/5, and the report misses
// no figure.
func TestPotts5Study(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a small study")
	}
	reg := registryDir(t)
	out := filepath.Join(t.TempDir(), "report")
	if code, _, stderr := rgmlIn(t, reg, "run", writeSpec(t, potts5Study), "--report", out); code != 0 {
		t.Fatalf("rgml run: exit %d\n%s", code, stderr)
	}
	if page := readFile(t, filepath.Join(out, report.PageFile)); strings.Contains(page, "Missing figures") {
		t.Errorf("the report misses figures")
	}
	// The flow's figure marks the T_c the model declares.
	if arrays, err := npz.ReadFile(filepath.Join(out, "flow-p5-flow.npz")); err != nil {
		t.Error(err)
	} else if tc := npz.Float64s(arrays, "vline T_c.at"); len(tc) != 1 || math.Abs(tc[0]-1/math.Log(1+math.Sqrt(5))) > 1e-12 {
		t.Errorf("flow figure: T_c line %v, want 1/ln(1+√5)", tc)
	}
	s, err := registry.OpenReadOnly(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const L, q, hidden = 6, 5, 8
	states := []int8{0, 1, 2, 3, 4}
	rbm := weights(t, s, "p5-v8")
	if W, _ := npz.Find(rbm, "W"); !slices.Equal(W.Shape, []int{L * L, q, hidden}) {
		t.Errorf("RBM W of shape %v, want [%d %d %d] (categorical units of q = %d)", W.Shape, L*L, q, hidden, q)
	}
	if st, _ := npz.Find(rbm, "states"); !slices.Equal(asInt8(st.Data), states) {
		t.Errorf("RBM states %v, want %v", st.Data, states)
	}
	th := weights(t, s, "p5-thermo")
	if W1, _ := npz.Find(th, "W1"); len(W1.Shape) != 2 || W1.Shape[0] != L*L*q {
		t.Errorf("thermometer W1 of shape %v, want %d one-hot inputs", W1.Shape, L*L*q)
	}
	if st, _ := npz.Find(th, "states"); !slices.Equal(asInt8(st.Data), states) {
		t.Errorf("thermometer states %v, want %v", st.Data, states)
	}
	fen, err := s.Resolve(registry.Flow, "p5-flow")
	if err != nil {
		t.Fatal(err)
	}
	f, err := experiment.ReadFlow(s, fen)
	if err != nil {
		t.Fatal(err)
	}
	cen, err := s.Resolve(registry.Analysis, "p5-check")
	if err != nil {
		t.Fatal(err)
	}
	arrays, _, err := experiment.ReadAnalysis(s, cen)
	if err != nil {
		t.Fatal(err)
	}
	energy := npz.Float64s(arrays, "energy")
	G, _ := npz.Find(arrays, "G")
	g, _ := G.Data.([]float64)
	if len(energy) != len(f.Iterations) || !slices.Equal(G.Shape, []int{len(f.Iterations), L/2 + 1}) {
		t.Fatalf("check: energy %v, G of shape %v, for %d iterations", energy, G.Shape, len(f.Iterations))
	}
	differs := false
	for k, it := range f.Iterations {
		var potts, clock float64
		gr := make([]float64, L/2+1)
		for i := range f.N {
			c := f.Configs[(k*f.N+i)*f.Sites : (k*f.N+i+1)*f.Sites]
			potts += pottsEnergy(L, c) / float64(f.N)
			clock += clockEnergy(L, q, c) / float64(f.N)
			for r := range gr {
				gr[r] += pottsG(L, r, c) / float64(f.N)
			}
		}
		t.Logf("iteration %d: check %.4f, Potts %.4f, clock %.4f; G %.4f", it, energy[k], potts, clock, g[k*(L/2+1):(k+1)*(L/2+1)])
		if math.Abs(energy[k]-potts) > 1e-12 {
			t.Errorf("iteration %d: check energy %.6f, the model's own %.6f", it, energy[k], potts)
		}
		if math.Abs(clock-potts) > 0.05 {
			differs = true
		}
		for r, want := range gr {
			if got := g[k*(L/2+1)+r]; math.Abs(got-(want-1.0/q)) > 1e-12 {
				t.Errorf("iteration %d: G(%d) = %.6f, want ⟨δ⟩ − 1/q = %.6f", it, r, got, want-1.0/q)
			}
		}
		if got := g[k*(L/2+1)]; math.Abs(got-(1-1.0/q)) > 1e-12 {
			t.Errorf("iteration %d: G(0) = %v, want 1 − 1/q", it, got)
		}
	}
	if !differs {
		t.Error("power: the clock model's energy equals the Potts one at every iteration, the test could not tell them apart")
	}
}

// weights reads a registered model's weights.npz.
func weights(t *testing.T, s *registry.Store, name string) []npz.Array {
	t.Helper()
	en, err := s.Resolve(registry.Model, name)
	if err != nil {
		t.Fatal(err)
	}
	arrays, err := experiment.ReadNPZ(s, en, "weights.npz")
	if err != nil {
		t.Fatal(err)
	}
	return arrays
}

func asInt8(data any) []int8 {
	v, _ := data.([]int8)
	return v
}

// pottsEnergy is −(1/N) Σ_<ij> δ(s_i, s_j) over the bonds (x+1, y) and
// (x, y+1) of each site.
func pottsEnergy(L int, s []int8) float64 {
	e := 0
	for x := range L {
		for y := range L {
			v := s[x*L+y]
			if v == s[((x+1)%L)*L+y] {
				e--
			}
			if v == s[x*L+(y+1)%L] {
				e--
			}
		}
	}
	return float64(e) / float64(L*L)
}

// clockEnergy is the q-state clock model's −(1/N) Σ_<ij> cos(2π(s_i −
// s_j)/q) over the same bonds: another model's energy of the same sites.
func clockEnergy(L, q int, s []int8) float64 {
	e := 0.0
	for x := range L {
		for y := range L {
			v := float64(s[x*L+y])
			e -= math.Cos(2*math.Pi*(v-float64(s[((x+1)%L)*L+y]))/float64(q)) +
				math.Cos(2*math.Pi*(v-float64(s[x*L+(y+1)%L]))/float64(q))
		}
	}
	return e / float64(L*L)
}

// pottsG is ⟨δ(s_i, s_j)⟩ over the pairs r apart along x and along y.
func pottsG(L, r int, s []int8) float64 {
	same := 0
	for x := range L {
		for y := range L {
			v := s[x*L+y]
			if v == s[((x+r)%L)*L+y] {
				same++
			}
			if v == s[x*L+(y+r)%L] {
				same++
			}
		}
	}
	return float64(same) / float64(2*L*L)
}
