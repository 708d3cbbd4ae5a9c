package fixedpoint

import (
	"context"
	"math"
	"slices"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/input"
)

// Version of the fixedpoint analyzer.
const Version = "1.3.1"

// Parameters.
const (
	// ParamNu is ν of the fit T*(L) = T*(∞) + a·L^(−1/ν).
	ParamNu = "nu"
	// ParamFixedHidden is the N_h of the networks of one fixed size at
	// every L; the others are classed by their ratio N_h/N_v.
	ParamFixedHidden = "fixed_hidden"
	// ParamReferenceT is a temperature drawn beside T*(L) (the infinite
	// lattice's T_c, which the analyzer does not know); 0 draws none.
	ParamReferenceT = "reference_T"
	// ParamBetaOverNu and ParamEta are the exponents the scaled forms
	// ⟨|m|⟩·L^{β/ν} and G(L/2)·L^{d−2+η} use: the 2D Ising class's by
	// default; another universality class (the 3D Ising model's, say)
	// gives its own, or those two columns and the plane figure are scaled
	// wrongly (T*(L) does not depend on them).
	ParamBetaOverNu = "beta_over_nu"
	ParamEta        = "eta"
)

// Observables whose fixed-point value implies a temperature, in the order
// of every per-observable result.
var observables = []string{"energy", "abs_m", "binder", "G_half"}

// Analyzer is the fixedpoint analyzer.
type Analyzer struct{}

// New returns the analyzer.
func New() *Analyzer { return &Analyzer{} }

var inputs = []sdk.AnalyzerInput{
	{Name: "data/analyses/index", Doc: "the earlier analysis (0 … k−1) each row comes from, [N]", Required: true},
	{Name: "data/analyses/group", Doc: "each row's temperature (an equilibrium analysis) or flow iteration (a flow's), [N]", Required: true},
	{Name: "data/analyses/energy", Doc: "energy per site, [N]", Required: true},
	{Name: "data/analyses/energy_err", Doc: "its error, [N]", Required: true},
	{Name: "data/analyses/abs_m", Doc: "⟨|m|⟩, [N]", Required: true},
	{Name: "data/analyses/abs_m_err", Doc: "its error, [N]", Required: true},
	{Name: "data/analyses/binder", Doc: "Binder cumulant U4, [N]", Required: true},
	{Name: "data/analyses/binder_err", Doc: "its error, [N]", Required: true},
	{Name: "data/analyses/G_half", Doc: "G(L/2), [N] (NaN: not measured)"},
	{Name: "data/analyses/G_half_err", Doc: "its error, [N]"},
	{Name: "data/analyses/specific_heat", Doc: "specific heat per site of equilibrium rows, [N] (NaN for flow rows)"},
	{Name: "data/analyses/specific_heat_err", Doc: "its error, [N]"},
	{Name: "data/analyses/lineage/L", Doc: "each analysis's lattice size L, [k]", Required: true},
	{Name: "data/analyses/lineage/by_iteration", Doc: "1 for an analysis of a flow (rows are iterations), 0 for one of equilibrium data (rows are temperatures), [k]", Required: true},
	{Name: "data/analyses/lineage/flow/rbm/hidden", Doc: "N_h of the RBM of each analysed flow (NaN for equilibrium data), [k]"},
	{Name: "data/analyses/lineage/flow/rbm/seed", Doc: "the training seed of that RBM, [k]"},
}

// Describe implements sdk.Analyzer.
func (*Analyzer) Describe(context.Context) (sdk.AnalyzerDescription, error) {
	return sdk.AnalyzerDescription{
		Info: sdk.Info{Name: "fixedpoint", Version: Version, Doc: "the fixed point of RBM flows at several lattice sizes, " +
			"without a thermometer: per L and network the flows' last-iteration energy, ⟨|m|⟩, U4, ⟨|m|⟩L^{β/ν} and G(L/2)L^{d−2+η} " +
			"and the temperature each implies on that L's equilibrium curve; T_c(L) from the specific-heat peak and the Binder " +
			"crossings; T*(L) per observable with errors over flows and seeds; the fit T*(L) = T*(∞) + a·L^(−1/ν)"},
		Parameters: []sdk.ParamSpec{
			{Name: ParamNu, Kind: sdk.Float, Default: 1, HasMin: true, Min: 0.01, HasMax: true, Max: 100, Doc: "ν of the fit T*(L) = T*(∞) + a·L^(−1/ν)"},
			{Name: ParamReferenceT, Kind: sdk.Float, Default: 0, HasMin: true, Min: 0, HasMax: true, Max: 1e6, Doc: "a temperature drawn as T_ref beside T*(L), e.g. the infinite lattice's T_c (0: none)"},
			{Name: ParamBetaOverNu, Kind: sdk.Float, Default: 0.125, HasMin: true, Min: 0, HasMax: true, Max: 10, Doc: "β/ν of the scaled form ⟨|m|⟩·L^{β/ν} (default: the 2D Ising class's 1/8)"},
			{Name: ParamEta, Kind: sdk.Float, Default: 0.25, HasMin: true, Min: -1, HasMax: true, Max: 10, Doc: "η of the scaled form G(L/2)·L^{d−2+η} (default: the 2D Ising class's 1/4)"},
			{Name: ParamFixedHidden, Kind: sdk.Int, Default: 16, HasMin: true, Min: 1, HasMax: true, Max: 1 << 20, Doc: "N_h of the networks of one size at every L (others are classed by N_h/N_v)"},
		},
		Inputs: inputs,
	}, nil
}

