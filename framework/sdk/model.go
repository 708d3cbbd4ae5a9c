package sdk

import (
	"context"
	"math"
)

// ProtocolVersion is the rgml plugin protocol spoken by this SDK. It must
// equal the "protocol-version:" line of framework/proto/rgml/v1/rgml.proto.
const ProtocolVersion = 1

// Info is common to the descriptions of every plugin kind.
type Info struct {
	Name    string
	Version string
	Doc     string
}

// Algorithm names and documents one sampling algorithm of a model.
type Algorithm struct {
	Name string
	Doc  string
	// Cluster marks a cluster algorithm: SampleChunk.Attempts counts
	// clusters and Accepted the spins they flipped, so Accepted/Attempts is
	// the mean cluster size rather than an acceptance ratio.
	Cluster bool
	// NoThermalization says the algorithm has no thermalisation (each
	// configuration from its own start, say): Validate refuses a request
	// with a nonzero Thermalization, which would change nothing while the
	// lineage recorded it.
	NoThermalization bool
}

// Observable names and documents one per-configuration observable.
type Observable struct {
	Name string
	Doc  string
	// Symmetric says the model is symmetric under a change of the
	// observable's sign (a magnetisation under flipping every spin): an
	// average over configurations that should not depend on the sign a
	// sample happened to take reads its absolute value, as the
	// two-parameter flow read-out does.
	Symmetric bool
}

// ModelDescription is what a model plugin says about itself.
type ModelDescription struct {
	Info
	Parameters       []ParamSpec
	StateSpace       []int8 // allowed site values, e.g. {-1, +1}
	Algorithms       []Algorithm
	DefaultAlgorithm string
	Observables      []Observable
	Dimension        int // lattice dimension; a configuration has Size^Dimension sites
	MinSize          int // smallest allowed linear size
	// MaxSize is the largest linear size the model samples (0: no bound
	// it declares): the host refuses a larger L before a study runs.
	MaxSize int
	// References are known results in the model's parameter space that
	// the host draws on figures of its data; nil draws none.
	References []Reference
	// Lattice says which lattice the sites form, so that an analyzer may
	// use their neighbours (G(r)): LatticeHypercubic, or "" for a lattice
	// it must not assume (G(r) is then refused; the energy and order
	// parameter still come from Observables).
	Lattice string
}

// LatticeHypercubic is the periodic hypercubic lattice of side L in
// Dimension dimensions, sites in row-major order (site (x, y) of a square
// lattice at index x*L + y), each site's neighbours one step along an axis.
const LatticeHypercubic = "hypercubic-periodic"

// ExactCurve is the exact equilibrium mean of one observable at one
// lattice size, over one parameter (the others at their defaults). The
// curve must run from the lowest temperature the model takes up to where
// the observable has (all but) reached its T → ∞ limit (the Ising plugin's
// ends at T = 1000): a value past its hottest point is read as T = ∞.
type ExactCurve struct {
	Parameter string
	At        []float64 // ascending values of Parameter
	Values    []float64 // the mean of the observable at each
	Source    string    // a citation, or "exact: " and the argument
}

// ExactModel is a Model that also knows exact curves of its observables,
// against which the host's thermometer-free checks match measured values.
// It is optional: the host asks a model that does not implement it for
// nothing, and matches against Monte Carlo data instead.
type ExactModel interface {
	Model
	// ExactCurve returns the curve of observable at linear size size; a
	// curve with no values when the model knows none there.
	ExactCurve(ctx context.Context, size int, observable string) (ExactCurve, error)
}

// Reference is a known result in a model's own parameter space: a named
// point (one entry in Points, e.g. a critical temperature) or curve (a
// polyline of several, e.g. a transition line), with where its values come
// from. A figure draws it when its coordinates are the figure's axes, or
// parameters that the data hold fixed at the same values.
type Reference struct {
	Name   string   // e.g. "T_c", shown in the legend
	Points []Params // coordinates of declared parameters
	Source string   // a citation, or "exact: " and the argument
}

// CheckReferences reports an InvalidArgument error for the first
// reference that is not well formed: no name, no source, no point, or a
// coordinate that is not finite or not a declared parameter.
func (d ModelDescription) CheckReferences() error {
	declared := map[string]bool{}
	for _, p := range d.Parameters {
		declared[p.Name] = true
	}
	for i, r := range d.References {
		switch {
		case r.Name == "":
			return InvalidArgument("reference %d has no name", i)
		case r.Source == "":
			return InvalidArgument("reference %q has no source: say where its values come from", r.Name)
		case len(r.Points) == 0:
			return InvalidArgument("reference %q has no point", r.Name)
		}
		for _, pt := range r.Points {
			if len(pt) == 0 {
				return InvalidArgument("reference %q has a point without coordinates", r.Name)
			}
			for _, name := range pt.Names() {
				if !declared[name] {
					return InvalidArgument("reference %q: %s is not a parameter of model %s", r.Name, name, d.Name)
				}
				if v := pt[name]; math.IsNaN(v) || math.IsInf(v, 0) {
					return InvalidArgument("reference %q: %s = %g is not finite", r.Name, name, v)
				}
			}
		}
	}
	return nil
}

// Sites returns the number of sites of a lattice of linear size size.
func (d ModelDescription) Sites(size int) int {
	n := 1
	for i := 0; i < d.Dimension; i++ {
		n *= size
	}
	return n
}

