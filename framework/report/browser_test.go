package report

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/report/browsertest"
	"github.com/rgml/rgml/framework/sdk"
)

// allItems are one figure of every kind the report draws, on synthetic
// data of the paper's sizes (L = 10, N_v = 100), and one whose data is
// missing.
func allItems() []Item {
	rng := rand.New(rand.NewPCG(1, 2))
	const L = 10
	conf := func(p float64) []int8 {
		c := make([]int8, L*L)
		for i := range c {
			c[i] = 1
			if rng.Float64() < p {
				c[i] = -1
			}
		}
		return c
	}
	grid := func(lo, hi, step float64) []float64 {
		var out []float64
		for v := lo; v <= hi+1e-9; v += step {
			out = append(out, v)
		}
		return out
	}
	T := grid(0, 6, 0.25)
	curve := func(f func(float64) float64) []float64 {
		out := make([]float64, len(T))
		for i, t := range T {
			out[i] = f(t)
		}
		return out
	}
	refs := []string{"model rbm-v64@1 sha256:0123456789abcdef", "dataset paper-test@1 sha256:fedcba9876543210"}
	line := func(o LineOptions, s ...Series) func() (*Figure, error) {
		return func() (*Figure, error) { return Lines(o, s...) }
	}
	return []Item{
		{Entry{Name: "fig01", Label: "Fig. 1", Caption: "sample configurations at T = 0, 2, 3, 6", Refs: refs[1:]}, func() (*Figure, error) {
			return Configurations(L, [][]int8{conf(0), conf(0.05), conf(0.3), conf(0.5)}, []string{"T = 0", "T = 2", "T = 3", "T = 6"})
		}},
		{Entry{Name: "fig04", Label: "Fig. 4", Caption: "thermometer loss", Params: []Param{{Name: "epochs", Value: "7500"}, {Name: "rbm", Value: "sha256:0123456789ab…", Full: "sha256:0123456789abcdef0123456789abcdef"}}, Group: "trainings"}, func() (*Figure, error) {
			e := grid(1, 7500, 25)
			tr, te := make([]float64, len(e)), make([]float64, len(e))
			for i, x := range e {
				tr[i], te[i] = 0.3+0.2/math.Sqrt(x), 0.35+0.2/math.Sqrt(x) // under a decade: a log axis's hard case
			}
			return LossCurves(e, tr, te)
		}},
		{Entry{Name: "history", Caption: "training history", Group: "trainings"}, func() (*Figure, error) {
			e := grid(1, 200, 1)
			lr, pl, re, wn := make([]float64, len(e)), make([]float64, len(e)), make([]float64, len(e)), make([]float64, len(e))
			for i, x := range e {
				lr[i], pl[i], re[i], wn[i] = 1e-3, -0.7-0.3/x, 0.02+0.1/x, 10+40*(1-1/x)
			}
			return SmallMultiples("training history", "epoch", Series{Label: "learning_rate", X: e, Y: lr},
				Series{Label: "pseudo_log_likelihood", X: e, Y: pl}, Series{Label: "reconstruction_error", X: e, Y: re},
				Series{Label: "weight_norm", X: e, Y: wn})
		}},
		{Entry{Name: "fig06", Label: "Fig. 6", Caption: "flow from T = 0, type V, N_h = 64", Refs: refs}, func() (*Figure, error) {
			// As the report draws a flow: the thermometer's share per class after each iteration count.
			classes := grid(0, 6, 0.25)
			var ss []Series
			for k, it := range []int{0, 1, 10, 100} {
				share := make([]float64, len(classes))
				for range 1000 {
					t := math.Abs(testTc*float64(k)/3 + rng.NormFloat64()*0.3)
					share[min(len(classes)-1, int(t/0.25))] += 1.0 / 1000
				}
				ss = append(ss, Series{Label: fmt.Sprintf("iteration %d", it), X: classes, Y: share})
			}
			return Lines(LineOptions{Title: "measured temperature distribution, flow from T = 0", XLabel: "measured T", YLabel: "share",
				VLines: []Ref{{"T_c", testTc}}}, ss...)
		}},
		{Entry{Name: "fig12", Label: "Fig. 12", Caption: "WWᵀ, N_h = 16", Refs: refs[:1]}, func() (*Figure, error) {
			m := make([]float64, 100*100)
			for i := 0; i < 100; i++ {
				for j := 0; j < 100; j++ {
					m[i*100+j] = math.Exp(-math.Abs(float64(i-j))/2) * math.Cos(float64(i-j)) // signed
					if i == j && i == 7 {
						m[i*100+j] = 9 // an outlier on the diagonal
					}
				}
			}
			return Heatmap("WWᵀ (Fig. 12)", "j", "i", m, 100, 100)
		}},
		{Entry{Name: "fig13", Label: "Fig. 13", Caption: "off-diagonal decay of WWᵀ"}, line(LineOptions{Title: "decay (Fig. 13)", XLabel: "r", YLabel: "D(r)"},
			Series{Label: "T = 2", X: grid(0, 5, 1), Y: []float64{1, 0.6, 0.4, 0.3, 0.25, 0.2}},
			Series{Label: "T = 6", X: grid(0, 5, 1), Y: []float64{1, 0.1, 0.02, 0, 0, 0}})},
		{Entry{Name: "corr", Caption: "G(r) per iteration"}, line(LineOptions{Title: "G(r)", XLabel: "r", YLabel: "G"},
			Series{Label: "G@iteration=0", X: grid(0, 5, 1), Y: []float64{1, 0.5, 0.3, 0.2, 0.15, 0.12}},
			Series{Label: "G@iteration=10", X: grid(0, 5, 1), Y: []float64{1, 0.7, 0.5, 0.4, 0.35, 0.3}})},
		{Entry{Name: "xi", Caption: "correlation length per T"}, func() (*Figure, error) {
			// As an analyzer reports ξ fitted at the bound of its range (100 L on L = 10): limits.
			return FromHint([]npz.Array{npz.Float64("group", []float64{0.5, 1, 1.5, 2, 2.5, 3}, 6),
				npz.Float64("xi", []float64{1000, 999.99, 8, 3, 1.5, 1}, 6), npz.Float64("xi_err", []float64{6e-8, 1e-7, 0.5, 0.2, 0.1, 0.05}, 6),
				npz.Float64("xi_limit", []float64{1, 1, 0, 0, 0, 0}, 6)},
				sdk.Figure{Name: "xi", Kind: sdk.FigureLine, Title: "correlation length (fit to G_c)", X: "group", XLabel: "T", YLabel: "ξ", LogY: true,
					Series: []string{"xi"}, Errors: []string{"xi_err"}, Limits: []string{"xi_limit"}})
		}},
		{Entry{Name: "fig14", Label: "Fig. 14", Caption: "⟨vᵀWWᵀv⟩ − its value at T = 6"}, line(LineOptions{Title: "Fig. 14", XLabel: "T", YLabel: "Δ", VLines: []Ref{{"T_c", testTc}}},
			Series{Label: "N_h = 16", X: T, Y: curve(func(t float64) float64 { return 50 / (1 + t) }), Err: curve(func(float64) float64 { return 1 })})},
		{Entry{Name: "fig16", Label: "Figs. 16–17", Caption: "eigenvalues of WWᵀ"}, line(LineOptions{Title: "spectrum", XLabel: "a", YLabel: "λ_a", LogY: true},
			Series{Label: "type V", X: grid(1, 100, 1), Y: func() []float64 {
				out := make([]float64, 100)
				for i := range out {
					out[i] = 100 * math.Exp(-float64(i)/20)
					if i >= 59 { // rank 59: the rest are floating-point zeros
						out[i] = 1e-15 * float64(1+i%3)
					}
				}
				return out
			}()})},
		{Entry{Name: "flow-obs", Label: "beyond the paper", Caption: "energy of the flowed configurations"}, line(LineOptions{Title: "energy per spin", XLabel: "iteration", YLabel: "⟨e⟩", LogX: true, HLines: []Ref{{"equilibrium at T_c", -1.41}}},
			Series{Label: "flow", X: []float64{1, 2, 5, 10, 100}, Y: []float64{-1.9, -1.7, -1.5, -1.45, -1.42}, Err: []float64{0.01, 0.01, 0.01, 0.01, 0.01}})},
		{Entry{Name: "flow-T", Label: "beyond the paper", Caption: "temperatures implied by the flowed configurations"}, func() (*Figure, error) {
			its := []float64{0, 1, 2, 5, 10, 100}
			return FlowTemperatures("implied temperatures", "T", true, []Ref{{"T_c", testTc}},
				Series{Label: "energy", X: its, Y: []float64{0.5, 1.2, 1.8, 2.1, 2.25, 2.27}, Err: []float64{0.01, 0.02, 0.02, 0.03, 0.03, 0.03}},
				Series{Label: "thermometer", X: its, Y: []float64{0.4, 1.5, 2.0, 2.2, 2.3, 2.3}})
		}},
		{Entry{Name: "fig09", Label: "Fig. 9", Caption: "flow of N_h = 400"}, func() (*Figure, error) {
			return nil, fmt.Errorf("flow rbm-v400/T=0 has no saved configurations")
		}},
	}
}