// Analyze implements sdk.Analyzer.
func (a *Analyzer) Analyze(ctx context.Context, req sdk.AnalyzeRequest) (sdk.Analysis, error) {
	d, err := a.Describe(ctx)
	if err != nil {
		return sdk.Analysis{}, err
	}
	if req, err = d.ValidateAnalyze(req); err != nil {
		return sdk.Analysis{}, err
	}
	in, err := read(req)
	if err != nil {
		return sdk.Analysis{}, err
	}
	ex := exponents{nu: req.Params[ParamNu], betaNu: req.Params[ParamBetaOverNu], eta: req.Params[ParamEta]}
	st, err := study(in, ex, req.Params[ParamReferenceT], int(req.Params[ParamFixedHidden]), sdk.Dim(req.Dimension))
	if err != nil {
		return sdk.Analysis{}, err
	}
	return st.answer(), nil
}

// table holds the rows of every input analysis.
type table struct {
	n, k    int
	index   []int
	cols    map[string][]float64
	lineage map[string][]float64
	maxL    int
	rowsOf  [][]int // rows of each input, in row order
}

func read(req sdk.AnalyzeRequest) (*table, error) {
	t := &table{cols: map[string][]float64{}, lineage: map[string][]float64{}}
	get := func(name string) ([]float64, bool, error) {
		x, ok := sdk.FindTensor(req.Data, name)
		if !ok {
			return nil, false, nil
		}
		v, err := input.Floats(x)
		if err != nil || len(x.Shape) != 1 {
			return nil, false, sdk.InvalidArgument("data/%s: want a 1-D series of numbers, got shape %v", name, x.Shape)
		}
		return v, true, nil
	}
	idx, _, err := get("analyses/index")
	if err != nil {
		return nil, err
	}
	t.n = len(idx)
	for _, v := range idx {
		if v < 0 || v != math.Trunc(v) || v > 1e6 {
			return nil, sdk.InvalidArgument("data/analyses/index: %v is not an input number", v)
		}
		t.index = append(t.index, int(v))
		t.k = max(t.k, int(v)+1)
	}
	for _, in := range inputs {
		name := in.Name[len("data/"):]
		v, ok, err := get(name)
		if err != nil || !ok {
			if err != nil {
				return nil, err
			}
			continue
		}
		want, where := t.n, t.cols
		if lin, isLin := cutLineage(name); isLin {
			want, where, name = t.k, t.lineage, lin
		} else {
			name = name[len("analyses/"):]
		}
		if len(v) != want {
			return nil, sdk.InvalidArgument("data/%s has %d elements, want %d", in.Name[len("data/"):], len(v), want)
		}
		where[name] = v
	}
	t.rowsOf = make([][]int, t.k)
	for r, k := range t.index {
		t.rowsOf[k] = append(t.rowsOf[k], r)
	}
	for k, rows := range t.rowsOf {
		if len(rows) == 0 {
			return nil, sdk.InvalidArgument("input analysis %d has no rows", k)
		}
		L := t.lineage["L"][k]
		if !(L >= 2) || L != math.Trunc(L) {
			return nil, sdk.InvalidArgument("input analysis %d: lattice size %v", k, L)
		}
		t.maxL = max(t.maxL, int(L))
	}
	if req.Size != t.maxL {
		return nil, sdk.InvalidArgument("lattice size %d: the inputs' largest L is %d", req.Size, t.maxL)
	}
	return t, nil
}

func cutLineage(name string) (string, bool) {
	const p = "analyses/lineage/"
	if len(name) > len(p) && name[:len(p)] == p {
		return name[len(p):], true
	}
	return "", false
}

// col returns column name at the rows given (NaN where absent).
func (t *table) col(name string, rows []int) []float64 {
	c := t.cols[name]
	out := make([]float64, len(rows))
	for i, r := range rows {
		out[i] = math.NaN()
		if c != nil {
			out[i] = c[r]
		}
	}
	return out
}

func (t *table) lin(name string, k int) float64 {
	if v, ok := t.lineage[name]; ok {
		return v[k]
	}
	return math.NaN()
}

// sortedRows returns the rows of input k ordered by group.
func (t *table) sortedRows(k int) []int {
	rows := slices.Clone(t.rowsOf[k])
	g := t.cols["group"]
	slices.SortStableFunc(rows, func(a, b int) int {
		switch {
		case g[a] < g[b]:
			return -1
		case g[a] > g[b]:
			return 1
		}
		return 0
	})
	return rows
}
