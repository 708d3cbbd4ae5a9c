package correlations

import (
	"context"
	"fmt"
	"math"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/input"
)

// Version is the analyzer's version, reported by Describe.
const Version = "1.0.0"

// ParamByIteration, when 1, says data/group holds flow iterations rather
// than temperatures.
const ParamByIteration = "by_iteration"

// Analyzer is the correlations analyzer plugin.
type Analyzer struct{}

// New returns the analyzer.
func New() *Analyzer { return &Analyzer{} }

var _ sdk.Analyzer = (*Analyzer)(nil)

// Describe implements sdk.Analyzer.
func (*Analyzer) Describe(context.Context) (sdk.AnalyzerDescription, error) {
	return sdk.AnalyzerDescription{
		Info: sdk.Info{Name: "correlations", Version: Version, Doc: "energy, ⟨|m|⟩, susceptibility, Binder cumulant, G(r) and correlation " +
			"length of ±1 configurations per temperature or flow iteration, and the temperatures they imply " +
			"(exact energy curve; Monte Carlo reference for ⟨|m|⟩ and G(L/2))"},
		Parameters: []sdk.ParamSpec{{
			Name: ParamByIteration, Doc: "1: data/group holds a flow's iterations; 0: a dataset's temperatures (χ then divides by them)",
			Kind: sdk.Bool, Default: 0, HasMin: true, HasMax: true, Max: 1,
		}},
		Inputs: []sdk.AnalyzerInput{
			{Name: "data/configs", Doc: "configurations, int8 ±1 [N, L²] or [N, L, L]", Required: true},
			{Name: "data/group", Doc: "the group of each configuration (its T or flow iteration), [N]", Required: true},
			{Name: "data/reference/configs", Doc: "Monte Carlo equilibrium configurations at the same L, [M, L²] (needs data/reference/T)"},
			{Name: "data/reference/T", Doc: "temperature of each reference configuration, [M]"},
			{Name: "data/thermometer", Doc: "a thermometer's reading of each configuration, [N], averaged per group beside the implied temperatures"},
		},
	}, nil
}

func vec(name string, v []float64) sdk.Tensor {
	return sdk.Tensor{Name: name, Shape: []int{len(v)}, Data: v}
}

