package potts5_test

import (
	"context"
	"math"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/framework/sdk/sdktest"
	"github.com/rgml/rgml/plugins/internal/testmodels/potts5"
)

func TestConformance(t *testing.T) {
	sdktest.TestModel(t, sdktest.InProcess(potts5.Model{}))
}

// exactEnergy is ⟨E⟩/N of the L = 3 lattice at temperature T, by
// enumerating its 5^9 configurations with the plugin's bond count.
func exactEnergy(T float64) float64 {
	const L, n = 3, 9
	s := make([]int8, n)
	var z, ez float64
	for {
		b := potts5.Bonds(L, s)
		w := math.Exp(float64(b) / T)
		z += w
		ez -= float64(b) * w
		i := 0
		for i < n && s[i] == potts5.Q-1 {
			s[i] = 0
			i++
		}
		if i == n {
			break
		}
		s[i]++
	}
	return ez / z / n
}

// The heat-bath chain samples the Boltzmann distribution of the energy
// the plugin's Observables measure: its mean energy at L = 3 matches the
// exact enumeration within 4σ (σ from blocks of consecutive samples); power
// check: the exact value at a temperature 15 % higher is many σ away.
func TestSampleAgainstExact(t *testing.T) {
	const L, T, per = 3, 1.0, 40000
	var configs []int8
	err := potts5.Model{}.Sample(context.Background(), sdk.SampleRequest{Points: []sdk.Params{{"T": T}}, Size: L,
		PerPoint: per, Seed: 11}, func(c sdk.SampleChunk) error { configs = append(configs, c.Configs...); return nil })
	if err != nil {
		t.Fatal(err)
	}
	obs, err := potts5.Model{}.Observables(context.Background(), sdk.Params{"T": T}, L, configs)
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
	exact, other := exactEnergy(T), exactEnergy(1.15*T)
	t.Logf("⟨E⟩/N = %.5f ± %.5f, exact %.5f (T = %.2f: %.5f)", mean, sigma, exact, 1.15*T, other)
	if math.Abs(mean-exact) > 4*sigma {
		t.Errorf("⟨E⟩/N = %.5f ± %.5f, exact %.5f: %.1fσ apart", mean, sigma, exact, math.Abs(mean-exact)/sigma)
	}
	if math.Abs(other-exact) < 10*sigma {
		t.Errorf("power: the exact energies at T = %g and %g are within 10σ (σ = %.5f)", T, 1.15*T, sigma)
	}
}
