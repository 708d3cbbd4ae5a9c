package correlations

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/input"
)

// Version is the analyzer's version, reported by Describe.
const Version = "2.1.0"

// ParamByIteration, when 1, says data/group holds flow iterations rather
// than temperatures.
const ParamByIteration = "by_iteration"

// ParamG, when 1 (the default), asks for G(r), ξ and the temperature
// G(L/2) implies; they need a model that declares a hypercubic lattice.
const ParamG = "G"

// Analyzer is the correlations analyzer plugin.
type Analyzer struct{}

// New returns the analyzer.
func New() *Analyzer { return &Analyzer{} }

var _ sdk.Analyzer = (*Analyzer)(nil)

// Describe implements sdk.Analyzer.
func (*Analyzer) Describe(context.Context) (sdk.AnalyzerDescription, error) {
	return sdk.AnalyzerDescription{
		Info: sdk.Info{Name: "correlations", Version: Version, Doc: "the model's energy and ⟨|order parameter|⟩ " +
			"(its Observables), susceptibility, Binder cumulant, G(r) and correlation length of configurations per " +
			"temperature or flow iteration, and the temperatures they imply (the model's exact curve, or Monte " +
			"Carlo reference data measured the same way)"},
		Parameters: []sdk.ParamSpec{{
			Name: ParamByIteration, Doc: "1: data/group holds a flow's iterations; 0: a dataset's temperatures (χ then divides by them)",
			Kind: sdk.Bool, Default: 0, HasMin: true, HasMax: true, Max: 1,
		}, {
			Name: ParamG, Doc: "1: also G(r) (⟨s_i s_j⟩ for spins, ⟨δ(s_i, s_j)⟩ − 1/q for q other states), ξ and the " +
				"temperature G(L/2) implies, refused unless the data's model declares a hypercubic lattice; 0: skip them",
			Kind: sdk.Bool, Default: 1, HasMin: true, HasMax: true, Max: 1,
		}},
		Inputs: []sdk.AnalyzerInput{
			{Name: "data/configs", Doc: "configurations, int8 [N, L^d] or [N, L, …, L] (d = 1, 2, 3), values in the model's state space", Required: true},
			{Name: "data/group", Doc: "the group of each configuration (its T or flow iteration), [N]", Required: true},
			{Name: "data/observables/energy", Doc: "the model's energy per site of each configuration (its Observables), [N]"},
			{Name: "data/observables/magnetization", Doc: "the model's order parameter of each configuration (its Observables), [N]"},
			{Name: "data/reference/configs", Doc: "Monte Carlo equilibrium configurations at the same L, [M, L²] (needs data/reference/T)"},
			{Name: "data/reference/T", Doc: "temperature of each reference configuration, [M]"},
			{Name: "data/reference/observables/energy", Doc: "the model's energy per site of each reference configuration, [M]"},
			{Name: "data/reference/observables/magnetization", Doc: "the model's order parameter of each reference configuration, [M]"},
			{Name: "data/exact/T", Doc: "temperatures of the model's exact energy curve at this L, ascending, [K] (needs data/exact/energy)"},
			{Name: "data/exact/energy", Doc: "the model's exact mean energy per site at each data/exact/T, [K]"},
			{Name: "data/thermometer", Doc: "a thermometer's reading of each configuration, [N], averaged per group beside the implied temperatures"},
		},
	}, nil
}

func vec(name string, v []float64) sdk.Tensor {
	return sdk.Tensor{Name: name, Shape: []int{len(v)}, Data: v}
}

// request is an AnalyzeRequest read and checked.
type request struct {
	L, D   int // the lattice: L^D sites
	n      int
	byT    bool
	labels []float64
	thermo []float64
	data   Measures
	ref    *Reference
	exactE *Curve
	wantG  bool
	corr   *Correlator
}

// measures reads configurations under prefix (data/PREFIXconfigs and the
// model's observables beside them) into Measures.
func (q *request) measures(req sdk.AnalyzeRequest, prefix string) (Measures, int, error) {
	ct, _ := sdk.FindTensor(req.Data, prefix+"configs")
	configs, n, err := configsIn(ct, q.L, q.D, req.StateSpace)
	if err != nil {
		return Measures{}, 0, err
	}
	ms := Measures{L: q.L, D: q.D}
	for name, dst := range map[string]*[]float64{"energy": &ms.Energy, "magnetization": &ms.M} {
		if t, ok := sdk.FindTensor(req.Data, prefix+"observables/"+name); ok {
			if *dst, err = input.Labels(t, n); err != nil {
				return Measures{}, 0, err
			}
		}
	}
	if q.corr != nil {
		ms.G, ms.U = q.corr.Measure(configs)
		ms.Offset = q.corr.Offset()
	}
	return ms, n, nil
}