// Analyze implements sdk.Analyzer.
func (*Analyzer) Analyze(ctx context.Context, req sdk.AnalyzeRequest) (sdk.Analysis, error) {
	L := req.Size
	if L < 2 {
		return sdk.Analysis{}, sdk.InvalidArgument("lattice size L = %d: correlations need L ≥ 2", L)
	}
	byT := req.Params[ParamByIteration] == 0
	ct, _ := sdk.FindTensor(req.Data, "configs")
	configs, n, err := input.Configs(ct, L)
	if err != nil {
		return sdk.Analysis{}, err
	}
	gt, _ := sdk.FindTensor(req.Data, "group")
	labels, err := input.Labels(gt, n)
	if err != nil {
		return sdk.Analysis{}, err
	}
	var thermo []float64
	if tt, ok := sdk.FindTensor(req.Data, "thermometer"); ok {
		if thermo, err = input.Labels(tt, n); err != nil {
			return sdk.Analysis{}, err
		}
	}
	rc, hasRC := sdk.FindTensor(req.Data, "reference/configs")
	rt, hasRT := sdk.FindTensor(req.Data, "reference/T")
	if hasRC != hasRT {
		return sdk.Analysis{}, sdk.InvalidArgument("data/reference/configs and data/reference/T go together: give both or neither")
	}
	var ref *Reference
	if hasRC {
		rconf, m, err := input.Configs(rc, L)
		if err != nil {
			return sdk.Analysis{}, fmt.Errorf("reference: %w", err)
		}
		rT, err := input.Labels(rt, m)
		if err != nil {
			return sdk.Analysis{}, err
		}
		if ref, err = NewReference(rconf, L, rT); err != nil {
			return sdk.Analysis{}, sdk.InvalidArgument("reference: %v", err)
		}
	}
	exactE, err := ExactEnergy(L)
	if err != nil {
		return sdk.Analysis{}, err
	}
	groups, members := input.Groups(labels)
	nx, ny := neighbours(L)
	R := L / 2
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
	G, GErr, Gc, GcErr := make([]float64, ng*(R+1)), make([]float64, ng*(R+1)), make([]float64, ng*(R+1)), make([]float64, ng*(R+1))
	chiName := "chi"
	if !byT {
		chiName = "chi_times_T"
	}
	for g, idx := range members {
		if err := ctx.Err(); err != nil {
			return sdk.Analysis{}, err
		}
		st := computeWith(configs, L, idx, nx, ny)
		col("n")[g] = float64(st.N)
		col("energy")[g], col("energy_err")[g] = st.Energy, st.EnergyErr
		col("abs_m")[g], col("abs_m_err")[g] = st.AbsM, st.AbsMErr
		col(chiName)[g], col(chiName + "_err")[g] = st.ChiT, st.ChiTErr
		if byT {
			// χ = N var(|m|)/T is undefined at T = 0.
			col(chiName)[g], col(chiName + "_err")[g] = math.NaN(), math.NaN()
			if T := groups[g]; T > 0 {
				col(chiName)[g], col(chiName + "_err")[g] = st.ChiT/T, st.ChiTErr/T
			}
		}
		col("binder")[g], col("binder_err")[g] = st.Binder, st.BinderErr
		col("xi")[g], col("xi_err")[g], col("xi_limit")[g] = st.Xi, st.XiErr, XiLimit(st.Xi, L)
		copy(G[g*(R+1):], st.G)
		copy(GErr[g*(R+1):], st.GErr)
		copy(Gc[g*(R+1):], st.Gc)
		copy(GcErr[g*(R+1):], st.GcErr)
		col("T_energy")[g], col("T_energy_err")[g] = exactE.Implied(st.Energy, st.EnergyErr)
		if ref != nil {
			col("T_abs_m")[g], col("T_abs_m_err")[g] = ref.AbsM.Implied(st.AbsM, st.AbsMErr)
			col("T_G")[g], col("T_G_err")[g] = ref.GHalf.Implied(st.G[R], st.GErr[R])
		}
		if thermo != nil {
			sub := make([]float64, len(idx))
			for k, i := range idx {
				sub[k] = thermo[i]
			}
			col("T_thermometer")[g], col("T_thermometer_err")[g] = meanSE(sub)
		}
	}
	r := make([]float64, R+1)
	for i := range r {
		r[i] = float64(i)
	}
	xName, xLabel := "group", "T"
	if !byT {
		xLabel = "flow iteration"
	}
	a := sdk.Analysis{Results: []sdk.Tensor{vec(xName, groups), vec("r", r),
		{Name: "G", Shape: []int{ng, R + 1}, Data: G}, {Name: "G_err", Shape: []int{ng, R + 1}, Data: GErr},
		{Name: "Gc", Shape: []int{ng, R + 1}, Data: Gc}, {Name: "Gc_err", Shape: []int{ng, R + 1}, Data: GcErr},
	}}
	for _, name := range []string{"n", "energy", "energy_err", "abs_m", "abs_m_err", chiName, chiName + "_err", "binder", "binder_err",
		"xi", "xi_err", "xi_limit", "T_energy", "T_energy_err", "T_abs_m", "T_abs_m_err", "T_G", "T_G_err", "T_thermometer", "T_thermometer_err"} {
		if c, ok := cols[name]; ok {
			a.Results = append(a.Results, vec(name, c))
		}
	}
	line := func(name, title, y string, series ...string) sdk.Figure {
		f := sdk.Figure{Name: name, Kind: sdk.FigureLine, Title: title, X: xName, XLabel: xLabel, YLabel: y}
		for _, s := range series {
			if _, ok := cols[s]; ok {
				f.Series = append(f.Series, s)
				f.Errors = append(f.Errors, s+"_err")
			}
		}
		return f
	}
	xi := line("xi", "correlation length (fit to G_c)", "ξ", "xi")
	xi.Limits = []string{"xi_limit"} // ξ at the fit's bound is a limit, not a measurement
	xi.LogY = true                   // from a fraction of a site to the bound, 100 L
	a.Figures = append(a.Figures,
		line("energy", "energy per spin", "⟨e⟩", "energy"),
		line("abs_m", "magnetisation", "⟨|m|⟩", "abs_m"),
		line("chi", "susceptibility", chiName, chiName),
		line("binder", "Binder cumulant", "U", "binder"),
		xi,
		line("implied_T", "temperatures implied by the observables (thermometer-free check)", "T",
			"T_energy", "T_abs_m", "T_G", "T_thermometer"),
	)
	// G(r) as one line per group: a 1-D series each.
	gf := sdk.Figure{Name: "G", Kind: sdk.FigureLine, Title: "spin–spin correlation G(r)", X: "r", XLabel: "r", YLabel: "G(r)"}
	for g, v := range groups {
		name := fmt.Sprintf("G@%s=%g", xLabelShort(byT), v)
		a.Results = append(a.Results, vec(name, G[g*(R+1):(g+1)*(R+1)]), vec(name+"_err", GErr[g*(R+1):(g+1)*(R+1)]))
		gf.Series = append(gf.Series, name)
		gf.Errors = append(gf.Errors, name+"_err")
	}
	a.Figures = append(a.Figures, gf)
	if ref != nil {
		a.Results = append(a.Results, vec("reference_T", ref.AbsM.T), vec("reference_abs_m", ref.AbsM.Value),
			vec("reference_abs_m_err", ref.AbsM.Err), vec("reference_G_half", ref.GHalf.Value), vec("reference_G_half_err", ref.GHalf.Err))
	}
	return a, nil
}

func xLabelShort(byT bool) string {
	if byT {
		return "T"
	}
	return "iteration"
}

// Reference holds Monte Carlo equilibrium curves at one L: ⟨|m|⟩(T) and
// G(L/2)(T) with their errors.
type Reference struct {
	AbsM, GHalf Curve
}

// NewReference computes the reference curves from configurations with
// temperature labels; it needs at least two temperatures.
func NewReference(configs []int8, L int, temps []float64) (*Reference, error) {
	Ts, members := input.Groups(temps)
	if len(Ts) < 2 {
		return nil, fmt.Errorf("a reference curve needs configurations at two or more temperatures, got %v", Ts)
	}
	nx, ny := neighbours(L)
	ref := &Reference{}
	for _, c := range []*Curve{&ref.AbsM, &ref.GHalf} {
		c.T = Ts
		c.Value, c.Err = make([]float64, len(Ts)), make([]float64, len(Ts))
	}
	for g, idx := range members {
		st := computeWith(configs, L, idx, nx, ny)
		ref.AbsM.Value[g], ref.AbsM.Err[g] = st.AbsM, st.AbsMErr
		ref.GHalf.Value[g], ref.GHalf.Err[g] = st.G[L/2], st.GErr[L/2]
	}
	return ref, nil
}
