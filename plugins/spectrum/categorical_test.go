package spectrum

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// A categorical RBM's W [N_v, q, N_h] is analysed as the N_v × q·N_h
// matrix of its weights centred over the q states: WWᵀ_ij = Σ_k Σ_a
// W̃_iak W̃_jak, W̃_iak = W_iak − (1/q) Σ_l W_ial. Adding c_ia to every
// state's weight changes no conditional p(v_i = k | h) (a softmax over
// k), so it must not change the analysis; and WWᵀ matches that sum
// computed by hand.
func TestCategoricalWeights(t *testing.T) {
	const L, q, nh = 4, 3, 5
	nv := L * L
	rng := rand.New(rand.NewPCG(3, 4))
	w := make([]float64, nv*q*nh)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	shifted := make([]float64, len(w))
	for i := 0; i < nv; i++ {
		for a := 0; a < nh; a++ {
			c := 5 * rng.NormFloat64()
			for k := 0; k < q; k++ {
				shifted[(i*q+k)*nh+a] = w[(i*q+k)*nh+a] + c
			}
		}
	}
	analyse := func(w []float64) sdk.Analysis {
		t.Helper()
		req := sdk.AnalyzeRequest{Size: L, Params: sdk.Params{ParamReferenceT: 6},
			Weights: []sdk.Tensor{{Name: "W", Shape: []int{nv, q, nh}, Data: w}}}
		a, err := New().Analyze(context.Background(), req)
		if err != nil {
			t.Fatalf("Analyze of categorical W: %v", err)
		}
		return a
	}
	got, gauge := analyse(w), analyse(shifted)
	wwt, _ := sdk.FindTensor(got.Results, "WWT")
	if wwt.Shape[0] != nv || wwt.Shape[1] != nv {
		t.Fatalf("WWT shape %v, want [%d %d]", wwt.Shape, nv, nv)
	}
	centred := func(i, k, a int) float64 {
		m := 0.0
		for l := 0; l < q; l++ {
			m += w[(i*q+l)*nh+a] / q
		}
		return w[(i*q+k)*nh+a] - m
	}
	for i := 0; i < nv; i++ {
		for j := 0; j < nv; j++ {
			want := 0.0
			for k := 0; k < q; k++ {
				for a := 0; a < nh; a++ {
					want += centred(i, k, a) * centred(j, k, a)
				}
			}
			if g := wwt.Data.([]float64)[i*nv+j]; math.Abs(g-want) > 1e-9 {
				t.Fatalf("WWᵀ[%d,%d] = %g, want %g", i, j, g, want)
			}
		}
	}
	for _, name := range []string{"WWT", "eigenvalues", "singular_values", "decay"} {
		a, _ := sdk.FindTensor(got.Results, name)
		b, _ := sdk.FindTensor(gauge.Results, name)
		for i, x := range a.Data.([]float64) {
			if y := b.Data.([]float64)[i]; math.Abs(x-y) > 1e-8*(1+math.Abs(x)) {
				t.Fatalf("%s[%d]: %g, and %g after a gauge shift of W", name, i, x, y)
			}
		}
	}
	// Power: an uncentred W gives another WWᵀ than the gauge-shifted one.
	if raw := rawWWT(shifted, nv, q*nh); math.Abs(raw-wwt.Data.([]float64)[0]) < 1 {
		t.Errorf("the gauge shift does not change the raw WWᵀ_00 (%g): the test has no power", raw)
	}
}

func rawWWT(w []float64, nv, cols int) float64 {
	s := 0.0
	for c := 0; c < cols; c++ {
		s += w[c] * w[c]
	}
	return s
}
