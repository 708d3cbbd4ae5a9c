package sdktest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/go-plugin"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
)

// AnalyzerStarter starts the analyzer under test with the given GOMAXPROCS
// and returns it; it registers its own clean-up with t.
type AnalyzerStarter func(t *testing.T, procs int) sdk.Analyzer

// InProcessAnalyzer serves impl through the real gRPC shims inside the
// test process.
func InProcessAnalyzer(impl sdk.Analyzer) AnalyzerStarter {
	return func(t *testing.T, procs int) sdk.Analyzer {
		t.Helper()
		old := runtime.GOMAXPROCS(procs)
		t.Cleanup(func() { runtime.GOMAXPROCS(old) })
		client, _ := plugin.TestPluginGRPCConn(t, false, sdk.PluginSet(sdk.ServeConfig{Analyzer: impl}))
		t.Cleanup(func() { client.Close() })
		raw, err := client.Dispense(sdk.KindAnalyzer)
		if err != nil {
			t.Fatalf("dispense: %v", err)
		}
		return raw.(sdk.Analyzer)
	}
}

// SubprocessAnalyzer launches the analyzer binary at path as the host does
// (the handshake, gRPC with mutual TLS, the SDK's message limits).
func SubprocessAnalyzer(path string) AnalyzerStarter {
	return func(t *testing.T, procs int) sdk.Analyzer {
		t.Helper()
		raw, _ := launch(t, path, procs, sdk.KindAnalyzer)
		a, ok := raw.(sdk.Analyzer)
		if !ok {
			t.Fatalf("launching %s: the plugin serves %T, not an analyzer", path, raw)
		}
		return a
	}
}

// TestAnalyzer runs the analyzer conformance checks as subtests, with req
// a valid request the analyzer must answer (small: it runs several times).
// It checks the description, that the answer is well formed and the same
// whatever GOMAXPROCS, and that malformed input (an unknown input, a
// missing required one, a tensor of the wrong shape) is refused as
// sdk.ErrInvalidArgument rather than analysed.
func TestAnalyzer(t *testing.T, start AnalyzerStarter, req sdk.AnalyzeRequest) {
	a := start(t, 2)
	ctx := context.Background()
	d, err := a.Describe(ctx)
	if err != nil {
		t.Fatalf("Describe: %v", err)
	}
	t.Run("Describe", func(t *testing.T) { checkAnalyzerDescription(t, d) })
	if t.Failed() {
		return
	}
	var got sdk.Analysis
	t.Run("Analyze", func(t *testing.T) {
		got, err = a.Analyze(ctx, req)
		if err != nil {
			t.Fatalf("Analyze of a valid request: %v", err)
		}
		if len(got.Results) == 0 || len(got.Figures) == 0 {
			t.Errorf("the analysis has %d results and %d figures; want at least one of each", len(got.Results), len(got.Figures))
		}
		if err := got.Check(); err != nil {
			t.Errorf("malformed analysis: %v", err)
		}
		again, err := start(t, 1).Analyze(ctx, req)
		if err != nil {
			t.Fatalf("Analyze with GOMAXPROCS 1: %v", err)
		}
		if !sameAnalysis(got, again) {
			t.Errorf("same request gave different results with GOMAXPROCS 2 and 1")
		}
	})
	t.Run("InvalidArgument", func(t *testing.T) { checkAnalyzerInvalid(t, a, d, req) })
}

func checkAnalyzerDescription(t *testing.T, d sdk.AnalyzerDescription) {
	if d.Name == "" || d.Version == "" {
		t.Errorf("description lacks name (%q) or version (%q)", d.Name, d.Version)
	}
	if len(d.Inputs) == 0 {
		t.Errorf("the analyzer reads no inputs")
	}
	for _, in := range d.Inputs {
		if !strings.HasPrefix(in.Name, "weights/") && !strings.HasPrefix(in.Name, "data/") {
			t.Errorf("input %q is neither weights/… nor data/…", in.Name)
		}
		if in.Doc == "" {
			t.Errorf("input %s has no doc", in.Name)
		}
	}
	for _, p := range d.Parameters {
		if p.Doc == "" {
			t.Errorf("parameter %s has no doc", p.Name)
		}
		if p.Kind != sdk.Choice {
			if err := p.Check(p.Default); err != nil {
				t.Errorf("default of %s: %v", p.Name, err)
			}
		}
	}
}

