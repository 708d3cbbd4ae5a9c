package ising3d

import (
	"context"
	"fmt"
	"math"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/mc"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// Algorithm names.
const (
	// AlgorithmMetropolis is a single-spin Metropolis Markov chain with
	// random-site updates, thermalised, sampled every Sweeps sweeps.
	AlgorithmMetropolis = "metropolis"
	// AlgorithmWolff is the Wolff single-cluster algorithm.
	AlgorithmWolff = "wolff"
)

// Defaults of SampleRequest.Sweeps and SampleRequest.Thermalization (used
// when the request leaves them 0).
const (
	// DefaultMetropolisSweeps sweeps (of L³ attempts) between two
	// configurations of a metropolis chain.
	DefaultMetropolisSweeps = 10
	// DefaultMetropolisThermalization sweeps before a metropolis chain's
	// first configuration.
	DefaultMetropolisThermalization = 1000
	// DefaultWolffSweeps Wolff sweeps (≈ L³ flipped spins each) between
	// two configurations.
	DefaultWolffSweeps = 5
	// DefaultWolffThermalization Wolff sweeps before the first
	// configuration.
	DefaultWolffThermalization = 200
)

// Version is the model's version, reported by Describe.
const Version = "1.0.0"

// Tc is the critical temperature of the simple cubic Ising model, 1/K_c,
// which figures of this model's data mark.
const Tc = 1 / 0.221654626

// TcSource is where Tc comes from.
const TcSource = "Ferrenberg, Xu, Landau, Phys. Rev. E 97, 043301 (2018): K_c = 0.221654626(5), T_c = 1/K_c ≈ 4.5115232"

// Options tune how a Model runs (mc.Options: the number of worker
// goroutines, the size of the chunks passed to emit); none of them
// changes the configurations it produces.
type Options = mc.Options

// Model is the 3D Ising model as an sdk.Model. It holds no state between
// calls and is safe for concurrent use.
type Model struct {
	opts Options
}

var _ sdk.Model = (*Model)(nil)

// New returns the model with default options.
func New() sdk.Model { return NewWithOptions(Options{}) }

// NewWithOptions returns the model with the given options.
func NewWithOptions(o Options) *Model { return &Model{opts: o} }

// Describe implements sdk.Model.
func (m *Model) Describe(context.Context) (sdk.ModelDescription, error) {
	return Description(), nil
}

// Description returns the model's description (what Describe returns).
func Description() sdk.ModelDescription {
	return sdk.ModelDescription{
		Info: sdk.Info{
			Name:    "ising3d",
			Version: Version,
			Doc: "Ferromagnetic Ising model on an L×L×L simple cubic lattice with periodic boundaries, " +
				"H = −Σ_<ij> s_i s_j (J = 1, k_B = 1, each nearest-neighbour bond once, 3L³ bonds), s_i = ±1; " +
				"site (x, y, z) at index (x*L + y)*L + z.",
		},
		Parameters: []sdk.ParamSpec{{
			Name: "T",
			Doc: "temperature in units of J/k_B; T = 0 is run as T = 1e-6 (only moves that lower or keep the energy " +
				"are then accepted); T = inf is β = 0: independent, uniformly random spins",
			Kind:      sdk.Float,
			Default:   Tc,
			Unit:      "J/k_B",
			HasMin:    true,
			Min:       0,
			AllowsInf: true,
		}},
		StateSpace: []int8{-1, 1},
		Algorithms: []sdk.Algorithm{
			{Name: AlgorithmWolff, Doc: "Wolff single-cluster Markov chains, p_add = 1 − exp(−2/T): 8 independent chains " +
				"per point, each from a random start, Thermalization sweeps (default 200) of clusters until L³ spins " +
				"have flipped, then a fixed number n_c = round(L³/⟨cluster size⟩) of clusters per sweep " +
				"(⟨size⟩ measured over the second half of thermalisation) and one configuration after every " +
				"Sweeps sweeps (default 5); Attempts counts clusters, Accepted flipped spins",
				Cluster: true},
			{Name: AlgorithmMetropolis, Doc: "single-spin Metropolis Markov chains, random-site updates (a sweep is L³ " +
				"attempts): 8 independent chains per point, each from a random start, Thermalization sweeps " +
				"(default 1000), then one configuration after every Sweeps sweeps (default 10)"},
		},
		DefaultAlgorithm: AlgorithmWolff,
		Observables: []sdk.Observable{
			{Name: "energy", Doc: "energy per spin, E/L³ = −(1/L³) Σ_<ij> s_i s_j"},
			{Name: "magnetization", Doc: "magnetisation per spin (signed), M/L³ = (1/L³) Σ_i s_i"},
			{Name: "abs_magnetization", Doc: "|M|/L³, the absolute magnetisation per spin"},
		},
		Dimension:  3,
		MinSize:    2,
		MaxSize:    MaxSize,
		References: []sdk.Reference{{Name: "T_c", Points: []sdk.Params{{"T": Tc}}, Source: TcSource}},
		Lattice:    sdk.LatticeHypercubic,
	}
}

// Observables implements sdk.Model: "energy" (energy per spin),
// "magnetization" (signed magnetisation per spin) and "abs_magnetization"
// (its absolute value) of each configuration. Values outside {−1, +1}, a
// size outside [2, MaxSize] or a length that is not a whole number of L³
// configurations are InvalidArgument errors.
func (m *Model) Observables(ctx context.Context, point sdk.Params, size int, configs []int8) (map[string][]float64, error) {
	d := Description()
	if size < d.MinSize || size > MaxSize {
		return nil, sdk.InvalidArgument("lattice size L = %d: must be in [%d, %d]", size, d.MinSize, MaxSize)
	}
	if _, err := sdk.ResolveParams(d.Parameters, point); err != nil {
		return nil, err
	}
	if err := d.CheckConfigs(size, configs); err != nil {
		return nil, err
	}
	n := Sites(size)
	count := len(configs) / n
	energy := make([]float64, count)
	mag := make([]float64, count)
	abs := make([]float64, count)
	for k := 0; k < count; k++ {
		if k&255 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		c := configs[k*n : (k+1)*n]
		energy[k] = float64(Energy(size, c)) / float64(n)
		mag[k] = float64(Magnetization(c)) / float64(n)
		abs[k] = math.Abs(mag[k])
	}
	return map[string][]float64{"energy": energy, "magnetization": mag, "abs_magnetization": abs}, nil
}

// plan is a validated request with the algorithm's defaults resolved.
type plan struct {
	mc.Plan
	temps []float64
}

func (m *Model) plan(req sdk.SampleRequest) (*plan, error) {
	req, err := Description().Validate(req)
	if err != nil {
		return nil, err
	}
	if req.Size > MaxSize {
		return nil, sdk.InvalidArgument("lattice size L = %d is too large: at most %d", req.Size, MaxSize)
	}
	defSweeps, defTherm := int64(DefaultWolffSweeps), int64(DefaultWolffThermalization)
	if req.Algorithm == AlgorithmMetropolis {
		defSweeps, defTherm = DefaultMetropolisSweeps, DefaultMetropolisThermalization
	}
	mp, err := mc.NewPlanSites(req, Sites(req.Size), false, defSweeps, defTherm, 1, m.opts.ChunkSize())
	if err != nil {
		return nil, err
	}
	p := &plan{Plan: mp, temps: make([]float64, len(req.Points))}
	p.Seeds = make([]uint64, len(req.Points))
	for i, pt := range req.Points {
		p.temps[i] = mc.EffectiveTemperature(pt["T"])
		// Streams are keyed by what is sampled (algorithm, L, T), not by
		// the point's place in the grid.
		p.Seeds[i] = xrand.Domain(req.Seed, fmt.Sprintf("ising3d/%s/L=%d/T=%x", req.Algorithm, req.Size, math.Float64bits(pt["T"])))
	}
	return p, nil
}
