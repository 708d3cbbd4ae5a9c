package correlations_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/framework/sdk/sdktest"
	"github.com/rgml/rgml/plugins/correlations"
)

// request: 60 random 4×4 configurations in three flow iterations, a
// reference at two temperatures and thermometer readings.
func request() sdk.AnalyzeRequest {
	rng := rand.New(rand.NewPCG(1, 1))
	const L, n = 4, 60
	spins := func(n int) []int8 {
		c := make([]int8, n*L*L)
		for i := range c {
			c[i] = int8(2*rng.IntN(2) - 1)
		}
		return c
	}
	group, thermo, refT := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range group {
		group[i] = float64(i % 3)
		thermo[i] = 2 + rng.Float64()
		refT[i] = float64(1 + i%2)
	}
	obs := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.Float64() - 0.5
		}
		return v
	}
	return sdk.AnalyzeRequest{
		Size:       L,
		Params:     sdk.Params{correlations.ParamByIteration: 1},
		Lattice:    sdk.LatticeHypercubic,
		StateSpace: []int8{-1, 1},
		Data: []sdk.Tensor{
			{Name: "configs", Shape: []int{n, L * L}, Data: spins(n)},
			{Name: "group", Shape: []int{n}, Data: group},
			{Name: "thermometer", Shape: []int{n}, Data: thermo},
			{Name: "reference/configs", Shape: []int{n, L, L}, Data: spins(n)},
			{Name: "reference/T", Shape: []int{n}, Data: refT},
			{Name: "observables/energy", Shape: []int{n}, Data: obs(n)},
			{Name: "observables/magnetization", Shape: []int{n}, Data: obs(n)},
			{Name: "reference/observables/energy", Shape: []int{n}, Data: obs(n)},
		},
	}
}

func TestConformanceInProcess(t *testing.T) {
	sdktest.TestAnalyzer(t, sdktest.InProcessAnalyzer(correlations.New()), request())
}

func TestConformanceSubprocess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the plugin")
	}
	sdktest.TestAnalyzer(t, sdktest.SubprocessAnalyzer(sdktest.Build(t, "./cmd/rgml-plugin-correlations")), request())
}

func TestBadInput(t *testing.T) {
	a := correlations.New()
	ctx := context.Background()
	d, _ := a.Describe(ctx)
	for name, mutate := range map[string]func(*sdk.AnalyzeRequest){
		"reference without T":       func(r *sdk.AnalyzeRequest) { r.Data = r.Data[:4] },
		"another lattice":           func(r *sdk.AnalyzeRequest) { r.Data[0].Shape = []int{15, 64} },
		"reference another lattice": func(r *sdk.AnalyzeRequest) { r.Data[3].Shape = []int{15, 8, 8} },
		"reference at one T":        func(r *sdk.AnalyzeRequest) { clear(r.Data[4].Data.([]float64)) },
		"spin value 3":              func(r *sdk.AnalyzeRequest) { r.Data[0].Data.([]int8)[7] = 3 },
		"G without a lattice":       func(r *sdk.AnalyzeRequest) { r.Lattice = "" },
		"energy of another length":  func(r *sdk.AnalyzeRequest) { r.Data[5].Shape = []int{59}; r.Data[5].Data = make([]float64, 59) },
		"nothing to measure": func(r *sdk.AnalyzeRequest) {
			r.Params[correlations.ParamG] = 0
			r.Data = append(r.Data[:5:5], r.Data[7])
		},
	} {
		r := request()
		mutate(&r)
		r, err := d.ValidateAnalyze(r)
		if err == nil {
			_, err = a.Analyze(ctx, r)
		}
		if !errors.Is(err, sdk.ErrInvalidArgument) {
			t.Errorf("%s: want InvalidArgument, got %v", name, err)
		}
	}
}

// The xi figure declares its limit flags, one per group, so that the host
// draws a ξ at the fit's bound as a limit.
func TestXiFigureDeclaresLimits(t *testing.T) {
	a := correlations.New()
	ctx := context.Background()
	d, _ := a.Describe(ctx)
	r, err := d.ValidateAnalyze(request())
	if err != nil {
		t.Fatal(err)
	}
	out, err := a.Analyze(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	var declared bool
	for _, f := range out.Figures {
		if f.Name == "xi" {
			declared = len(f.Limits) == 1 && f.Limits[0] == "xi_limit"
		}
	}
	lim, ok := sdk.FindTensor(out.Results, "xi_limit")
	if !declared || !ok || len(lim.Shape) != 1 || lim.Shape[0] != 3 {
		t.Errorf("xi figure declares limits: %v; xi_limit %v (shape %v), want one flag per group (3)", declared, ok, lim.Shape)
	}
}
