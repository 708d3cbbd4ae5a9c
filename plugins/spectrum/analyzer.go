package spectrum

import (
	"context"
	"math"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/input"
)

// Version is the analyzer's version, reported by Describe.
const Version = "1.0.0"

// ParamReferenceT names the temperature whose ⟨vᵀWWᵀv⟩ Fig. 14 subtracts.
const ParamReferenceT = "reference_T"

// Analyzer is the spectrum analyzer plugin.
type Analyzer struct{}

// New returns the analyzer.
func New() *Analyzer { return &Analyzer{} }

var _ sdk.Analyzer = (*Analyzer)(nil)

// Describe implements sdk.Analyzer.
func (*Analyzer) Describe(context.Context) (sdk.AnalyzerDescription, error) {
	return sdk.AnalyzerDescription{
		Info: sdk.Info{Name: "spectrum", Version: Version, Doc: "WWᵀ of an RBM: element map (Fig. 12), off-diagonal decay (Fig. 13), " +
			"⟨vᵀWWᵀv⟩ per temperature (Figs. 14–15), eigenvalues and singular values (Figs. 16–17)"},
		Learners: []string{"rbm"},
		Parameters: []sdk.ParamSpec{{
			Name: ParamReferenceT, Doc: "temperature whose ⟨vᵀWWᵀv⟩ is subtracted (Fig. 14); must be one of data/T",
			Kind: sdk.Float, Default: 6, HasMin: true, Unit: "J/k_B",
		}},
		Inputs: []sdk.AnalyzerInput{
			{Name: "weights/W", Doc: "the RBM's weights, float32 or float64 [L^d, N_h] (L² on the square lattice), or a categorical RBM's " +
				"[L^d, q, N_h] (analysed as the L^d × q·N_h matrix of the weights centred over the q states)", Required: true},
			{Name: "data/configs", Doc: "configurations v, int8 ±1 [N, L^d] or [N, L, …, L], for ⟨vᵀWWᵀv⟩ (needs data/T)"},
			{Name: "data/T", Doc: "temperature of each configuration, [N] (needs data/configs)"},
		},
	}, nil
}

// axisNames name the lattice axes in x-major order (the decay_x, decay_y,
// decay_z results).
var axisNames = [sdk.MaxDimension]string{"x", "y", "z"}

func decayLabel(d int) string {
	switch d {
	case 1:
		return "r (lattice spacings)"
	case 2:
		return "r (lattice spacings, mean of x and y)"
	}
	return "r (lattice spacings, mean of x, y and z)"
}

// weightMatrix returns W as an N_v-row matrix: a ±1 or spin-1 RBM's W
// [N_v, N_h] as it is; a categorical RBM's W [N_v, q, N_h] as the N_v ×
// q·N_h matrix W̃_i,(k,a) = W_iak − (1/q) Σ_l W_ial. Centring removes the
// gauge c_ia that a softmax over the q states never sees (adding c_ia to
// every W_iak leaves each p(v_i = k | h) unchanged), so that WWᵀ_ij =
// Σ_k Σ_a W̃_iak W̃_jak depends on the model only, and keeps one row per
// site so that the decay along the lattice is read as for ±1 units.
func weightMatrix(t sdk.Tensor, nv int) (w []float64, rows, cols int, err error) {
	if len(t.Shape) != 3 {
		return input.Matrix(t, nv, "weights")
	}
	if t.Shape[0] != nv || t.Shape[1] < 2 || t.Shape[2] < 1 {
		return nil, 0, 0, sdk.InvalidArgument("weights %s has shape %v, want [%d, q ≥ 2, N_h] (categorical) or [%d, N_h]", t.Name, t.Shape, nv, nv)
	}
	raw, err := input.Floats(t)
	if err != nil {
		return nil, 0, 0, err
	}
	q, nh := t.Shape[1], t.Shape[2]
	if len(raw) != nv*q*nh {
		return nil, 0, 0, sdk.InvalidArgument("weights %s holds %d values for shape %v", t.Name, len(raw), t.Shape)
	}
	w = make([]float64, len(raw))
	for i := 0; i < nv; i++ {
		for a := 0; a < nh; a++ {
			mean := 0.0
			for k := 0; k < q; k++ {
				mean += raw[(i*q+k)*nh+a]
			}
			mean /= float64(q)
			for k := 0; k < q; k++ {
				w[(i*q+k)*nh+a] = raw[(i*q+k)*nh+a] - mean
			}
		}
	}
	return w, nv, q * nh, nil
}

func vec(name string, v []float64) sdk.Tensor {
	return sdk.Tensor{Name: name, Shape: []int{len(v)}, Data: v}
}

func index(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(i + 1)
	}
	return out
}