// read checks a request and reads its inputs.
func read(req sdk.AnalyzeRequest) (*request, error) {
	q := &request{L: req.Size, D: sdk.Dim(req.Dimension), byT: req.Params[ParamByIteration] == 0, wantG: req.Params[ParamG] != 0}
	if q.L < 2 {
		return nil, sdk.InvalidArgument("lattice size L = %d: correlations need L ≥ 2", q.L)
	}
	if q.wantG {
		if req.Lattice != sdk.LatticeHypercubic {
			lat := req.Lattice
			if lat == "" {
				lat = "none"
			}
			return nil, sdk.InvalidArgument("G(r) needs the sites' neighbours and the data's model declares no %s lattice (lattice: %s): set G=0 to measure its energy and order parameter alone", sdk.LatticeHypercubic, lat)
		}
		c, err := NewCorrelator(q.L, q.D, req.StateSpace)
		if err != nil {
			return nil, sdk.InvalidArgument("G(r): %v", err)
		}
		q.corr = c
	}
	var err error
	if q.data, q.n, err = q.measures(req, ""); err != nil {
		return nil, err
	}
	if !q.wantG && q.data.Energy == nil && q.data.M == nil {
		return nil, sdk.InvalidArgument("nothing to measure: give the model's observables (data/observables/energy, data/observables/magnetization) or set G=1")
	}
	gt, _ := sdk.FindTensor(req.Data, "group")
	if q.labels, err = input.Labels(gt, q.n); err != nil {
		return nil, err
	}
	if tt, ok := sdk.FindTensor(req.Data, "thermometer"); ok {
		if q.thermo, err = input.Labels(tt, q.n); err != nil {
			return nil, err
		}
	}
	if err := q.readReference(req); err != nil {
		return nil, err
	}
	et, hasET := sdk.FindTensor(req.Data, "exact/T")
	ee, hasEE := sdk.FindTensor(req.Data, "exact/energy")
	if hasET != hasEE {
		return nil, sdk.InvalidArgument("data/exact/T and data/exact/energy go together: give both or neither")
	}
	if hasET {
		// An exact energy curve goes on past its hottest point towards
		// T → ∞: an energy beyond it (a random-weight flow's, about 0)
		// implies T = +Inf, hotter than every temperature of the curve.
		c := &Curve{ToInfinity: true}
		if c.T, err = input.Floats(et); err != nil {
			return nil, err
		}
		if c.Value, err = input.Labels(ee, len(c.T)); err != nil {
			return nil, err
		}
		if len(c.T) < 2 || !slices.IsSorted(c.T) {
			return nil, sdk.InvalidArgument("data/exact/T: want two or more ascending temperatures")
		}
		q.exactE = c
	}
	return q, nil
}

func (q *request) readReference(req sdk.AnalyzeRequest) error {
	_, hasRC := sdk.FindTensor(req.Data, "reference/configs")
	rt, hasRT := sdk.FindTensor(req.Data, "reference/T")
	if hasRC != hasRT {
		return sdk.InvalidArgument("data/reference/configs and data/reference/T go together: give both or neither")
	}
	if !hasRC {
		return nil
	}
	rms, m, err := q.measures(req, "reference/")
	if err != nil {
		return fmt.Errorf("reference: %w", err)
	}
	rT, err := input.Labels(rt, m)
	if err != nil {
		return err
	}
	if q.ref, err = NewReference(rms, rT); err != nil {
		return sdk.InvalidArgument("reference: %v", err)
	}
	return nil
}

// configsIn returns the configurations in t (int8, [N, L^d] or [N, L, …,
// L], every value in states, or ±1 when no state space is known) and
// their number.
func configsIn(t sdk.Tensor, L, d int, states []int8) ([]int8, int, error) {
	c, ok := t.Data.([]int8)
	if !ok {
		return nil, 0, sdk.InvalidArgument("configurations %s are %T, want int8", t.Name, t.Data)
	}
	sites := sdk.LatticeSites(L, d)
	lattice := len(t.Shape) == d+1
	for _, l := range t.Shape[min(1, len(t.Shape)):] {
		lattice = lattice && l == L
	}
	if !(len(t.Shape) == 2 && t.Shape[1] == sites) && !lattice {
		return nil, 0, sdk.InvalidArgument("configurations %s have shape %v; the %s wants [N, %d] (a dataset of another lattice?)", t.Name, t.Shape, sdk.Lattice(L, d), sites)
	}
	if len(states) == 0 {
		states = []int8{-1, 1}
	}
	var allowed [256]bool
	for _, s := range states {
		allowed[uint8(s)] = true
	}
	for i, s := range c {
		if !allowed[uint8(s)] {
			return nil, 0, sdk.InvalidArgument("configurations %s: site %d of configuration %d is %d, not in the state space %v", t.Name, i%sites, i/sites, s, states)
		}
	}
	return c, t.Shape[0], nil
}

