package ising

import (
	"context"
	"fmt"
	"math"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/mc"
	"github.com/rgml/rgml/plugins/internal/xrand"
	"github.com/rgml/rgml/plugins/ising/exact"
)

// Algorithm names.
const (
	// AlgorithmMetropolisPaper is the paper's protocol (Sec. 2.1): every
	// configuration comes from its own uniformly random start after
	// 100·L² single-spin Metropolis attempts at uniformly random sites.
	AlgorithmMetropolisPaper = "metropolis-paper"
	// AlgorithmMetropolis is a single-spin Metropolis Markov chain with
	// random-site updates, thermalised, sampled every Sweeps sweeps.
	AlgorithmMetropolis = "metropolis"
	// AlgorithmWolff is the Wolff single-cluster algorithm.
	AlgorithmWolff = "wolff"
)

// Defaults of SampleRequest.Sweeps and SampleRequest.Thermalization (used
// when the request leaves them 0).
const (
	// DefaultPaperSweeps: attempts per configuration of metropolis-paper
	// are DefaultPaperSweeps·L² (the paper's 100·L²).
	DefaultPaperSweeps = 100
	// DefaultMetropolisSweeps sweeps (of L² attempts) between two
	// configurations of a metropolis chain.
	DefaultMetropolisSweeps = 10
	// DefaultMetropolisThermalization sweeps before a metropolis chain's
	// first configuration.
	DefaultMetropolisThermalization = 1000
	// DefaultWolffSweeps Wolff sweeps (≈ L² flipped spins each) between two
	// configurations.
	DefaultWolffSweeps = 5
	// DefaultWolffThermalization Wolff sweeps before the first
	// configuration.
	DefaultWolffThermalization = 200
)

// ChainsPerPoint is the number of independent Markov chains the metropolis
// and wolff algorithms run per parameter point (fewer if fewer
// configurations are asked for). Chain c of a point with n configurations
// produces configurations [c·n/8, (c+1)·n/8). The split is fixed, so the
// output does not depend on the number of workers.
const ChainsPerPoint = mc.ChainsPerPoint

// Version is the model's version, reported by Describe.
const Version = "1.0.0"

// Options tune how a Model runs (mc.Options: the number of worker
// goroutines, the size of the chunks passed to emit); none of them
// changes the configurations it produces.
type Options = mc.Options

// Model is the 2D Ising model as an sdk.Model. It holds no state between
// calls and is safe for concurrent use.
type Model struct {
	opts Options
}

var _ sdk.Model = (*Model)(nil)

// New returns the Ising model with default options.
func New() sdk.Model { return NewWithOptions(Options{}) }

// NewWithOptions returns the Ising model with the given options.
func NewWithOptions(o Options) *Model { return &Model{opts: o} }

// Describe implements sdk.Model.
func (m *Model) Describe(context.Context) (sdk.ModelDescription, error) {
	return Description(), nil
}

// Description returns the model's description (what Describe returns).
func Description() sdk.ModelDescription {
	return sdk.ModelDescription{
		Info: sdk.Info{
			Name:    "ising",
			Version: Version,
			Doc: "Ferromagnetic Ising model on an L×L square lattice with periodic boundaries, " +
				"H = −Σ_<ij> s_i s_j (J = 1, k_B = 1, each nearest-neighbour bond once), s_i = ±1; " +
				"site (x, y) at index x*L + y (Iso, Shiba, Yokoo 2018, Sec. 2.1).",
		},
		Parameters: []sdk.ParamSpec{{
			Name: "T",
			Doc: "temperature in units of J/k_B; T = 0 is run as T = 1e-6, as in the paper's footnote 4 " +
				"(only moves that lower or keep the energy are then accepted); T = inf is β = 0: independent, " +
				"uniformly random spins (the paper's footnote 9; every Metropolis move is accepted, Wolff clusters are single spins)",
			Kind:      sdk.Float,
			Default:   2.269,
			Unit:      "J/k_B",
			HasMin:    true,
			Min:       0,
			AllowsInf: true,
		}},
		StateSpace: []int8{-1, 1},
		Algorithms: []sdk.Algorithm{
			{Name: AlgorithmMetropolisPaper, Doc: "the paper's protocol: every configuration from its own uniformly " +
				"random start after 100·L² single-spin Metropolis attempts at uniformly random sites, acceptance " +
				"min(1, exp(−dE/T)); a nonzero Sweeps replaces 100 (Sweeps·L² attempts per configuration); " +
				"no thermalisation", NoThermalization: true},
			{Name: AlgorithmMetropolis, Doc: "single-spin Metropolis Markov chains, random-site updates (a sweep is L² " +
				"attempts): 8 independent chains per point, each from a random start, Thermalization sweeps " +
				"(default 1000), then one configuration after every Sweeps sweeps (default 10)"},
			{Name: AlgorithmWolff, Doc: "Wolff single-cluster Markov chains, p_add = 1 − exp(−2/T): 8 independent chains " +
				"per point, each from a random start, Thermalization sweeps (default 200) of clusters until L² spins " +
				"have flipped, then a fixed number n_c = round(L²/⟨cluster size⟩) of clusters per sweep " +
				"(⟨size⟩ measured over the second half of thermalisation) and one configuration after every " +
				"Sweeps sweeps (default 5); Attempts counts clusters, Accepted flipped spins (their ratio is the mean cluster size)",
				Cluster: true},
		},
		DefaultAlgorithm: AlgorithmMetropolisPaper,
		Observables: []sdk.Observable{
			{Name: "energy", Doc: "energy per spin, E/L² = −(1/L²) Σ_<ij> s_i s_j"},
			{Name: "magnetization", Doc: "magnetisation per spin (signed), M/L² = (1/L²) Σ_i s_i", Symmetric: true},
		},
		Dimension:  2,
		MinSize:    2,
		MaxSize:    MaxSize,
		References: []sdk.Reference{{Name: "T_c", Points: []sdk.Params{{"T": Tc}}, Source: TcSource}},
		Lattice:    sdk.LatticeHypercubic,
	}
}

