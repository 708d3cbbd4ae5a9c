package blumecapel

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
	// AlgorithmMetropolisPaper is the Ising plugin's paper protocol: every
	// configuration from its own uniformly random start after 100·L²
	// Metropolis attempts at uniformly random sites.
	AlgorithmMetropolisPaper = "metropolis-paper"
	// AlgorithmMetropolis is a single-site Metropolis Markov chain.
	AlgorithmMetropolis = "metropolis"
	// AlgorithmHybrid alternates a Metropolis sweep with Wolff clusters
	// on the non-zero spins.
	AlgorithmHybrid = "hybrid"
)

// Defaults of SampleRequest.Sweeps and Thermalization (when 0).
const (
	DefaultPaperSweeps              = 100
	DefaultMetropolisSweeps         = 10
	DefaultMetropolisThermalization = 1000
	DefaultHybridSweeps             = 2
	DefaultHybridThermalization     = 200
)

// ChainsPerPoint is the number of independent Markov chains metropolis and
// hybrid run per point (fewer if fewer configurations are asked for);
// chain c of a point with n configurations produces [c·n/8, (c+1)·n/8).
const ChainsPerPoint = mc.ChainsPerPoint

// Version is the model's version, reported by Describe.
const Version = "1.0.0"

// Options tune how a Model runs (mc.Options: the number of worker
// goroutines, the size of the chunks passed to emit); none of them
// changes the configurations it produces.
type Options = mc.Options

// Model is the Blume-Capel model as an sdk.Model. It holds no state
// between calls and is safe for concurrent use.
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
			Name:    "blumecapel",
			Version: Version,
			Doc: "Blume-Capel model on an L×L square lattice with periodic boundaries, spins s_i ∈ {−1, 0, +1}, " +
				"H = −J Σ_<ij> s_i s_j + Δ Σ_i s_i² (each nearest-neighbour bond once, k_B = 1); " +
				"site (x, y) at index x*L + y.",
		},
		Parameters: []sdk.ParamSpec{
			{Name: "T", Doc: "temperature in units of J/k_B; T = 0 is run as T = 1e-6 (only moves that do not raise the energy are accepted)",
				Kind: sdk.Float, Default: 1.0, Unit: "J/k_B", HasMin: true, Min: 0},
			{Name: "Delta", Doc: "crystal field Δ (cost of a non-zero spin); Δ → −∞ is the Ising model; " +
				"tricritical point (Δ_t, T_t) = (1.9660, 0.6080) for J = 1",
				Kind: sdk.Float, Default: 0, Unit: "J"},
			{Name: "J", Doc: "ferromagnetic exchange coupling, J > 0", Kind: sdk.Float, Default: 1, Unit: "J",
				HasMin: true, MinExclusive: true, Min: 0},
		},
		StateSpace: []int8{-1, 0, 1},
		Algorithms: []sdk.Algorithm{
			{Name: AlgorithmMetropolisPaper, Doc: "as the Ising plugin's: every configuration from its own uniformly random " +
				"start (each spin −1, 0, +1 with probability ⅓) after 100·L² single-site Metropolis attempts at uniformly " +
				"random sites (proposal: one of the two other states, ½ each; acceptance min(1, exp(−dE/T))); a nonzero " +
				"Sweeps replaces 100; no thermalisation", NoThermalization: true},
			{Name: AlgorithmMetropolis, Doc: "single-site Metropolis Markov chains (same moves; a sweep is L² attempts): " +
				"8 independent chains per point from random starts, Thermalization sweeps (default 1000), then one " +
				"configuration after every Sweeps sweeps (default 10)"},
			{Name: AlgorithmHybrid, Doc: "for the second-order line: a hybrid sweep is one Metropolis sweep (moves to and " +
				"from 0) followed by n_c Wolff clusters over the non-zero spins (p_add = 1 − exp(−2J/T)), n_c the mean " +
				"number of clusters per thermalisation sweep (second half; each grows clusters until as many spins flipped " +
				"as are non-zero); 8 chains per point, " +
				"Thermalization sweeps (default 200), one configuration every Sweeps sweeps (default 2)"},
		},
		DefaultAlgorithm: AlgorithmMetropolisPaper,
		Observables: []sdk.Observable{
			{Name: "energy", Doc: "energy per site, E/L² = (−J Σ_<ij> s_i s_j + Δ Σ_i s_i²)/L²"},
			{Name: "magnetization", Doc: "magnetisation per site (signed), (1/L²) Σ_i s_i; the Binder cumulant " +
				"U = 1 − ⟨m⁴⟩/(3⟨m²⟩²) is a moment of it (blumecapel.Binder)", Symmetric: true},
			{Name: "density", Doc: "density of non-zero spins, (1/L²) Σ_i s_i² (its mean is ⟨s²⟩)"},
		},
		Dimension:  2,
		MinSize:    2,
		MaxSize:    MaxSize,
		References: References(),
		Lattice:    sdk.LatticeHypercubic,
	}
}