// Analyze implements sdk.Analyzer.
func (*Analyzer) Analyze(ctx context.Context, req sdk.AnalyzeRequest) (sdk.Analysis, error) {
	L, d := req.Size, sdk.Dim(req.Dimension)
	wt, _ := sdk.FindTensor(req.Weights, "W")
	w, nv, nh, err := weightMatrix(wt, req.Sites())
	if err != nil {
		return sdk.Analysis{}, err
	}
	cT, hasC := sdk.FindTensor(req.Data, "configs")
	tT, hasT := sdk.FindTensor(req.Data, "T")
	if hasC != hasT {
		return sdk.Analysis{}, sdk.InvalidArgument("data/configs and data/T go together: give both or neither")
	}
	if hasC && len(wt.Shape) == 3 {
		return sdk.Analysis{}, sdk.InvalidArgument("⟨vᵀWWᵀv⟩ is defined for ±1 visible units, and W %v is a categorical RBM's: analyse its weights without data", wt.Shape)
	}
	var configs []int8
	var temps []float64
	if hasC {
		var n int
		if configs, n, err = input.LatticeConfigs(cT, L, d); err != nil {
			return sdk.Analysis{}, err
		}
		if temps, err = input.Labels(tT, n); err != nil {
			return sdk.Analysis{}, err
		}
	}
	s, err := Compute(w, nv, nh)
	if err != nil {
		return sdk.Analysis{}, err
	}
	if err := ctx.Err(); err != nil {
		return sdk.Analysis{}, err
	}
	axes, dm, err := s.DecayAxes(L, d)
	if err != nil {
		return sdk.Analysis{}, err
	}
	r := make([]float64, len(dm))
	for i := range r {
		r[i] = float64(i)
	}
	a := sdk.Analysis{
		Results: []sdk.Tensor{
			{Name: "WWT", Shape: []int{nv, nv}, Data: s.WWT},
			vec("eigen_index", index(nv)),
			vec("eigenvalues", s.Eigenvalues),
			{Name: "eigenvectors", Shape: []int{nv, nv}, Data: s.Eigenvectors},
			vec("singular_index", index(len(s.Singular))),
			vec("singular_values", s.Singular),
			vec("r", r), vec("decay", dm),
		},
		Figures: []sdk.Figure{
			{Name: "wwt", Kind: sdk.FigureHeatmap, Title: "WWᵀ (Fig. 12)", XLabel: "j", YLabel: "i", Series: []string{"WWT"}},
			{Name: "decay", Kind: sdk.FigureLine, Title: "off-diagonal decay of WWᵀ (Fig. 13)", X: "r",
				XLabel: decayLabel(d), YLabel: "(WWᵀ)_ij / √((WWᵀ)_ii (WWᵀ)_jj)", Series: []string{"decay"}},
			{Name: "eigenvalues", Kind: sdk.FigureLine, Title: "eigenvalues of WWᵀ (Figs. 16–17)", X: "eigen_index",
				XLabel: "index a", YLabel: "λ_a", LogY: true, Series: []string{"eigenvalues"}},
			{Name: "singular", Kind: sdk.FigureLine, Title: "singular values of W", X: "singular_index",
				XLabel: "index a", YLabel: "σ_a", LogY: true, Series: []string{"singular_values"}},
		},
	}
	for i, dr := range axes {
		a.Results = append(a.Results, vec("decay_"+axisNames[i], dr))
	}
	if hasC {
		ref := req.Params[ParamReferenceT]
		Ts, mean, se, err := PerTemperature(w, nv, nh, configs, temps)
		if err != nil {
			return sdk.Analysis{}, err
		}
		k := -1
		for i, T := range Ts {
			if T == ref {
				k = i
			}
		}
		if k < 0 {
			return sdk.Analysis{}, sdk.InvalidArgument("reference_T = %g is not among the temperatures of data/T %v", ref, Ts)
		}
		diff, diffErr := make([]float64, len(Ts)), make([]float64, len(Ts))
		for i := range Ts {
			diff[i] = mean[i] - mean[k]
			if i != k {
				diffErr[i] = math.Hypot(se[i], se[k])
			}
		}
		a.Results = append(a.Results, vec("T", Ts), vec("vWWv", mean), vec("vWWv_err", se),
			vec("vWWv_minus_ref", diff), vec("vWWv_minus_ref_err", diffErr))
		a.Figures = append(a.Figures,
			sdk.Figure{Name: "vwwv_minus_ref", Kind: sdk.FigureLine, Title: "⟨vᵀWWᵀv⟩ − its value at the reference T (Fig. 14)", X: "T",
				XLabel: "T", YLabel: "⟨vᵀWWᵀv⟩(T) − ⟨vᵀWWᵀv⟩(T_ref)", Series: []string{"vWWv_minus_ref"}, Errors: []string{"vWWv_minus_ref_err"}},
			sdk.Figure{Name: "vwwv", Kind: sdk.FigureLine, Title: "⟨vᵀWWᵀv⟩ (Fig. 15)", X: "T",
				XLabel: "T", YLabel: "⟨vᵀWWᵀv⟩", Series: []string{"vWWv"}, Errors: []string{"vWWv_err"}})
	}
	return a, nil
}

// PerTemperature returns the distinct temperatures (ascending) and, at
// each, the mean of vᵀWWᵀv over its configurations with the standard
// error of the mean (0 for a single configuration).
func PerTemperature(w []float64, nv, nh int, configs []int8, temps []float64) (Ts, mean, se []float64, err error) {
	q := Quadratic(w, nv, nh, configs)
	Ts, members := input.Groups(temps)
	mean, se = make([]float64, len(Ts)), make([]float64, len(Ts))
	for g, idx := range members {
		m, s := meanSE(q, idx)
		mean[g], se[g] = m, s
	}
	return Ts, mean, se, nil
}

func meanSE(x []float64, idx []int) (mean, se float64) {
	n := float64(len(idx))
	for _, i := range idx {
		mean += x[i]
	}
	mean /= n
	if len(idx) < 2 {
		return mean, 0
	}
	var ss float64
	for _, i := range idx {
		d := x[i] - mean
		ss += d * d
	}
	return mean, math.Sqrt(ss / (n - 1) / n)
}
