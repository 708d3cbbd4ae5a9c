package formats_test

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
)

func decode(t *testing.T, b []byte) []npz.Array {
	t.Helper()
	arrays, err := npz.Decode(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return arrays
}

// A flow read by a one- and a two-parameter thermometer, with and
// without its configurations, reads back as written.
func TestFlowRoundTrip(t *testing.T) {
	one := formats.Flow{Labels: []string{"T"}, Iterations: []int64{0, 3}, TMean: []float64{1, 2}, TMode: []float64{1, 2.5},
		Classes: []float64{1, 2.5, 4}, Distribution: []float64{0.5, 0.5, 0, 0, 1, 0}}
	saved := one
	saved.Configs, saved.N, saved.Sites = []int8{1, -1, 1, 1, -1, -1, 1, 1}, 2, 2
	two := formats.Flow{Labels: []string{"T", "Delta"}, Iterations: []int64{0}, TMean: []float64{1}, TMode: []float64{1},
		Classes: []float64{1, 0, 2, 1}, Distribution: []float64{1, 0},
		Two: &formats.TwoParameter{DeltaMean: []float64{0}, DeltaMode: []float64{0}, Observables: []formats.FlowObservable{
			{Name: "magnetization", Abs: true, Values: []float64{0.9}}, {Name: "energy", Values: []float64{-1.8}}}, EqT: []float64{math.NaN()}, EqDelta: []float64{math.NaN()}}}
	for name, f := range map[string]formats.Flow{"one": one, "saved": saved, "two": two} {
		b, err := formats.EncodeFlow(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := formats.DecodeFlow(decode(t, b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		again, _ := formats.EncodeFlow(got)
		if !bytes.Equal(again, b) {
			t.Errorf("%s: decoded and encoded again, the file's bytes differ", name)
		}
		if got.K() != f.K() || !reflect.DeepEqual(got.Row(0), f.Row(0)) || !reflect.DeepEqual(got.Configs, f.Configs) {
			t.Errorf("%s: read back %+v, wrote %+v", name, got, f)
		}
	}
}

// A file whose arrays are missing or disagree is refused, saying what
// is wrong.
func TestDecodeFlowRefusesMalformed(t *testing.T) {
	good := formats.Flow{Labels: []string{"T"}, Iterations: []int64{0, 1}, TMean: []float64{1, 2}, TMode: []float64{1, 2},
		Classes: []float64{1, 2}, Distribution: []float64{1, 0, 0, 1}}
	for name, c := range map[string]struct {
		drop string
		want string
	}{
		"no iterations":   {"iterations", "iterations"},
		"no T_mode":       {"T_mode", "T_mode"},
		"no distribution": {"distribution", "distribution"},
	} {
		var arrays []npz.Array
		all, _ := good.Arrays()
		for _, a := range all {
			if a.Name != c.drop {
				arrays = append(arrays, a)
			}
		}
		if _, err := formats.DecodeFlow(arrays); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one naming %s", name, err, c.want)
		}
	}
	all, _ := good.Arrays()
	bad := append(all, npz.Int8("configs", make([]int8, 3*4), 3, 1, 4))
	if _, err := formats.DecodeFlow(bad); err == nil || !strings.Contains(err.Error(), "configs") {
		t.Errorf("configs of 3 iterations in a flow of 2: error %v", err)
	}
}

func TestHistoryRoundTrip(t *testing.T) {
	h := formats.HistoryOf([]formats.HistoryRow{
		{Epoch: 1, WallSeconds: 0.5, Samples: 4, Metrics: map[string]float64{"loss": 2}},
		{Epoch: 2, WallSeconds: 1, Samples: 8, Metrics: map[string]float64{"loss": 1, "norm": 3}},
	})
	b, err := formats.EncodeHistory(h)
	if err != nil {
		t.Fatal(err)
	}
	got, err := formats.DecodeHistory(decode(t, b))
	if err != nil {
		t.Fatal(err)
	}
	if rows := got.Rows(); len(rows) != 2 || len(rows[0].Metrics) != 1 || rows[1].Metrics["norm"] != 3 {
		t.Errorf("rows %+v", rows)
	}
	if _, err := formats.DecodeHistory([]npz.Array{{Name: "epoch", Shape: []int{1}, Data: []int64{1}}}); err == nil {
		t.Error("a history without wall_seconds and samples was read")
	}
	empty, err := formats.EncodeHistory(formats.HistoryOf(nil))
	if err != nil {
		t.Fatalf("empty history: %v", err)
	}
	if got, err := formats.DecodeHistory(decode(t, empty)); err != nil || got.Len() != 0 {
		t.Errorf("empty history read back as %+v, %v", got, err)
	}
}

func TestAnalysisRoundTrip(t *testing.T) {
	a := formats.Analysis{Results: []npz.Array{npz.Float64("x", []float64{1, 2}, 2)},
		Figures: []sdk.Figure{{Title: "x"}}}
	res, figs, err := formats.EncodeAnalysis(a)
	if err != nil {
		t.Fatal(err)
	}
	got, err := formats.DecodeAnalysis(decode(t, res), figs)
	if err != nil || len(got.Results) != 1 || len(got.Figures) != 1 || got.Figures[0].Title != "x" {
		t.Fatalf("read back %+v, %v", got, err)
	}
	_, none, _ := formats.EncodeAnalysis(formats.Analysis{})
	if string(none) != "[]" {
		t.Errorf("no figures written as %q, want []", none)
	}
	if _, err := formats.DecodeAnalysis(nil, []byte("{")); err == nil || !strings.Contains(err.Error(), formats.FiguresFile) {
		t.Errorf("broken figures: error %v", err)
	}
}

// A flow's readings are asked for by the names of the parameters it
// declares, and a parameter it does not read has none.
func TestFlowParams(t *testing.T) {
	one := formats.Flow{Labels: []string{"T"}, Iterations: []int64{0}, TMean: []float64{1.5}, TMode: []float64{1}, Classes: []float64{1, 2}, Distribution: []float64{0.5, 0.5}}
	two := formats.Flow{Labels: []string{"T", "Delta"}, Iterations: []int64{0}, TMean: []float64{1}, TMode: []float64{1}, Classes: []float64{1, 0}, Distribution: []float64{1},
		Two: &formats.TwoParameter{DeltaMean: []float64{0.5}, DeltaMode: []float64{0}, Observables: []formats.FlowObservable{{Name: "energy", Values: []float64{-2}}},
			EqT: []float64{0.8}, EqDelta: []float64{0.25}}}
	if p := one.Params(); !reflect.DeepEqual(p, []string{"T"}) || one.Mean("T")[0] != 1.5 || one.Mode("T")[0] != 1 ||
		one.Mean("Delta") != nil || one.Equilibrium("T") != nil {
		t.Errorf("one parameter: params %v, T mean %v mode %v, Delta mean %v", p, one.Mean("T"), one.Mode("T"), one.Mean("Delta"))
	}
	p := two.Params()
	if !reflect.DeepEqual(p, []string{"T", "Delta"}) || two.Mean(p[1])[0] != 0.5 || two.Mode(p[1])[0] != 0 ||
		two.Equilibrium(p[0])[0] != 0.8 || two.Equilibrium(p[1])[0] != 0.25 || two.Mean("h") != nil {
		t.Errorf("two parameters: params %v", p)
	}
	// A second parameter of another name is written and read under it.
	two.Labels = []string{"T", "h"}
	b, err := formats.EncodeFlow(two)
	if err != nil {
		t.Fatal(err)
	}
	got, err := formats.DecodeFlow(decode(t, b))
	if err != nil {
		t.Fatal(err)
	}
	if p := got.Params(); !reflect.DeepEqual(p, []string{"T", "h"}) || got.Mean("h")[0] != 0.5 || got.Equilibrium("h")[0] != 0.25 ||
		got.Mean("Delta") != nil {
		t.Errorf("second parameter h: params %v, mean %v", p, got.Mean("h"))
	}
}

// The saved configurations of a lattice other than L×L carry its shape,
// which reads back; a square lattice's file holds no lattice_shape (its
// bytes are those of files from before other dimensions), and a shape
// that disagrees with the configurations is refused.
func TestFlowLatticeShape(t *testing.T) {
	f := formats.Flow{Labels: []string{"T"}, Iterations: []int64{0}, TMean: []float64{1}, TMode: []float64{1},
		Classes: []float64{1}, Distribution: []float64{1},
		Configs: make([]int8, 2*8), N: 2, Sites: 8, Shape: []int{2, 2, 2}}
	b, err := formats.EncodeFlow(f)
	if err != nil {
		t.Fatal(err)
	}
	got, err := formats.DecodeFlow(decode(t, b))
	if err != nil || !reflect.DeepEqual(got.Shape, []int{2, 2, 2}) {
		t.Errorf("3D flow: shape %v, %v; want [2 2 2]", got.Shape, err)
	}
	square := f
	square.Sites, square.Configs, square.Shape = 4, make([]int8, 2*4), []int{2, 2}
	sq, err := square.Arrays()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range sq {
		if a.Name == "lattice_shape" {
			t.Errorf("a square lattice's flow writes lattice_shape %v", a.Data)
		}
	}
	bad, err := formats.Flow{Labels: f.Labels, Iterations: f.Iterations, TMean: f.TMean, TMode: f.TMode, Classes: f.Classes,
		Distribution: f.Distribution, Configs: f.Configs, N: 2, Sites: 8}.Arrays()
	if err != nil {
		t.Fatal(err)
	}
	bad = append(bad, npz.Array{Name: "lattice_shape", Shape: []int{3}, Data: []int64{3, 3, 3}})
	if _, err := formats.DecodeFlow(bad); err == nil || !strings.Contains(err.Error(), "lattice_shape") {
		t.Errorf("lattice_shape [3 3 3] for 8 sites: error %v", err)
	}
}

// The columns of a flow take the names of the labels its thermometer
// learned, whatever they are: a thermometer of beta (or of beta and h)
// writes beta_mean, and the file reads back under those names with no
// name assumed; a flow that does not name its labels is not written.
func TestFlowColumnsNamedByLabels(t *testing.T) {
	one := formats.Flow{Labels: []string{"beta"}, Iterations: []int64{0, 1}, TMean: []float64{0.4, 0.5}, TMode: []float64{0.4, 0.5},
		Classes: []float64{0.4, 0.5}, Distribution: []float64{1, 0, 0, 1}}
	two := formats.Flow{Labels: []string{"beta", "h"}, Iterations: []int64{0}, TMean: []float64{0.4}, TMode: []float64{0.4},
		Classes: []float64{0.4, 0, 0.5, 1}, Distribution: []float64{1, 0},
		Two: &formats.TwoParameter{DeltaMean: []float64{0}, DeltaMode: []float64{0}, Observables: []formats.FlowObservable{{Name: "energy", Values: []float64{-2}}},
			EqT: []float64{0.4}, EqDelta: []float64{0}}}
	for name, c := range map[string]struct {
		f    formats.Flow
		cols []string
	}{"one": {one, []string{"beta_mean", "beta_mode"}}, "two": {two, []string{"beta_mean", "h_mode", "mean_energy", "eq_beta", "eq_h"}}} {
		b, err := formats.EncodeFlow(c.f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		arrays := decode(t, b)
		for _, col := range append(c.cols, "T_mean") {
			if _, ok := npz.Find(arrays, col); ok != (col != "T_mean") {
				t.Errorf("%s: column %s written: %v", name, col, ok)
			}
		}
		got, err := formats.DecodeFlow(arrays)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got.Params(), c.f.Labels) || got.Mean("beta")[0] != 0.4 || got.Mean("T") != nil {
			t.Errorf("%s: read back labels %v, beta mean %v", name, got.Params(), got.Mean("beta"))
		}
	}
	for _, labels := range [][]string{nil, {""}, {"beta", "h"}} {
		f := one
		f.Labels = labels
		if _, err := formats.EncodeFlow(f); err == nil {
			t.Errorf("a one-label flow labelled %q was written", labels)
		}
	}
}