// References are the phase boundary of the square lattice at J = 1, in
// the model's own parameters: the tricritical point and the two lines
// that meet there. Only values whose source we could state are declared;
// the published points between the ends of the second-order line are not,
// so that line is drawn straight between its ends and its source says so.
func References() []sdk.Reference {
	tri := sdk.Params{"Delta": 1.9660, "T": 0.6080, "J": 1}
	return []sdk.Reference{
		{Name: "tricritical point", Points: []sdk.Params{tri},
			Source: "Kwak et al., Phys. Rev. E 92, 022134 (2015): (Δ_t, T_t) = (1.9660(1), 0.6080(1))"},
		{Name: "second-order line", Points: []sdk.Params{{"Delta": 0, "T": 1.693, "J": 1}, tri},
			Source: "from T_c ≈ 1.693 at Δ = 0, the spin-1 Ising model (as Monte Carlo studies quote it, e.g. Silva, " +
				"Caparica, Plascak, Phys. Rev. E 73 (2006)), to the tricritical point; no point between is declared, " +
				"and the published line lies above that straight segment"},
		{Name: "first-order line", Points: []sdk.Params{tri, {"Delta": 2, "T": 0, "J": 1}},
			Source: "from the tricritical point to Δ = 2 at T = 0, exact: there the ordered ground state (−2 + Δ per " +
				"site) and the empty one (0) exchange stability"},
	}
}

// couplingsOf returns the couplings of a resolved point.
func couplingsOf(p sdk.Params) Couplings {
	return Couplings{T: p["T"], Delta: p["Delta"], J: p["J"]}
}

// Observables implements sdk.Model: "energy", "magnetization" and
// "density" of each configuration at the point's J and Δ.
func (m *Model) Observables(ctx context.Context, point sdk.Params, size int, configs []int8) (map[string][]float64, error) {
	d := Description()
	if size < d.MinSize || size > MaxSize {
		return nil, sdk.InvalidArgument("lattice size L = %d: must be in [%d, %d]", size, d.MinSize, MaxSize)
	}
	pt, err := sdk.ResolveParams(d.Parameters, point)
	if err != nil {
		return nil, err
	}
	if err := d.CheckConfigs(size, configs); err != nil {
		return nil, err
	}
	c := couplingsOf(pt)
	n := size * size
	count := len(configs) / n
	energy := make([]float64, count)
	mag := make([]float64, count)
	dens := make([]float64, count)
	for k := 0; k < count; k++ {
		if k&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		s := Measure(size, configs[k*n:(k+1)*n])
		energy[k] = s.Energy(c.J, c.Delta) / float64(n)
		mag[k] = float64(s.M) / float64(n)
		dens[k] = float64(s.S2) / float64(n)
	}
	return map[string][]float64{"energy": energy, "magnetization": mag, "density": dens}, nil
}

// Binder returns the Binder cumulant U = 1 − ⟨m⁴⟩/(3⟨m²⟩²) of a sample of
// magnetisations (NaN for an empty sample or ⟨m²⟩ = 0).
func Binder(m []float64) float64 {
	var m2, m4 float64
	for _, v := range m {
		v2 := v * v
		m2 += v2
		m4 += v2 * v2
	}
	n := float64(len(m))
	m2, m4 = m2/n, m4/n
	if m2 == 0 {
		return math.NaN()
	}
	return 1 - m4/(3*m2*m2)
}

// plan is a validated request with the algorithm's defaults resolved.
type plan struct {
	mc.Plan
	coups []Couplings
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
	case AlgorithmHybrid:
		defSweeps, defTherm = DefaultHybridSweeps, DefaultHybridThermalization
	}
	// Hybrid sweeps count clusters besides Metropolis attempts: half the
	// Ising plugin's headroom.
	mp, err := mc.NewPlan(req, req.Algorithm == AlgorithmMetropolisPaper, defSweeps, defTherm, 2, m.opts.ChunkSize())
	if err != nil {
		return nil, err
	}
	p := &plan{Plan: mp, coups: make([]Couplings, len(req.Points))}
	p.Seeds = make([]uint64, len(req.Points))
	for i, pt := range req.Points {
		p.coups[i] = couplingsOf(pt)
		// Streams are keyed by what is sampled, not by the point's place
		// in the grid.
		p.Seeds[i] = xrand.Domain(req.Seed, fmt.Sprintf("blumecapel/%s/L=%d/T=%x/Delta=%x/J=%x", req.Algorithm, req.Size,
			math.Float64bits(pt["T"]), math.Float64bits(pt["Delta"]), math.Float64bits(pt["J"])))
	}
	return p, nil
}
