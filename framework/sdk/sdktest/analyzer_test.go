package sdktest_test

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/framework/sdk/sdktest"
)

// toyAnalyzer is a small, correct analyzer: the squared norm of each row of
// W. Its variants break one rule each, and the kit must notice.
type toyAnalyzer struct{ broken string }

func (toyAnalyzer) Describe(context.Context) (sdk.AnalyzerDescription, error) {
	return sdk.AnalyzerDescription{
		Info:   sdk.Info{Name: "toy", Version: "1"},
		Inputs: []sdk.AnalyzerInput{{Name: "weights/W", Doc: "weights [L², N_h]", Required: true}},
	}, nil
}

func (a toyAnalyzer) Analyze(_ context.Context, req sdk.AnalyzeRequest) (sdk.Analysis, error) {
	w, _ := sdk.FindTensor(req.Weights, "W")
	nv := req.Size * req.Size
	if a.broken != "ignores-shape" && (len(w.Shape) != 2 || w.Shape[0] != nv) {
		return sdk.Analysis{}, sdk.InvalidArgument("W has shape %v, want [%d, N_h]", w.Shape, nv)
	}
	v, ok := w.Data.([]float64)
	if !ok {
		return sdk.Analysis{}, sdk.InvalidArgument("W is %T, want float64", w.Data)
	}
	norm := make([]float64, nv)
	index := make([]float64, nv)
	for i := range norm {
		index[i] = float64(i)
		for j := i * len(v) / nv; j < (i+1)*len(v)/nv; j++ {
			norm[i] += v[j] * v[j]
		}
		if a.broken == "depends-on-procs" {
			norm[i] += float64(runtime.GOMAXPROCS(0))
		}
	}
	series := "norm2"
	if a.broken == "dangling-figure" {
		series = "norm"
	}
	return sdk.Analysis{
		Results: []sdk.Tensor{{Name: "i", Shape: []int{nv}, Data: index}, {Name: "norm2", Shape: []int{nv}, Data: norm}},
		Figures: []sdk.Figure{{Name: "norms", Kind: sdk.FigureLine, X: "i", Series: []string{series}}},
	}, nil
}

func toyRequest() sdk.AnalyzeRequest {
	w := make([]float64, 4*3)
	for i := range w {
		w[i] = float64(i%5) - 2
	}
	return sdk.AnalyzeRequest{Size: 2, Weights: []sdk.Tensor{{Name: "W", Shape: []int{4, 3}, Data: w}}}
}

func TestKitPassesACorrectAnalyzer(t *testing.T) {
	sdktest.TestAnalyzer(t, sdktest.InProcessAnalyzer(toyAnalyzer{}), toyRequest())
}

// TestKitCatchesBrokenAnalyzers runs the kit on each broken variant in a
// child test process and requires it to fail with the right complaint.
func TestKitCatchesBrokenAnalyzers(t *testing.T) {
	if v := os.Getenv("SDKTEST_BROKEN_ANALYZER"); v != "" {
		sdktest.TestAnalyzer(t, sdktest.InProcessAnalyzer(toyAnalyzer{broken: v}), toyRequest())
		return
	}
	for variant, complaint := range map[string]string{
		"depends-on-procs": "different results with GOMAXPROCS",
		"ignores-shape":    "weights/W of shape [11] instead of [4 3]: want an InvalidArgument error",
		"dangling-figure":  `names result "norm", which the analysis does not carry`,
	} {
		t.Run(variant, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestKitCatchesBrokenAnalyzers$")
			cmd.Env = append(os.Environ(), "SDKTEST_BROKEN_ANALYZER="+variant)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the kit passed an analyzer that %s", variant)
			}
			if !strings.Contains(string(out), complaint) {
				t.Errorf("the kit failed %s without saying %q:\n%s", variant, complaint, out)
			}
		})
	}
}
