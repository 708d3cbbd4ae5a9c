// Package triangular is a test-only model plugin: the ±1 Ising model on
// the L×L periodic triangular lattice (six neighbours) in a field H, so
// that tests can tell a check or a flow read-out that measures with the
// model's own Observables from one that assumes the square lattice's four
// neighbours, with one or two parameters (T, H). It declares no
// hypercubic lattice, so G(r) is refused on its data.
//
// Site (x, y) is at index x*L + y; its bonds run to (x+1, y), (x, y+1) and
// (x+1, y−1), periodic: three bonds per site, E = −Σ_<ij> s_i s_j − H Σ_i s_i.
package triangular

import (
	"context"
	"math"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// Model is the triangular-lattice Ising model.
type Model struct{}

var _ sdk.Model = Model{}

// Tc is the critical temperature of the infinite triangular lattice.
var Tc = 4 / math.Log(3)

// Describe implements sdk.Model.
func (Model) Describe(context.Context) (sdk.ModelDescription, error) { return Description(), nil }

// Description is what Describe returns.
func Description() sdk.ModelDescription {
	return sdk.ModelDescription{
		Info: sdk.Info{Name: "triangular", Version: "1", Doc: "±1 Ising model on the periodic triangular lattice (test only)"},
		Parameters: []sdk.ParamSpec{{Name: "T", Doc: "temperature (J = k_B = 1)", Kind: sdk.Float, Default: 3.64,
			HasMin: true, Min: 0}, {Name: "H", Doc: "magnetic field (J = 1)", Kind: sdk.Float, Default: 0}},
		StateSpace:       []int8{-1, 1},
		Algorithms:       []sdk.Algorithm{{Name: "metropolis", Doc: "random-site Metropolis, one chain per point"}},
		DefaultAlgorithm: "metropolis",
		Observables: []sdk.Observable{
			{Name: "energy", Doc: "energy per site, −(1/L²) (Σ_<ij> s_i s_j + H Σ_i s_i), three bonds per site"},
			{Name: "magnetization", Doc: "magnetisation per site (signed)", Symmetric: true},
		},
		Dimension:  2,
		MinSize:    3,
		References: []sdk.Reference{{Name: "T_c", Points: []sdk.Params{{"T": Tc}}, Source: "Houtappel, Physica 16, 425 (1950): T_c = 4/ln 3"}},
		Lattice:    "triangular-periodic",
	}
}

// neighbours are the three bond partners of site x*L+y.
func neighbours(L, x, y int) [3]int {
	return [3]int{((x+1)%L)*L + y, x*L + (y+1)%L, ((x+1)%L)*L + (y+L-1)%L}
}

// Energy is −Σ_<ij> s_i s_j of one configuration, each bond once (the
// field's term apart).
func Energy(L int, s []int8) int {
	e := 0
	for x := 0; x < L; x++ {
		for y := 0; y < L; y++ {
			for _, j := range neighbours(L, x, y) {
				e -= int(s[x*L+y]) * int(s[j])
			}
		}
	}
	return e
}

// Sample implements sdk.Model: one Metropolis chain per point from a
// random start, Thermalization sweeps (default 200), then a configuration
// every Sweeps sweeps (default 2), sent in chunks of about 1 MiB; it stops
// within a sweep of its context's end.
func (Model) Sample(ctx context.Context, req sdk.SampleRequest, emit sdk.Emit) error {
	L := req.Size
	n := L * L
	sweeps, therm := max(req.Sweeps, 0), max(req.Thermalization, 0)
	if sweeps == 0 {
		sweeps = 2
	}
	if therm == 0 {
		therm = 200
	}
	for p, pt := range req.Points {
		rng := xrand.New(xrand.Derive(req.Seed, p, 0))
		T, field := math.Max(pt["T"], 1e-6), pt["H"]
		s := make([]int8, n)
		for i := range s {
			s[i] = int8(2*rng.Below(2) - 1)
		}
		sweep := func() {
			for range n {
				i := rng.Below(n)
				x, y := i/L, i%L
				xp, xm, yp, ym := (x+1)%L, (x+L-1)%L, (y+1)%L, (y+L-1)%L
				h := int(s[xp*L+y]) + int(s[xm*L+y]) + int(s[x*L+yp]) + int(s[x*L+ym]) +
					int(s[xp*L+ym]) + int(s[xm*L+yp])
				if dE := 2 * float64(s[i]) * (float64(h) + field); dE <= 0 || rng.Float64() < math.Exp(-dE/T) {
					s[i] = -s[i]
				}
			}
		}
		for range therm {
			if err := ctx.Err(); err != nil {
				return err
			}
			sweep()
		}
		chunk := max(1, (1<<20)/n)
		for done := 0; done < req.PerPoint; {
			k := min(chunk, req.PerPoint-done)
			out := make([]int8, 0, k*n)
			for range k {
				for range sweeps {
					if err := ctx.Err(); err != nil {
						return err
					}
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
	pt, err := sdk.ResolveParams(d.Parameters, point)
	if err != nil {
		return nil, err
	}
	if err := d.CheckConfigs(size, configs); err != nil {
		return nil, err
	}
	n := size * size
	k := len(configs) / n
	e, m := make([]float64, k), make([]float64, k)
	for c := range k {
		s := configs[c*n : (c+1)*n]
		sum := 0
		for _, v := range s {
			sum += int(v)
		}
		e[c] = (float64(Energy(size, s)) - pt["H"]*float64(sum)) / float64(n)
		m[c] = float64(sum) / float64(n)
	}
	return map[string][]float64{"energy": e, "magnetization": m}, nil
}