// TestReportInChromium opens the report in real headless Chromium: every
// image loads (naturalWidth > 0), no console error, no failed load, no
// request off the file system. The same check on a copy with one PNG
// removed must complain, so the test can fail. The report (report/) and
// its screenshot (report-figure-kinds.png) stay in $RGML_TEST_ARTEFACTS
// (default: a directory under the system temp dir, printed).
func TestReportInChromium(t *testing.T) {
	exe := browsertest.FindChromium(t)
	dir := os.Getenv("RGML_TEST_ARTEFACTS")
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "rgml-report-test-"); err != nil {
			t.Fatal(err)
		}
	}
	dir = filepath.Join(dir, "report")
	os.RemoveAll(dir)
	page, err := BuildPage(dir, Page{Title: "rgml report (test)", Intro: []string{"run: test"}}, allItems())
	if !IsMissing(err) || len(page.Missing()) != 1 {
		t.Fatalf("Build: %v", err)
	}
	images, problems, shot := browsertest.Browse(t, exe, filepath.Join(dir, PageFile))
	if len(images) != len(page.Drawn()) {
		t.Errorf("%d images on the page, %d figures drawn", len(images), len(page.Drawn()))
	}
	for _, im := range images {
		if strings.HasSuffix(im, ": 0") || strings.HasSuffix(im, ": -1") {
			t.Errorf("image did not load: %s", im)
		}
	}
	for _, p := range problems {
		t.Errorf("browser: %s", p)
	}
	shotPath := filepath.Join(filepath.Dir(dir), "report-figure-kinds.png") // a stable name for CI's artefacts
	if err := os.WriteFile(shotPath, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("report and screenshot: %s", shotPath)

	// The check must be able to fail: a page with a PNG gone.
	if err := os.Remove(filepath.Join(dir, page.Drawn()[0].Files.PNG)); err != nil {
		t.Fatal(err)
	}
	images, problems, _ = browsertest.Browse(t, exe, filepath.Join(dir, PageFile))
	broken := false
	for _, im := range images {
		broken = broken || strings.HasSuffix(im, ": 0")
	}
	if !broken || len(problems) == 0 {
		t.Errorf("a missing image went unnoticed: images %v, problems %v", images, problems)
	}
}

// BenchmarkBuild: a full report of every figure kind from data in memory.
func BenchmarkBuild(b *testing.B) {
	items := allItems()
	for range b.N {
		if _, err := BuildPage(b.TempDir(), Page{Title: "bench"}, items); !IsMissing(err) {
			b.Fatal(err)
		}
	}
}
