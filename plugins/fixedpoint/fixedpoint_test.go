package fixedpoint_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/framework/sdk/sdktest"
	"github.com/rgml/rgml/plugins/fixedpoint"
)

const tc = 2.269

// Synthetic curves of a size L: U4 of the scaling form the fss tests use
// (every L crosses at tc), ⟨|m|⟩ a smooth step, the specific heat peaked
// at tc + 0.5/L, a linear energy.
func binder(T, L float64) float64 { return (1 - math.Tanh((T-tc)*L/4)) / 3 }
func absM(T, L float64) float64   { return 1 / (1 + math.Exp((T-tc)*L/2)) }
func energy(T float64) float64    { return -2 + 0.5*T }
func cv(T, L float64) float64     { return 1 / (1 + math.Pow((T-tc-0.5/L)*10, 2)) }

// tStar is where the synthetic flows of a size end: 2.3 + 0.8/L, on the
// grid.
func tStar(L float64) float64 { return 2.3 + 0.8/L }

type builder struct {
	cols    map[string][]float64
	lineage map[string][]float64
	k       int
}

func (b *builder) row(group, e, m, u, c float64) {
	for name, v := range map[string]float64{"group": group, "energy": e, "abs_m": m, "binder": u, "G_half": m * m, "specific_heat": c} {
		b.cols[name] = append(b.cols[name], v)
		if name != "group" {
			b.cols[name+"_err"] = append(b.cols[name+"_err"], 0.001)
		}
	}
	b.cols["index"] = append(b.cols["index"], float64(b.k))
}

func (b *builder) input(L, byIt, hidden, seed float64) {
	for name, v := range map[string]float64{"L": L, "by_iteration": byIt, "flow/rbm/hidden": hidden, "flow/rbm/seed": seed} {
		b.lineage[name] = append(b.lineage[name], v)
	}
	b.k++
}

// request: equilibrium analyses at L = 8, 16, 32 (T = 2.0 … 2.6 by
// 0.025) and per L flows of two networks (N_h = 16, and N_h/N_v = 0.16)
// of three seeds from both ends, each ending where tStar says.
func request(Ls ...float64) sdk.AnalyzeRequest {
	b := &builder{cols: map[string][]float64{}, lineage: map[string][]float64{}}
	for _, L := range Ls {
		for i := 0; i <= 24; i++ {
			T := 2 + 0.025*float64(i)
			b.row(T, energy(T), absM(T, L), binder(T, L), cv(T, L))
		}
		b.input(L, 0, math.NaN(), math.NaN())
		for _, hidden := range []float64{16, math.Round(0.16 * L * L)} {
			for seed := 1.0; seed <= 3; seed++ {
				for _, start := range []float64{1, 6} {
					b.row(0, energy(start), absM(start, L), binder(start, L), math.NaN())
					T := tStar(L)
					b.row(100, energy(T), absM(T, L), binder(T, L), math.NaN())
					b.input(L, 1, hidden, seed)
				}
			}
		}
	}
	req := sdk.AnalyzeRequest{Size: int(Ls[len(Ls)-1]), Params: sdk.Params{}}
	for name, v := range b.cols {
		req.Data = append(req.Data, sdk.Tensor{Name: "analyses/" + name, Shape: []int{len(v)}, Data: v})
	}
	for name, v := range b.lineage {
		req.Data = append(req.Data, sdk.Tensor{Name: "analyses/lineage/" + name, Shape: []int{len(v)}, Data: v})
	}
	sortTensors(req.Data)
	return req
}

func sortTensors(ts []sdk.Tensor) {
	for i := range ts {
		for j := i + 1; j < len(ts); j++ {
			if ts[j].Name < ts[i].Name {
				ts[i], ts[j] = ts[j], ts[i]
			}
		}
	}
}

func TestConformanceInProcess(t *testing.T) {
	sdktest.TestAnalyzer(t, sdktest.InProcessAnalyzer(fixedpoint.New()), request(8, 16, 32))
}

func TestConformanceSubprocess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the plugin")
	}
	sdktest.TestAnalyzer(t, sdktest.SubprocessAnalyzer(sdktest.Build(t, "./cmd/rgml-plugin-fixedpoint")), request(8, 16, 32))
}

func result(t *testing.T, a sdk.Analysis, name string) []float64 {
	t.Helper()
	x, ok := sdk.FindTensor(a.Results, name)
	if !ok {
		t.Fatalf("no result %s", name)
	}
	return x.Data.([]float64)
}

