package correlations_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/correlations"
)

func result(t *testing.T, a sdk.Analysis, name string) []float64 {
	t.Helper()
	r, ok := sdk.FindTensor(a.Results, name)
	if !ok {
		t.Fatalf("no result %s", name)
	}
	return r.Data.([]float64)
}

// TestPottsG: on q = 4 states G(r) = ⟨δ(s_i, s_j)⟩ − 1/q, against a 4×4
// configuration of four 2×2 blocks counted by hand: every site equals
// itself (G(0) = 1 − 1/4), half the bonds at r = 1 join equal states
// (G(1) = 1/2 − 1/4) and none at r = 2 (G(2) = −1/4). Read as spins
// (⟨s_i s_j⟩ of the values 0…3) the same configuration gives G(0) = 3.5,
// so the state space decides.
func TestPottsG(t *testing.T) {
	const L = 4
	block := []int8{
		0, 0, 1, 1,
		0, 0, 1, 1,
		2, 2, 3, 3,
		2, 2, 3, 3,
	}
	configs := append(append([]int8(nil), block...), block...)
	req := sdk.AnalyzeRequest{Size: L, Params: sdk.Params{correlations.ParamByIteration: 1, correlations.ParamG: 1},
		Lattice: sdk.LatticeHypercubic, StateSpace: []int8{0, 1, 2, 3},
		Data: []sdk.Tensor{
			{Name: "configs", Shape: []int{2, L * L}, Data: configs},
			{Name: "group", Shape: []int{2}, Data: []float64{0, 0}},
		}}
	a, err := correlations.New().Analyze(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	G := result(t, a, "G")
	want := []float64{0.75, 0.25, -0.25}
	for r, w := range want {
		if math.Abs(G[r]-w) > 1e-15 {
			t.Errorf("G(%d) = %g, want %g", r, G[r], w)
		}
	}
	// All four states equally often: nothing disconnected to subtract.
	if Gc := result(t, a, "Gc"); math.Abs(Gc[1]-0.25) > 1e-15 {
		t.Errorf("G_c(1) = %g, want 0.25", Gc[1])
	}
	req.StateSpace = []int8{-1, 0, 1}
	if _, err := correlations.New().Analyze(context.Background(), req); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Errorf("values 2, 3 in a spin-1 state space: %v", err)
	}
}

// TestGRefusedWithoutLattice: data of a model that declares no hypercubic
// lattice get no G(r): asked for it, one line that says what to set; with
// G=0 the model's own energy and order parameter, nothing else.
func TestGRefusedWithoutLattice(t *testing.T) {
	const L, n = 4, 40
	configs := make([]int8, n*L*L)
	energy, mag, group := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range configs {
		configs[i] = 1
	}
	for i := range energy {
		// Not the square lattice's −2 of aligned spins: a triangular
		// lattice's −3.
		energy[i], mag[i] = -3, 1
	}
	req := sdk.AnalyzeRequest{Size: L, Params: sdk.Params{correlations.ParamByIteration: 1},
		Lattice: "triangular-periodic", StateSpace: []int8{-1, 1},
		Data: []sdk.Tensor{
			{Name: "configs", Shape: []int{n, L * L}, Data: configs},
			{Name: "group", Shape: []int{n}, Data: group},
			{Name: "observables/energy", Shape: []int{n}, Data: energy},
			{Name: "observables/magnetization", Shape: []int{n}, Data: mag},
		}}
	an := correlations.New()
	d, _ := an.Describe(context.Background())
	r, err := d.ValidateAnalyze(req)
	if err != nil {
		t.Fatal(err)
	}
	_, err = an.Analyze(context.Background(), r)
	if !errors.Is(err, sdk.ErrInvalidArgument) || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "G=0") {
		t.Fatalf("G(r) on a triangular lattice: want one line saying G=0, got %v", err)
	}
	r.Params[correlations.ParamG] = 0
	a, err := an.Analyze(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if e := result(t, a, "energy"); e[0] != -3 {
		t.Errorf("energy %g, want the model's −3 (the square lattice's would be −2)", e[0])
	}
	if m := result(t, a, "abs_m"); m[0] != 1 {
		t.Errorf("|m| = %g, want 1", m[0])
	}
	for _, name := range []string{"G", "xi", "T_G"} {
		if _, ok := sdk.FindTensor(a.Results, name); ok {
			t.Errorf("result %s on a lattice the model does not declare", name)
		}
	}
}

// TestGOtherDimensions: G(r) on the periodic chain and cube, against
// configurations counted by hand. The chain + − + − … has G(r) = (−1)^r.
// The 4×4×4 cube of two slabs along z (+1 for z < 2, −1 above; z has
// stride 1) has G = 1 along x and y at every r, and along z 1, 0, −1 at
// r = 0, 1, 2: averaged over the three axes 1, 2/3, 1/3. The cube read
// as the 8×8 square it would be as a 2D lattice of 64 sites is refused.
func TestGOtherDimensions(t *testing.T) {
	chain := make([]int8, 8)
	for i := range chain {
		chain[i] = int8(1 - 2*(i%2))
	}
	cube := make([]int8, 64)
	for i := range cube {
		cube[i] = 1
		if i%4 >= 2 {
			cube[i] = -1
		}
	}
	for _, c := range []struct {
		name    string
		L, d    int
		configs []int8
		want    []float64
	}{
		{"chain", 8, 1, chain, []float64{1, -1, 1, -1, 1}},
		{"cube", 4, 3, cube, []float64{1, 2.0 / 3, 1.0 / 3}},
	} {
		sites := len(c.configs)
		req := sdk.AnalyzeRequest{Size: c.L, Dimension: c.d, Params: sdk.Params{correlations.ParamByIteration: 1, correlations.ParamG: 1},
			Lattice: sdk.LatticeHypercubic, StateSpace: []int8{-1, 1},
			Data: []sdk.Tensor{
				{Name: "configs", Shape: []int{2, sites}, Data: append(append([]int8(nil), c.configs...), c.configs...)},
				{Name: "group", Shape: []int{2}, Data: []float64{0, 0}},
			}}
		a, err := correlations.New().Analyze(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		G := result(t, a, "G")
		if len(G) != len(c.want) {
			t.Fatalf("%s: G has %d values, want %d", c.name, len(G), len(c.want))
		}
		for r, w := range c.want {
			if math.Abs(G[r]-w) > 1e-15 {
				t.Errorf("%s: G(%d) = %g, want %g", c.name, r, G[r], w)
			}
		}
	}
	req := sdk.AnalyzeRequest{Size: 8, Params: sdk.Params{correlations.ParamByIteration: 1, correlations.ParamG: 1},
		Lattice: sdk.LatticeHypercubic, StateSpace: []int8{-1, 1},
		Data: []sdk.Tensor{
			{Name: "configs", Shape: []int{1, 4, 4, 4}, Data: cube},
			{Name: "group", Shape: []int{1}, Data: []float64{0}},
		}}
	if _, err := correlations.New().Analyze(context.Background(), req); !errors.Is(err, sdk.ErrInvalidArgument) || !strings.Contains(err.Error(), "8×8") {
		t.Errorf("a [1, 4, 4, 4] cube read as the 8×8 square: %v", err)
	}
}
