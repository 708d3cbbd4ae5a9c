package sdk_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"

	"github.com/rgml/rgml/framework/sdk"
)

// echoAnalyzer returns its data tensors as results with one figure using
// every field of sdk.Figure. It first waits until heard is closed: the
// test closes it when the host side receives a message, which before any
// result can only be a heartbeat.
type echoAnalyzer struct{ heard chan struct{} }

var echoDesc = sdk.AnalyzerDescription{
	Info:       sdk.Info{Name: "echo", Version: "0", Doc: "returns its data"},
	Parameters: []sdk.ParamSpec{{Name: "k", Doc: "a number", Kind: sdk.Float, Default: 1}},
	Learners:   []string{"rbm"},
	Inputs: []sdk.AnalyzerInput{
		{Name: "weights/W", Doc: "weights", Required: true},
		{Name: "data/x", Doc: "x"}, {Name: "data/y", Doc: "y"},
	},
}

var echoFigure = sdk.Figure{Name: "f", Kind: sdk.FigureLine, Title: "t", X: "x", XLabel: "xl", YLabel: "yl",
	LogX: true, LogY: true, Series: []string{"y"}, Errors: []string{"W"}, Limits: []string{"x"}}

func (echoAnalyzer) Describe(context.Context) (sdk.AnalyzerDescription, error) { return echoDesc, nil }

func (a echoAnalyzer) Analyze(ctx context.Context, req sdk.AnalyzeRequest) (sdk.Analysis, error) {
	if a.heard != nil {
		select {
		case <-a.heard:
		case <-ctx.Done():
			return sdk.Analysis{}, ctx.Err()
		}
	}
	res := append(append([]sdk.Tensor{}, req.Data...), req.Weights...)
	return sdk.Analysis{Results: res, Figures: []sdk.Figure{echoFigure}}, nil
}

func dispenseAnalyzer(t *testing.T, impl sdk.Analyzer, hb time.Duration) sdk.Analyzer {
	client, _ := plugin.TestPluginGRPCConn(t, false, sdk.PluginSet(sdk.ServeConfig{Analyzer: impl, HeartbeatInterval: hb}))
	t.Cleanup(func() { client.Close() })
	raw, err := client.Dispense(sdk.KindAnalyzer)
	if err != nil {
		t.Fatal(err)
	}
	return raw.(sdk.Analyzer)
}

// TestAnalyzerRoundTrip: the description, the tensors and every figure
// field cross the real gRPC shims unchanged, and heartbeats reach the
// host's context while an analysis runs (without them the analysis would
// wait for ever and the test time out).
func TestAnalyzerRoundTrip(t *testing.T) {
	heard := make(chan struct{})
	a := dispenseAnalyzer(t, echoAnalyzer{heard: heard}, 10*time.Millisecond)
	ctx := context.Background()
	d, err := a.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d, echoDesc) {
		t.Errorf("description\n got %+v\nwant %+v", d, echoDesc)
	}
	req := sdk.AnalyzeRequest{Size: 2, Params: sdk.Params{"k": 2},
		Weights: []sdk.Tensor{{Name: "W", Shape: []int{3}, Data: []float32{1, 2, 3}}},
		Data: []sdk.Tensor{
			{Name: "x", Shape: []int{3}, Data: []float64{1, 2, 3}},
			{Name: "y", Shape: []int{3}, Data: []float64{4, 5, 6}},
		}}
	var once sync.Once
	got, err := a.Analyze(sdk.WithHeartbeat(ctx, func() { once.Do(func() { close(heard) }) }), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Figures) != 1 || !reflect.DeepEqual(got.Figures[0], echoFigure) {
		t.Errorf("figures %+v", got.Figures)
	}
	if len(got.Results) != 3 || !reflect.DeepEqual(got.Results[2], req.Weights[0]) || !reflect.DeepEqual(got.Results[0], req.Data[0]) {
		t.Errorf("results %+v", got.Results)
	}
	// The shim refuses what the description does not allow.
	for name, r := range map[string]sdk.AnalyzeRequest{
		"unknown parameter": {Size: 2, Params: sdk.Params{"q": 1}, Weights: req.Weights},
		"missing W":         {Size: 2, Data: req.Data},
		"unknown input":     {Size: 2, Weights: req.Weights, Data: []sdk.Tensor{{Name: "z", Shape: []int{1}, Data: []float64{0}}}},
		"no size":           {Weights: req.Weights},
	} {
		if _, err := a.Analyze(ctx, r); !errors.Is(err, sdk.ErrInvalidArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// A figure's limit tensors are checked as its error tensors are: one per
// series, each a result the analysis carries.
func TestFigureLimitsChecked(t *testing.T) {
	res := []sdk.Tensor{{Name: "x", Shape: []int{2}, Data: []float64{1, 2}}, {Name: "y", Shape: []int{2}, Data: []float64{3, 4}},
		{Name: "y_limit", Shape: []int{2}, Data: []float64{0, 1}}}
	for limits, want := range map[string]string{
		"y_limit":         "",
		"y_limit,y_limit": "2 limit tensors for 1 series",
		"nosuch":          `names result "nosuch"`,
	} {
		a := sdk.Analysis{Results: res, Figures: []sdk.Figure{{Name: "f", Kind: sdk.FigureLine, X: "x", Series: []string{"y"},
			Limits: strings.Split(limits, ",")}}}
		err := a.Check()
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("limits %q: %v, want %q", limits, err, want)
		}
	}
}