func checkAnalyzerInvalid(t *testing.T, a sdk.Analyzer, d sdk.AnalyzerDescription, req sdk.AnalyzeRequest) {
	ctx := context.Background()
	refuse := func(what string, r sdk.AnalyzeRequest) {
		t.Helper()
		_, err := a.Analyze(ctx, r)
		if !errors.Is(err, sdk.ErrInvalidArgument) {
			t.Errorf("%s: want an InvalidArgument error, got %v", what, err)
		}
	}
	bogus := req
	bogus.Data = append(append([]sdk.Tensor{}, req.Data...), sdk.Tensor{Name: "no-such-input", Shape: []int{1}, Data: []float64{0}})
	refuse("an input the analyzer does not read", bogus)
	for _, in := range d.Inputs {
		if !in.Required {
			continue
		}
		r := req
		r.Weights, r.Data = without(req.Weights, "weights/", in.Name), without(req.Data, "data/", in.Name)
		refuse("without required input "+in.Name, r)
	}
	// Every input with more than one element, cut short by one element:
	// the analyzer must notice the shape, not read past or around it.
	for i, w := range req.Weights {
		if w.Len() > 1 {
			r := req
			r.Weights = replaced(req.Weights, i, shortened(w))
			refuse(fmt.Sprintf("weights/%s of shape [%d] instead of %v", w.Name, w.Len()-1, w.Shape), r)
		}
	}
	for i, x := range req.Data {
		if x.Len() > 1 {
			r := req
			r.Data = replaced(req.Data, i, shortened(x))
			refuse(fmt.Sprintf("data/%s of shape [%d] instead of %v", x.Name, x.Len()-1, x.Shape), r)
		}
	}
	r := req
	r.Size = req.Size + 1
	refuse(fmt.Sprintf("lattice size %d for inputs of size %d", r.Size, req.Size), r)
}

func without(ts []sdk.Tensor, prefix, name string) []sdk.Tensor {
	var out []sdk.Tensor
	for _, t := range ts {
		if prefix+t.Name != name {
			out = append(out, t)
		}
	}
	return out
}

func replaced(ts []sdk.Tensor, i int, t sdk.Tensor) []sdk.Tensor {
	out := append([]sdk.Tensor{}, ts...)
	out[i] = t
	return out
}

// shortened returns t flattened and without its last element.
func shortened(t sdk.Tensor) sdk.Tensor {
	n := t.Len() - 1
	out := sdk.Tensor{Name: t.Name, Shape: []int{n}}
	switch v := t.Data.(type) {
	case []int8:
		out.Data = v[:n]
	case []int32:
		out.Data = v[:n]
	case []int64:
		out.Data = v[:n]
	case []float32:
		out.Data = v[:n]
	case []float64:
		out.Data = v[:n]
	}
	return out
}

func sameAnalysis(a, b sdk.Analysis) bool {
	if len(a.Results) != len(b.Results) || fmt.Sprint(a.Figures) != fmt.Sprint(b.Figures) {
		return false
	}
	for i := range a.Results {
		x, y := a.Results[i], b.Results[i]
		if x.Name != y.Name || fmt.Sprint(x.Shape) != fmt.Sprint(y.Shape) {
			return false
		}
		_, rx, _, _ := npz.Raw(x.Data)
		_, ry, _, _ := npz.Raw(y.Data)
		if !bytes.Equal(rx, ry) {
			return false
		}
	}
	return true
}