// The flows end at T*(L) = 2.3 + 0.8/L on the curves of their L: every
// observable implies it (the curves are sampled where the flows end, so
// inverting them is exact), the fit gives T*(∞) = 2.3 and a = 0.8, the
// Binder crossings are at tc and the specific-heat peaks near
// tc + 0.5/L, all within what their construction allows.
func TestRecoversKnownFixedPoints(t *testing.T) {
	a, err := fixedpoint.New().Analyze(context.Background(), request(8, 16, 32))
	if err != nil {
		t.Fatal(err)
	}
	Ls := []float64{8, 16, 32}
	for _, class := range []string{"Nh=16", "r=0.16"} {
		for _, obs := range []string{"energy", "abs_m", "binder", "G_half"} {
			v := result(t, a, "T*_"+obs+"@"+class)
			n := result(t, a, "T*_"+obs+"@"+class+"_n")
			for i, L := range Ls {
				if math.Abs(v[i]-tStar(L)) > 1e-6 || n[i] != 6 {
					t.Errorf("%s %s L = %g: T* = %.6f from %g flows, want %.6f from 6", class, obs, L, v[i], n[i], tStar(L))
				}
			}
			f := result(t, a, "fit@T*_"+obs+"@"+class)
			if math.Abs(f[0]-2.3) > 1e-5 || math.Abs(f[2]-0.8) > 1e-4 {
				t.Errorf("%s %s: fit T(∞) = %.6f, a = %.6f; want 2.3, 0.8", class, obs, f[0], f[2])
			}
		}
	}
	ub := result(t, a, "Tc_binder")
	for i := range 2 {
		if math.Abs(ub[i]-tc) > 0.005 {
			t.Errorf("Binder crossing of L = %g and %g at %.4f, want %.3f", Ls[i], Ls[i+1], ub[i], tc)
		}
	}
	if !math.IsNaN(ub[2]) {
		t.Errorf("Binder crossing of the largest L with nothing: %v, want NaN", ub[2])
	}
	pk, pkErr := result(t, a, "Tc_cv"), result(t, a, "Tc_cv_err")
	for i, L := range Ls {
		if math.Abs(pk[i]-(tc+0.5/L)) > 0.0125 || !(pkErr[i] > 0) {
			t.Errorf("L = %g: specific-heat peak at %.4f ± %.4f, want %.4f within half a grid step", L, pk[i], pkErr[i], tc+0.5/L)
		}
	}
}

// A flow at a size without equilibrium data, and two equilibrium
// analyses at one size, are refused.
func TestRefusesIncompleteStudies(t *testing.T) {
	a := fixedpoint.New()
	ctx := context.Background()
	noEq := request(8, 16)
	for i, x := range noEq.Data {
		if x.Name == "analyses/lineage/by_iteration" {
			v := append([]float64{}, x.Data.([]float64)...)
			v[0] = 1 // L = 8's equilibrium analysis now claims to be a flow's
			noEq.Data[i].Data = v
		}
	}
	if _, err := a.Analyze(ctx, noEq); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Errorf("flows at L = 8 without its equilibrium data: want InvalidArgument, got %v", err)
	}
	onlyEq := request(8)
	for i, x := range onlyEq.Data {
		if x.Name == "analyses/lineage/by_iteration" {
			onlyEq.Data[i].Data = make([]float64, len(x.Data.([]float64)))
		}
	}
	if _, err := a.Analyze(ctx, onlyEq); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Errorf("seven equilibrium analyses at L = 8: want InvalidArgument, got %v", err)
	}
}