// Tc is the critical temperature of the infinite square lattice, which
// figures of this model's data mark.
var Tc = 2 / math.Log(1+math.Sqrt2)

// TcSource is where Tc comes from.
const TcSource = "Onsager, Phys. Rev. 65, 117 (1944): T_c = 2/ln(1+√2)"

// Observables implements sdk.Model: "energy" (energy per spin) and
// "magnetization" (signed magnetisation per spin) of each configuration.
// Values outside {−1, +1}, a size below 2 or a length that is not a whole
// number of L² configurations are InvalidArgument errors.
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
	n := size * size
	count := len(configs) / n
	energy := make([]float64, count)
	mag := make([]float64, count)
	for k := 0; k < count; k++ {
		if k&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		c := configs[k*n : (k+1)*n]
		energy[k] = float64(Energy(size, c)) / float64(n)
		mag[k] = float64(Magnetization(c)) / float64(n)
	}
	return map[string][]float64{"energy": energy, "magnetization": mag}, nil
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
	var defSweeps, defTherm int64
	switch req.Algorithm {
	case AlgorithmMetropolisPaper:
		defSweeps = DefaultPaperSweeps
	case AlgorithmMetropolis:
		defSweeps, defTherm = DefaultMetropolisSweeps, DefaultMetropolisThermalization
	case AlgorithmWolff:
		defSweeps, defTherm = DefaultWolffSweeps, DefaultWolffThermalization
	}
	// Attempts (Metropolis) are counted in int64: sweeps·L²·(configs+1).
	mp, err := mc.NewPlan(req, req.Algorithm == AlgorithmMetropolisPaper, defSweeps, defTherm, 1, m.opts.ChunkSize())
	if err != nil {
		return nil, err
	}
	p := &plan{Plan: mp, temps: make([]float64, len(req.Points))}
	p.Seeds = make([]uint64, len(req.Points))
	for i, pt := range req.Points {
		p.temps[i] = EffectiveTemperature(pt["T"])
		// Streams are keyed by what is sampled (algorithm, L, T), not by
		// the point's place in the grid: T = 2.25 of one request shares
		// no random numbers with T = 0 of another made with the same seed.
		p.Seeds[i] = xrand.Domain(req.Seed, fmt.Sprintf("ising/%s/L=%d/T=%x", req.Algorithm, req.Size, math.Float64bits(pt["T"])))
	}
	return p, nil
}

var _ sdk.ExactModel = (*Model)(nil)

// ExactCurve implements sdk.ExactModel: the exact energy per spin of the
// L×L torus over T (Kaufman), −2 at T = 0, on a grid of step 0.01 up to
// T = 8 and 200 logarithmic steps from 8 to 1000 (fine enough that
// interpolating it costs less than a Monte Carlo error bar). Other
// observables have no exact curve here (one without values).
func (m *Model) ExactCurve(ctx context.Context, size int, observable string) (sdk.ExactCurve, error) {
	if size < 2 || size > MaxSize {
		return sdk.ExactCurve{}, sdk.InvalidArgument("lattice size L = %d: must be in [2, %d]", size, MaxSize)
	}
	c := sdk.ExactCurve{Parameter: "T"}
	if observable != "energy" {
		return c, nil
	}
	c.Source = "exact: Kaufman, Phys. Rev. 76, 1232 (1949), the L×L torus"
	c.At, c.Values = []float64{0}, []float64{-2}
	add := func(T float64) error {
		th, err := exact.Kaufman(size, T)
		if err != nil {
			return fmt.Errorf("exact energy at T = %g: %w", T, err)
		}
		c.At = append(c.At, T)
		c.Values = append(c.Values, th.Energy)
		return nil
	}
	for k := 1; k <= 800; k++ {
		if err := add(float64(k) / 100); err != nil {
			return sdk.ExactCurve{}, err
		}
	}
	for k := 1; k <= 200; k++ {
		if k%50 == 0 {
			if err := ctx.Err(); err != nil {
				return sdk.ExactCurve{}, err
			}
		}
		if err := add(8 * math.Pow(1000.0/8, float64(k)/200)); err != nil {
			return sdk.ExactCurve{}, err
		}
	}
	return c, nil
}