// Analyze implements sdk.Analyzer.
func (*Analyzer) Analyze(ctx context.Context, req sdk.AnalyzeRequest) (sdk.Analysis, error) {
	q, err := read(req)
	if err != nil {
		return sdk.Analysis{}, err
	}
	groups, members := input.Groups(q.labels)
	R := q.L / 2
	ng := len(groups)
	cols := map[string][]float64{}
	col := func(name string) []float64 {
		if c, ok := cols[name]; ok {
			return c
		}
		c := make([]float64, ng)
		cols[name] = c
		return c
	}
	var G, GErr, Gc, GcErr []float64
	if q.corr != nil {
		G, GErr, Gc, GcErr = make([]float64, ng*(R+1)), make([]float64, ng*(R+1)), make([]float64, ng*(R+1)), make([]float64, ng*(R+1))
	}
	chiName := "chi"
	if !q.byT {
		chiName = "chi_times_T"
	}
	for g, idx := range members {
		if err := ctx.Err(); err != nil {
			return sdk.Analysis{}, err
		}
		st := q.data.Stats(idx)
		col("n")[g] = float64(st.N)
		if st.HasEnergy {
			col("energy")[g], col("energy_err")[g] = st.Energy, st.EnergyErr
			if q.byT {
				col("specific_heat")[g], col("specific_heat_err")[g] = SpecificHeat(sub(q.data.Energy, idx), sdk.LatticeSites(q.L, q.data.D), groups[g])
			}
			switch {
			case q.exactE != nil:
				col("T_energy")[g], col("T_energy_err")[g] = q.exactE.Implied(st.Energy, st.EnergyErr)
			case q.ref != nil && q.ref.Energy.T != nil:
				col("T_energy")[g], col("T_energy_err")[g] = q.ref.Energy.Implied(st.Energy, st.EnergyErr)
			}
		}
		if st.HasM {
			col("abs_m")[g], col("abs_m_err")[g] = st.AbsM, st.AbsMErr
			col(chiName)[g], col(chiName + "_err")[g] = st.ChiT, st.ChiTErr
			if q.byT {
				// χ = N var(|m|)/T is undefined at T = 0.
				col(chiName)[g], col(chiName + "_err")[g] = math.NaN(), math.NaN()
				if T := groups[g]; T > 0 {
					col(chiName)[g], col(chiName + "_err")[g] = st.ChiT/T, st.ChiTErr/T
				}
			}
			col("binder")[g], col("binder_err")[g] = st.Binder, st.BinderErr
			if q.ref != nil && q.ref.AbsM.T != nil {
				col("T_abs_m")[g], col("T_abs_m_err")[g] = q.ref.AbsM.Implied(st.AbsM, st.AbsMErr)
			}
		}
		if st.HasG {
			col("xi")[g], col("xi_err")[g], col("xi_limit")[g] = st.Xi, st.XiErr, XiLimit(st.Xi, q.L)
			col("G_half")[g], col("G_half_err")[g] = st.G[R], st.GErr[R]
			copy(G[g*(R+1):], st.G)
			copy(GErr[g*(R+1):], st.GErr)
			copy(Gc[g*(R+1):], st.Gc)
			copy(GcErr[g*(R+1):], st.GcErr)
			if q.ref != nil && q.ref.GHalf.T != nil {
				col("T_G")[g], col("T_G_err")[g] = q.ref.GHalf.Implied(st.G[R], st.GErr[R])
			}
		}
		if q.thermo != nil {
			col("T_thermometer")[g], col("T_thermometer_err")[g] = meanSE(sub(q.thermo, idx))
		}
	}
	return q.answer(groups, cols, chiName, [4][]float64{G, GErr, Gc, GcErr}), nil
}

