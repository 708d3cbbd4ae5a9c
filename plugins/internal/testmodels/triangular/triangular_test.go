package triangular_test

import (
	"context"
	"math"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/framework/sdk/sdktest"
	"github.com/rgml/rgml/plugins/internal/testmodels/triangular"
)

// The test model passes the conformance every model plugin must,
// cancellation included.
func TestConformance(t *testing.T) {
	sdktest.TestModel(t, sdktest.InProcess(triangular.Model{}))
}

// exactEnergy is ⟨E⟩/N at L = 3, temperature T and field H, by
// enumerating the 2⁹ configurations with the bond count of Energy.
func exactEnergy(T, H float64) float64 {
	const L, n = 3, 9
	s := make([]int8, n)
	var z, ez float64
	for c := range 1 << n {
		m := 0
		for i := range s {
			s[i] = int8(2*((c>>i)&1) - 1)
			m += int(s[i])
		}
		e := float64(triangular.Energy(L, s)) - H*float64(m)
		w := math.Exp(-e / T)
		z += w
		ez += e * w
	}
	return ez / z / n
}

// The Metropolis chain in a field samples the Boltzmann distribution of
// the energy the plugin's Observables measure: its mean at L = 3, T = 3,
// H = 0.5 matches the exact enumeration within 4σ (σ from blocks of
// consecutive samples); power check: the exact energy without the field
// is many σ away, so a chain that ignored H would fail.
func TestSampleAgainstExact(t *testing.T) {
	const L, T, H, per = 3, 3.0, 0.5, 40000
	pt := sdk.Params{"T": T, "H": H}
	var configs []int8
	err := triangular.Model{}.Sample(context.Background(), sdk.SampleRequest{Points: []sdk.Params{pt}, Size: L,
		PerPoint: per, Seed: 5}, func(c sdk.SampleChunk) error { configs = append(configs, c.Configs...); return nil })
	if err != nil {
		t.Fatal(err)
	}
	obs, err := triangular.Model{}.Observables(context.Background(), pt, L, configs)
	if err != nil {
		t.Fatal(err)
	}
	e := obs["energy"]
	const blocks = 100
	var mean, sq float64
	for b := range blocks {
		m := 0.0
		for _, v := range e[b*per/blocks : (b+1)*per/blocks] {
			m += v
		}
		m /= per / blocks
		mean += m / blocks
		sq += m * m / blocks
	}
	sigma := math.Sqrt((sq - mean*mean) / (blocks - 1))
	exact, noField := exactEnergy(T, H), exactEnergy(T, 0)
	t.Logf("⟨E⟩/N = %.5f ± %.5f, exact %.5f (H = 0: %.5f)", mean, sigma, exact, noField)
	if math.Abs(mean-exact) > 4*sigma {
		t.Errorf("⟨E⟩/N = %.5f ± %.5f, exact %.5f: %.1fσ apart", mean, sigma, exact, math.Abs(mean-exact)/sigma)
	}
	if math.Abs(noField-exact) < 10*sigma {
		t.Errorf("power: the exact energies with and without the field are within 10σ (σ = %.5f)", sigma)
	}
}
