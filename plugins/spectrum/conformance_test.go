package spectrum_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/framework/sdk/sdktest"
	"github.com/rgml/rgml/plugins/spectrum"
)

// request is a small valid request: a random 4×4-site W with 6 hidden
// units and 40 configurations at T = 2 and 6.
func request() sdk.AnalyzeRequest {
	rng := rand.New(rand.NewPCG(1, 1))
	const L, nh, n = 4, 6, 40
	w := make([]float32, L*L*nh)
	for i := range w {
		w[i] = float32(rng.NormFloat64())
	}
	c := make([]int8, n*L*L)
	for i := range c {
		c[i] = int8(2*rng.IntN(2) - 1)
	}
	T := make([]float64, n)
	for i := range T {
		T[i] = float64(2 + 4*(i%2))
	}
	return sdk.AnalyzeRequest{
		Size:    L,
		Weights: []sdk.Tensor{{Name: "W", Shape: []int{L * L, nh}, Data: w}},
		Data: []sdk.Tensor{
			{Name: "configs", Shape: []int{n, L * L}, Data: c},
			{Name: "T", Shape: []int{n}, Data: T},
		},
	}
}

func TestConformanceInProcess(t *testing.T) {
	sdktest.TestAnalyzer(t, sdktest.InProcessAnalyzer(spectrum.New()), request())
}

// TestConformanceSubprocess runs the kit on the real binary launched by
// the host, and checks that the host's generic Open recognises it.
func TestConformanceSubprocess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the plugin")
	}
	bin := sdktest.Build(t, "./cmd/rgml-plugin-spectrum")
	sdktest.TestAnalyzer(t, sdktest.SubprocessAnalyzer(bin), request())

	dir := t.TempDir()
	if err := os.Symlink(bin, filepath.Join(dir, filepath.Base(bin))); err != nil {
		t.Fatal(err)
	}
	h := host.New(host.Config{Dir: dir})
	defer h.Close()
	if _, err := h.WriteLock(); err != nil {
		t.Fatal(err)
	}
	o, err := h.Open(context.Background(), "spectrum")
	if err != nil {
		t.Fatal(err)
	}
	if o.Kind != sdk.KindAnalyzer || o.Analyzer == nil || o.Version != spectrum.Version {
		t.Errorf("Open: kind %q, version %q, analyzer %v", o.Kind, o.Version, o.Analyzer != nil)
	}
	if _, err := h.Model(context.Background(), "spectrum"); err == nil {
		t.Errorf("the host opened an analyzer as a model")
	}
}

func TestBadInput(t *testing.T) {
	a := spectrum.New()
	ctx := context.Background()
	d, _ := a.Describe(ctx)
	for name, mutate := range map[string]func(*sdk.AnalyzeRequest){
		"reference T absent": func(r *sdk.AnalyzeRequest) { r.Params = sdk.Params{spectrum.ParamReferenceT: 3} },
		"configs without T":  func(r *sdk.AnalyzeRequest) { r.Data = r.Data[:1] },
		"another lattice":    func(r *sdk.AnalyzeRequest) { r.Data[0].Shape = []int{10, 64} },
		"spin value 0":       func(r *sdk.AnalyzeRequest) { r.Data[0].Data.([]int8)[5] = 0 },
	} {
		r := request()
		mutate(&r)
		r, err := d.ValidateAnalyze(r)
		if err == nil {
			_, err = a.Analyze(ctx, r)
		}
		if !errors.Is(err, sdk.ErrInvalidArgument) {
			t.Errorf("%s: want InvalidArgument, got %v", name, err)
		}
	}
}