// answer lays the columns out as result tensors and figures.
func (q *request) answer(groups []float64, cols map[string][]float64, chiName string, gs [4][]float64) sdk.Analysis {
	R, ng := q.L/2, len(groups)
	xName, xLabel := "group", "T"
	if !q.byT {
		xLabel = "flow iteration"
	}
	a := sdk.Analysis{Results: []sdk.Tensor{vec(xName, groups)}}
	if q.corr != nil {
		r := make([]float64, R+1)
		for i := range r {
			r[i] = float64(i)
		}
		a.Results = append(a.Results, vec("r", r))
		for i, name := range []string{"G", "G_err", "Gc", "Gc_err"} {
			a.Results = append(a.Results, sdk.Tensor{Name: name, Shape: []int{ng, R + 1}, Data: gs[i]})
		}
	}
	for _, name := range []string{"n", "energy", "energy_err", "abs_m", "abs_m_err", chiName, chiName + "_err", "binder", "binder_err",
		"specific_heat", "specific_heat_err", "G_half", "G_half_err", "xi", "xi_err", "xi_limit", "T_energy", "T_energy_err", "T_abs_m", "T_abs_m_err", "T_G", "T_G_err", "T_thermometer", "T_thermometer_err"} {
		if c, ok := cols[name]; ok {
			a.Results = append(a.Results, vec(name, c))
		}
	}
	line := func(name, title, y string, series ...string) {
		f := sdk.Figure{Name: name, Kind: sdk.FigureLine, Title: title, X: xName, XLabel: xLabel, YLabel: y}
		for _, s := range series {
			if _, ok := cols[s]; ok {
				f.Series = append(f.Series, s)
				f.Errors = append(f.Errors, s+"_err")
			}
		}
		if len(f.Series) > 0 {
			a.Figures = append(a.Figures, f)
		}
	}
	line("energy", "energy per site (the model's)", "⟨e⟩", "energy")
	line("abs_m", "order parameter (the model's)", "⟨|m|⟩", "abs_m")
	line("chi", "susceptibility", chiName, chiName)
	line("binder", "Binder cumulant", "U", "binder")
	line("specific_heat", "specific heat per site, sites·var(e)/T² (jackknife errors)", "C", "specific_heat")
	line("xi", "correlation length (fit to G_c)", "ξ", "xi")
	if f := &a.Figures[len(a.Figures)-1]; f.Name == "xi" {
		f.Limits = []string{"xi_limit"} // ξ at the fit's bound is a limit, not a measurement
		f.LogY = true                   // from a fraction of a site to the bound, 100 L
	}
	line("implied_T", "temperatures implied by the observables (thermometer-free check)", "T",
		"T_energy", "T_abs_m", "T_G", "T_thermometer")
	if q.corr != nil {
		// G(r) as one line per group: a 1-D series each.
		gf := sdk.Figure{Name: "G", Kind: sdk.FigureLine, Title: "correlation G(r), not connected (G_c, connected, is in the data as Gc)", X: "r", XLabel: "r", YLabel: "G(r)"}
		for g, v := range groups {
			name := fmt.Sprintf("G@%s=%g", xLabelShort(q.byT), v)
			a.Results = append(a.Results, vec(name, gs[0][g*(R+1):(g+1)*(R+1)]), vec(name+"_err", gs[1][g*(R+1):(g+1)*(R+1)]))
			gf.Series = append(gf.Series, name)
			gf.Errors = append(gf.Errors, name+"_err")
		}
		a.Figures = append(a.Figures, gf)
	}
	if ref := q.ref; ref != nil {
		a.Results = append(a.Results, vec("reference_T", ref.T))
		for _, c := range []struct {
			name  string
			curve Curve
		}{{"reference_abs_m", ref.AbsM}, {"reference_G_half", ref.GHalf}, {"reference_energy", ref.Energy}} {
			if c.curve.T != nil {
				a.Results = append(a.Results, vec(c.name, c.curve.Value), vec(c.name+"_err", c.curve.Err))
			}
		}
	}
	return a
}

func xLabelShort(byT bool) string {
	if byT {
		return "T"
	}
	return "iteration"
}

// Reference holds Monte Carlo equilibrium curves at one L, each with its
// errors, where its measure was given: the model's energy, ⟨|m|⟩ of its
// order parameter and G(L/2).
type Reference struct {
	T                   []float64
	Energy, AbsM, GHalf Curve
}

// NewReference computes the reference curves from measured configurations
// with temperature labels; it needs at least two temperatures.
func NewReference(ms Measures, temps []float64) (*Reference, error) {
	Ts, members := input.Groups(temps)
	if len(Ts) < 2 {
		return nil, fmt.Errorf("a reference curve needs configurations at two or more temperatures, got %v", Ts)
	}
	ref := &Reference{T: Ts}
	mk := func(c *Curve) {
		c.T = Ts
		c.Value, c.Err = make([]float64, len(Ts)), make([]float64, len(Ts))
	}
	if ms.Energy != nil {
		mk(&ref.Energy)
	}
	if ms.M != nil {
		mk(&ref.AbsM)
	}
	if ms.G != nil {
		mk(&ref.GHalf)
	}
	R := ms.L / 2
	for g, idx := range members {
		st := ms.Stats(idx)
		if st.HasEnergy {
			ref.Energy.Value[g], ref.Energy.Err[g] = st.Energy, st.EnergyErr
		}
		if st.HasM {
			ref.AbsM.Value[g], ref.AbsM.Err[g] = st.AbsM, st.AbsMErr
		}
		if st.HasG {
			ref.GHalf.Value[g], ref.GHalf.Err[g] = st.G[R], st.GErr[R]
		}
	}
	return ref, nil
}
