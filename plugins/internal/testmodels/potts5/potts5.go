// Package potts5 is a test-only model plugin: the q = 5 Potts model on
// the L×L periodic square lattice, sites in {0, 1, 2, 3, 4}, so that tests
// run whole studies on a state space that is neither ±1 nor spin-1 and has
// more states than the q = 3 Potts plugin (categorical units of q = 5,
// one-hot inputs of five, G(r) = ⟨δ(s_i, s_j)⟩ − 1/5).
//
// Site (x, y) is at index x*L + y; H = −Σ_<ij> δ(s_i, s_j) over the bonds
// to (x+1, y) and (x, y+1), periodic: two bonds per site.
package potts5

import (
	"context"
	"math"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// Q is the number of states.
const Q = 5

// Model is the q = 5 Potts model.
type Model struct{}

var _ sdk.Model = Model{}

// Tc is the critical temperature of the infinite square lattice.
var Tc = 1 / math.Log(1+math.Sqrt(Q))

// Describe implements sdk.Model.
func (Model) Describe(context.Context) (sdk.ModelDescription, error) { return Description(), nil }

// Description is what Describe returns.
func Description() sdk.ModelDescription {
	return sdk.ModelDescription{
		Info: sdk.Info{Name: "potts5", Version: "1", Doc: "q = 5 Potts model on the periodic square lattice (test only)"},
		Parameters: []sdk.ParamSpec{{Name: "T", Doc: "temperature (J = k_B = 1)", Kind: sdk.Float, Default: 0.85,
			HasMin: true, Min: 0}},
		StateSpace:       []int8{0, 1, 2, 3, 4},
		Algorithms:       []sdk.Algorithm{{Name: "heat-bath", Doc: "sequential heat-bath sweeps, one chain per point"}},
		DefaultAlgorithm: "heat-bath",
		Observables: []sdk.Observable{
			{Name: "energy", Doc: "energy per site, −(1/L²) Σ_<ij> δ(s_i, s_j)"},
			{Name: "magnetization", Doc: "Potts order parameter (q·max_k N_k/L² − 1)/(q − 1)"},
		},
		Dimension:  2,
		MinSize:    2,
		References: []sdk.Reference{{Name: "T_c", Points: []sdk.Params{{"T": Tc}}, Source: "Baxter, J. Phys. C 6, L445 (1973): T_c = 1/ln(1 + √q)"}},
		Lattice:    sdk.LatticeHypercubic,
	}
}

// Bonds counts the bonds δ(s_i, s_j) = 1 of one configuration, each bond
// once.
func Bonds(L int, s []int8) int {
	n := 0
	for x := range L {
		for y := range L {
			v := s[x*L+y]
			n += b2i(v == s[((x+1)%L)*L+y]) + b2i(v == s[x*L+(y+1)%L])
		}
	}
	return n
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Sample implements sdk.Model: one heat-bath chain per point from a
// random start, Thermalization sweeps (default 200), then a configuration
// every Sweeps sweeps (default 2).
func (Model) Sample(ctx context.Context, req sdk.SampleRequest, emit sdk.Emit) error {
	L := req.Size
	n := L * L
	sweeps, therm := req.Sweeps, req.Thermalization
	if sweeps <= 0 {
		sweeps = 2
	}
	if therm <= 0 {
		therm = 200
	}
	for p, pt := range req.Points {
		rng := xrand.New(xrand.Derive(req.Seed, p, 0))
		beta := 1 / math.Max(pt["T"], 1e-6)
		// weight[c] = exp(β c) for c equal neighbours: the four
		// neighbours of a site give c = 0 … 4.
		var weight [5]float64
		for c := range weight {
			weight[c] = math.Exp(beta * float64(c-4))
		}
		s := make([]int8, n)
		for i := range s {
			s[i] = int8(rng.Below(Q))
		}
		sweep := func() {
			for i := range s {
				x, y := i/L, i%L
				var count [Q]int
				count[s[((x+1)%L)*L+y]]++
				count[s[((x+L-1)%L)*L+y]]++
				count[s[x*L+(y+1)%L]]++
				count[s[x*L+(y+L-1)%L]]++
				var p [Q]float64
				sum := 0.0
				for k := range p {
					sum += weight[count[k]]
					p[k] = sum
				}
				u := rng.Float64() * sum
				k := 0
				for k < Q-1 && u >= p[k] {
					k++
				}
				s[i] = int8(k)
			}
		}
		for range therm {
			if err := ctx.Err(); err != nil {
				return err
			}
			sweep()
		}
		// Chunks of about 1 MiB: a request may ask for more than fits.
		chunk := max(1, (1<<20)/n)
		for done := 0; done < req.PerPoint; {
			k := min(chunk, req.PerPoint-done)
			out := make([]int8, 0, k*n)
			for range k {
				if err := ctx.Err(); err != nil {
					return err
				}
				for range sweeps {
					sweep()
				}
				out = append(out, s...)
			}
			if err := emit(sdk.SampleChunk{Point: p, Configs: out}); err != nil {
				return err
			}
			done += k
		}
	}
	return nil
}

// Observables implements sdk.Model.
func (Model) Observables(ctx context.Context, point sdk.Params, size int, configs []int8) (map[string][]float64, error) {
	d := Description()
	if size < d.MinSize {
		return nil, sdk.InvalidArgument("lattice size L = %d: must be ≥ %d", size, d.MinSize)
	}
	if err := d.CheckConfigs(size, configs); err != nil {
		return nil, err
	}
	n := size * size
	k := len(configs) / n
	e, m := make([]float64, k), make([]float64, k)
	for c := range k {
		s := configs[c*n : (c+1)*n]
		e[c] = -float64(Bonds(size, s)) / float64(n)
		var count [Q]int
		for _, v := range s {
			count[v]++
		}
		most := 0
		for _, nk := range count {
			most = max(most, nk)
		}
		m[c] = (Q*float64(most)/float64(n) - 1) / (Q - 1)
	}
	return map[string][]float64{"energy": e, "magnetization": m}, nil
}
