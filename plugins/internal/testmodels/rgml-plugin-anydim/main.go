// Command rgml-plugin-anydim is a test-only model plugin: the ±1 Ising
// model on a periodic hypercubic lattice of L^d sites (x-major order),
// sampled by heat-bath sweeps, so that tests can run whole studies on
// lattices other than the square one. Built with -ldflags
// "-X main.name=NAME -X main.dim=D" it declares dimension D (default 3).
package main

import (
	"context"
	"math"
	"strconv"

	"github.com/rgml/rgml/framework/sdk"
)

var (
	name = "anydim"
	dim  = "3"
)

type model struct{ d int }

func (m model) Describe(context.Context) (sdk.ModelDescription, error) {
	return sdk.ModelDescription{
		Info: sdk.Info{Name: name, Version: "1", Doc: "Ising model on a " + dim + "-dimensional periodic hypercubic lattice (test only)"},
		Parameters: []sdk.ParamSpec{
			{Name: "T", Doc: "temperature", Kind: sdk.Float, Default: 1, HasMin: true, MinExclusive: true},
		},
		StateSpace:       []int8{-1, 1},
		Algorithms:       []sdk.Algorithm{{Name: "heat-bath", Doc: "sequential heat-bath sweeps"}},
		DefaultAlgorithm: "heat-bath",
		Observables:      []sdk.Observable{{Name: "energy", Doc: "−Σ_⟨ij⟩ s_i s_j / N (d bonds per site)"}},
		Dimension:        m.d,
		MinSize:          2,
		Lattice:          sdk.LatticeHypercubic,
	}, nil
}

func sites(L, d int) int {
	n := 1
	for range d {
		n *= L
	}
	return n
}

// neighbours returns, for site i, the sites one step ahead along each axis
// (periodic); the ones behind are those that have i ahead.
func neighbours(i, L, d int) []int {
	out := make([]int, d)
	stride := sites(L, d)
	for a := range out {
		stride /= L
		c := (i / stride) % L
		out[a] = i + ((c+1)%L-c)*stride
	}
	return out
}

func (m model) Sample(ctx context.Context, req sdk.SampleRequest, emit sdk.Emit) error {
	n := sites(req.Size, m.d)
	ahead := make([][]int, n)
	behind := make([][]int, n)
	for i := range ahead {
		ahead[i] = neighbours(i, req.Size, m.d)
		for _, j := range ahead[i] {
			behind[j] = append(behind[j], i)
		}
	}
	sweeps, therm := max(req.Sweeps, 2), max(req.Thermalization, 20)
	x := req.Seed | 1
	rnd := func() float64 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return float64(x>>11) / (1 << 53)
	}
	for p, pt := range req.Points {
		beta := 1 / pt["T"]
		s := make([]int8, n)
		for i := range s {
			s[i] = 1
		}
		sweep := func() {
			for i := range s {
				h := 0
				for _, j := range ahead[i] {
					h += int(s[j])
				}
				for _, j := range behind[i] {
					h += int(s[j])
				}
				if rnd() < 1/(1+math.Exp(-2*beta*float64(h))) {
					s[i] = 1
				} else {
					s[i] = -1
				}
			}
		}
		for k := 0; k < therm; k++ {
			sweep()
		}
		c := make([]int8, 0, req.PerPoint*n)
		for k := 0; k < req.PerPoint; k++ {
			for w := 0; w < sweeps; w++ {
				sweep()
			}
			c = append(c, s...)
		}
		if err := emit(sdk.SampleChunk{Point: p, Configs: c}); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

func (m model) Observables(_ context.Context, _ sdk.Params, size int, configs []int8) (map[string][]float64, error) {
	n := sites(size, m.d)
	e := make([]float64, len(configs)/n)
	for k := range e {
		s := configs[k*n : (k+1)*n]
		for i := range s {
			for _, j := range neighbours(i, size, m.d) {
				e[k] -= float64(s[i]) * float64(s[j])
			}
		}
		e[k] /= float64(n)
	}
	return map[string][]float64{"energy": e}, nil
}

func main() {
	d, err := strconv.Atoi(dim)
	if err != nil {
		panic("main.dim: " + err.Error())
	}
	sdk.Serve(sdk.ServeConfig{Model: model{d: d}})
}