// In the ordered phase both sizes' U4 sit at 2/3 and noise makes their
// difference change sign there: the crossing taken is the most
// significant sign change, the one at tc, not the first.
func TestBinderCrossingIgnoresNoiseAtTheLimits(t *testing.T) {
	req := request(8, 16, 32)
	group, u, idx := column(req, "group"), column(req, "binder"), column(req, "index")
	// The equilibrium inputs of L = 8 and 16 (0 and 13, with 12 flows
	// each between): at T = 2.0 and 2.025 the larger L's U4 dips below the
	// smaller's by a hair, then rises above it, both within 10⁻⁴ of 2/3.
	inputs := map[float64]float64{0: 0, 13: 1}
	for r := range u {
		which, ok := inputs[idx[r]]
		if !ok || group[r] > 2.03 {
			continue
		}
		u[r] = 2.0/3 - 1e-4
		if (which == 1) == (group[r] < 2.01) {
			u[r] -= 1e-5
		}
	}
	a, err := fixedpoint.New().Analyze(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if ub := result(t, a, "Tc_binder"); math.Abs(ub[0]-tc) > 0.005 {
		t.Errorf("Binder crossing of L = 8 and 16 at %.4f, want %.3f (not the noise at T ≈ 2)", ub[0], tc)
	}
}

// At L = 10 the networks of N_h/N_v = 0.16 have N_h = round(16) = 16,
// fixed_hidden: their flows cannot be told from the fixed class's and
// were counted with them (12 flows for Nh=16 at L = 10, none for
// r=0.16). Such a study is refused; L = 8, 16, 32 are not.
func TestRefusesFixedHiddenThatIsAlsoARatio(t *testing.T) {
	_, err := fixedpoint.New().Analyze(context.Background(), request(8, 10, 16))
	if !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Fatalf("L = 10 with N_h = 16 both fixed and 0.16·N_v: want InvalidArgument, got %v", err)
	}
	if _, err := fixedpoint.New().Analyze(context.Background(), request(8, 16, 32)); err != nil {
		t.Fatalf("L = 8, 16, 32: %v", err)
	}
}