// SampleValues returns the number of site values that points × perPoint
// configurations of linear size size hold, or an InvalidArgument error when
// the product overflows an int (a plugin streams them; the host decides
// how many it can hold).
func (d ModelDescription) SampleValues(size, points, perPoint int) (int, error) {
	sites, ok := Product(repeat(size, d.Dimension)...)
	if !ok {
		return 0, InvalidArgument("lattice size L = %d: L^%d sites do not fit in an integer", size, d.Dimension)
	}
	n, ok := Product(points, perPoint, sites)
	if !ok {
		return 0, InvalidArgument("%d point(s) × %d configurations × %d sites do not fit in an integer: sample fewer", points, perPoint, sites)
	}
	return n, nil
}

func repeat(v, n int) []int {
	r := make([]int, n)
	for i := range r {
		r[i] = v
	}
	return r
}

// Algorithm returns the named algorithm, or the default for "".
func (d ModelDescription) Algorithm(name string) (Algorithm, error) {
	if name == "" {
		name = d.DefaultAlgorithm
	}
	for _, a := range d.Algorithms {
		if a.Name == name {
			return a, nil
		}
	}
	names := make([]string, len(d.Algorithms))
	for i, a := range d.Algorithms {
		names[i] = a.Name
	}
	return Algorithm{}, InvalidArgument("model %s has no algorithm %q (known: %v)", d.Name, name, names)
}

// SampleRequest asks a model for configurations at each point of a grid.
type SampleRequest struct {
	Points    []Params
	Size      int // linear lattice size L
	PerPoint  int // configurations per point
	Algorithm string
	// Sweeps between two configurations of one Markov chain and
	// thermalisation sweeps before the first; 0 means the algorithm's
	// default.
	Sweeps         int
	Thermalization int
	Seed           uint64
}

// Validate checks the request against the description and returns it with
// defaults filled in (algorithm, parameters). Errors wrap ErrInvalidArgument.
func (d ModelDescription) Validate(req SampleRequest) (SampleRequest, error) {
	a, err := d.Algorithm(req.Algorithm)
	if err != nil {
		return req, err
	}
	req.Algorithm = a.Name
	if req.Size < d.MinSize {
		return req, InvalidArgument("lattice size L = %d is too small: model %s needs L >= %d", req.Size, d.Name, d.MinSize)
	}
	if d.MaxSize > 0 && req.Size > d.MaxSize {
		return req, InvalidArgument("lattice size L = %d is too large: model %s takes L <= %d", req.Size, d.Name, d.MaxSize)
	}
	if req.PerPoint <= 0 {
		return req, InvalidArgument("configurations per point = %d: must be positive", req.PerPoint)
	}
	if req.Sweeps < 0 || req.Thermalization < 0 {
		return req, InvalidArgument("sweeps (%d) and thermalisation sweeps (%d) must not be negative", req.Sweeps, req.Thermalization)
	}
	if a.NoThermalization && req.Thermalization != 0 {
		return req, InvalidArgument("thermalization %d: algorithm %s of model %s has no thermalisation: leave it out, or choose an algorithm that has one", req.Thermalization, a.Name, d.Name)
	}
	if len(req.Points) == 0 {
		return req, InvalidArgument("no parameter points requested")
	}
	if _, err := d.SampleValues(req.Size, len(req.Points), req.PerPoint); err != nil {
		return req, err
	}
	pts := make([]Params, len(req.Points))
	for i, p := range req.Points {
		if pts[i], err = ResolveParams(d.Parameters, p); err != nil {
			return req, err
		}
	}
	req.Points = pts
	return req, nil
}

// SampleChunk is a run of consecutive configurations of one point, int8 in
// the paper's site order (x-major: site (x, y) at index x*L + y).
type SampleChunk struct {
	Point    int    // index into SampleRequest.Points
	First    int    // index within the point of the first configuration
	Configs  []int8 // Count()*sites values
	Attempts int64  // Monte Carlo moves attempted (clusters, for a Cluster algorithm)
	Accepted int64  // of which accepted (spins flipped, for a Cluster algorithm)
}

// Count returns the number of configurations in the chunk for a lattice of
// the given number of sites.
func (c SampleChunk) Count(sites int) int { return len(c.Configs) / sites }

// Emit receives the chunks of a Sample call. It is safe for concurrent use
// by the plugin's workers; it returns an error when the host has gone away,
// and the plugin must then stop. It does not keep the chunk's Configs after
// it returns, so a worker may reuse its buffer.
type Emit func(SampleChunk) error

// Model is a statistical model on a lattice.
type Model interface {
	// Describe returns the model's description; it must be cheap and
	// always succeed.
	Describe(ctx context.Context) (ModelDescription, error)
	// Sample draws req.PerPoint configurations at every point of req and
	// passes them to emit, in chunks. The request has been validated
	// against the description. The same request must produce the same
	// configurations whatever the number of CPUs.
	Sample(ctx context.Context, req SampleRequest, emit Emit) error
	// Observables returns, for each observable of the description, one
	// value per configuration of configs (n×sites int8) at the given point.
	Observables(ctx context.Context, point Params, size int, configs []int8) (map[string][]float64, error)
}

// CheckConfigs reports an InvalidArgument error if configs is not a whole
// number of configurations or holds a value outside the state space.
func (d ModelDescription) CheckConfigs(size int, configs []int8) error {
	sites := d.Sites(size)
	if sites == 0 || len(configs)%sites != 0 {
		return InvalidArgument("%d values are not a whole number of %d-site configurations", len(configs), sites)
	}
	var allowed [256]bool
	for _, s := range d.StateSpace {
		allowed[uint8(s)] = true
	}
	for i, v := range configs {
		if !allowed[uint8(v)] {
			return InvalidArgument("configuration %d, site %d: value %d is not in the state space %v", i/sites, i%sites, v, d.StateSpace)
		}
	}
	return nil
}
