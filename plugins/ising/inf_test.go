package ising

import (
	"math"
	"testing"

	"github.com/hashicorp/go-plugin"

	"github.com/rgml/rgml/framework/sdk"
)

// T = inf (β = 0, the paper's footnote 9) gives independent uniformly
// random spins, with every algorithm, through the gRPC shims as the host
// calls it. Exact results for independent ±1 spins on N = L² sites with
// 2N bonds: ⟨E/N⟩ = 0 with variance 2/N per configuration, ⟨m²⟩ = 1/N
// with variance (2N² − 2N)/N⁴ ≈ 2/N²; checked within 5 standard errors.
func TestInfiniteTemperature(t *testing.T) {
	client, _ := plugin.TestPluginGRPCConn(t, false, sdk.PluginSet(sdk.ServeConfig{Model: New()}))
	t.Cleanup(func() { client.Close() })
	raw, err := client.Dispense(sdk.KindModel)
	if err != nil {
		t.Fatal(err)
	}
	m := raw.(sdk.Model)
	const L, count = 10, 2000
	N := float64(L * L)
	for _, alg := range []string{AlgorithmMetropolisPaper, AlgorithmMetropolis, AlgorithmWolff} {
		req := sdk.SampleRequest{Points: []sdk.Params{{"T": math.Inf(1)}}, Size: L, PerPoint: count, Algorithm: alg, Seed: 3, Sweeps: 1, Thermalization: 1}
		if alg == AlgorithmMetropolisPaper {
			req.Thermalization = 0
		}
		out := collect(t, m, req)
		var e, m2 float64
		for k := 0; k < count; k++ {
			c := out.configs[0][k*L*L : (k+1)*L*L]
			e += float64(Energy(L, c)) / N / count
			mg := float64(Magnetization(c)) / N
			m2 += mg * mg / count
		}
		seE, seM2 := math.Sqrt(2/N/count), math.Sqrt((2*N*N-2*N)/(N*N*N*N)/count)
		if math.Abs(e) > 5*seE {
			t.Errorf("%s: ⟨E/N⟩ = %.5f, want 0 ± %.5f", alg, e, seE)
		}
		if math.Abs(m2-1/N) > 5*seM2 {
			t.Errorf("%s: ⟨m²⟩ = %.5f, want %.5f ± %.5f", alg, m2, 1/N, seM2)
		}
		if alg != AlgorithmWolff && out.accepted[0] != out.attempts[0] {
			t.Errorf("%s: %d of %d moves accepted at β = 0, want all", alg, out.accepted[0], out.attempts[0])
		}
	}
	// −inf and NaN stay refused.
	for _, T := range []float64{math.Inf(-1), math.NaN()} {
		_, err := tryCollect(m, sdk.SampleRequest{Points: []sdk.Params{{"T": T}}, Size: 4, PerPoint: 1, Seed: 1})
		if err == nil {
			t.Errorf("T = %v accepted", T)
		}
	}
}