// The scaled forms ⟨|m|⟩·L^{β/ν} and G(L/2)·L^{d−2+η} use the exponents
// given (2D Ising's 1/8 and 1/4 by default), and the plane figures name
// them; T*(L) does not depend on them.
func TestScaledFormsUseTheExponents(t *testing.T) {
	run := func(p sdk.Params) sdk.Analysis {
		req := request(8, 16, 32)
		for k, v := range p {
			req.Params[k] = v
		}
		a, err := fixedpoint.New().Analyze(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	def := run(sdk.Params{})
	other := run(sdk.Params{fixedpoint.ParamBetaOverNu: 0.518, fixedpoint.ParamEta: 0.036})
	for _, c := range []struct {
		a            sdk.Analysis
		betaNu, gExp float64
		label        string
	}{{def, 0.125, 0.25, "⟨|m|⟩·L^{1/8}"}, {other, 0.518, 0.036, "⟨|m|⟩·L^{0.518}"}} {
		m, mL := result(t, c.a, "fp_abs_m@Nh=16"), result(t, c.a, "fp_mL@Nh=16")
		gL, gLdef := result(t, c.a, "fp_GL@Nh=16"), result(t, def, "fp_GL@Nh=16")
		for i, L := range []float64{8, 16, 32} {
			if want := m[i] * math.Pow(L, c.betaNu); math.Abs(mL[i]-want) > 1e-9*math.Abs(want) {
				t.Errorf("β/ν = %g, L = %g: ⟨|m|⟩L^β/ν = %g, want %g", c.betaNu, L, mL[i], want)
			}
			if want := gLdef[i] * math.Pow(L, c.gExp-0.25); math.Abs(gL[i]-want) > 1e-9*math.Abs(want) {
				t.Errorf("η = %g, L = %g: G(L/2)L^(d−2+η) = %g, want %g", c.gExp, L, gL[i], want)
			}
			if v := result(t, c.a, "T*_abs_m@Nh=16")[i]; math.Abs(v-tStar(L)) > 1e-6 {
				t.Errorf("β/ν = %g, L = %g: T* = %g, want %g", c.betaNu, L, v, tStar(L))
			}
		}
		planes := 0
		for _, f := range c.a.Figures {
			if strings.HasPrefix(f.Name, "plane_L") {
				planes++
				if f.YLabel != c.label {
					t.Errorf("%s: y label %q, want %q", f.Name, f.YLabel, c.label)
				}
			}
		}
		if planes != 3 {
			t.Errorf("%d plane figures, want 3", planes)
		}
	}
}

// column is the request's analyses/NAME data (shared: edits change the
// request), nil when absent.
func column(req sdk.AnalyzeRequest, name string) []float64 {
	for _, x := range req.Data {
		if x.Name == "analyses/"+name {
			return x.Data.([]float64)
		}
	}
	return nil
}

// edit sets column col of the rows of input k at group g (a flow's last
// iteration, or an equilibrium temperature) to f(old value).
func edit(req sdk.AnalyzeRequest, col string, k, g float64, f func(float64) float64) {
	group, idx, v := column(req, "group"), column(req, "index"), column(req, col)
	for r := range v {
		if idx[r] == k && (math.IsNaN(g) || group[r] == g) {
			v[r] = f(v[r])
		}
	}
}

// At L = 8, 16, 32, 64 with L = 32's U4 curve replaced by L = 16's (the
// two do not differ anywhere): the 16/32 crossing is NaN with status 1
// (no significant sign change), the others are resolved at tc, and the
// fit of Tc_binder uses the two resolved pairs and says so (n = 2).
func TestUnresolvedBinderCrossing(t *testing.T) {
	req := request(8, 16, 32, 64)
	var u16 []float64
	edit(req, "binder", 13, math.NaN(), func(v float64) float64 { u16 = append(u16, v); return v })
	i := 0
	edit(req, "binder", 26, math.NaN(), func(float64) float64 { i++; return u16[i-1] })
	a, err := fixedpoint.New().Analyze(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	ub, st := result(t, a, "Tc_binder"), result(t, a, "Tc_binder_status")
	for i, want := range []float64{0, 1, 0} {
		if st[i] != want || (want == 0) != (math.Abs(ub[i]-tc) < 0.005) {
			t.Errorf("pair %d: crossing %v with status %v, want status %v", i, ub[i], st[i], want)
		}
	}
	if !math.IsNaN(ub[1]) || !math.IsNaN(ub[3]) || !math.IsNaN(st[3]) {
		t.Errorf("crossings %v, status %v: want NaN for 16/32 and for the largest L", ub, st)
	}
	if f := result(t, a, "fit@Tc_binder"); len(f) != 8 || f[7] != 2 || f[5] != 0 || math.IsNaN(f[0]) {
		t.Errorf("fit of Tc_binder %v: want T(∞) from n = 2 sizes, dof 0", f)
	}
	for _, f := range a.Figures {
		if f.Name == "Tstar_Nh=16" && !strings.Contains(f.Title, "unresolved at L = 16/32 (no significant sign change)") {
			t.Errorf("figure title %q does not say the 16/32 crossing is unresolved", f.Title)
		}
	}
}

// Flows whose reading lies outside the equilibrium curve are left out of
// T* and counted by why: at L = 8, of the six N_h = 16 flows one ends with
// an energy below the curve's cold end, one above its hot end, one with
// no energy; T*_energy@Nh=16 then comes from the three others, its
// _out_cold, _out_hot and _out_unmeasured are 1 each, and every other
// observable and L uses all six flows.
func TestLeftOutFlowsCounted(t *testing.T) {
	req := request(8, 16, 32)
	edit(req, "energy", 1, 100, func(float64) float64 { return energy(2.0) - 0.5 })
	edit(req, "energy", 2, 100, func(float64) float64 { return energy(2.6) + 0.5 })
	edit(req, "energy", 3, 100, func(float64) float64 { return math.NaN() })
	a, err := fixedpoint.New().Analyze(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	for _, obs := range []string{"energy", "abs_m", "binder", "G_half"} {
		name := "T*_" + obs + "@Nh=16"
		n := result(t, a, name+"_n")
		cold, hot, nan := result(t, a, name+"_out_cold"), result(t, a, name+"_out_hot"), result(t, a, name+"_out_unmeasured")
		for i := range 3 {
			want := [4]float64{6, 0, 0, 0}
			if obs == "energy" && i == 0 {
				want = [4]float64{3, 1, 1, 1}
			}
			if got := [4]float64{n[i], cold[i], hot[i], nan[i]}; got != want {
				t.Errorf("%s at L index %d: used, cold, hot, unmeasured = %v, want %v", name, i, got, want)
			}
		}
	}
	if v := result(t, a, "T*_energy@Nh=16"); math.Abs(v[0]-tStar(8)) > 1e-6 {
		t.Errorf("T*_energy at L = 8 from the three flows left: %v, want %v", v[0], tStar(8))
	}
	found := false
	for _, f := range a.Figures {
		found = found || (f.Name == "Tstar_Nh=16" && strings.Contains(f.Title, "3 flow readings outside the equilibrium curves left out"))
	}
	if !found {
		t.Error("the T*(L) figure of Nh=16 does not say that 3 readings were left out")
	}
}
