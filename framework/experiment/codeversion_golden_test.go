package experiment

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/experiment/steps/analyze"
	"github.com/rgml/rgml/framework/experiment/steps/sample"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/codeversions.json with the outputs and versions of now")

const goldenFile = "testdata/codeversions.json"

// goldenRecord is one kind's line of goldenFile.
type goldenRecord struct {
	Version int    `json:"version"`
	Digest  string `json:"digest"`
}

// whereVersion names the constant to bump for each kind.
var whereVersion = map[Kind]string{
	KindDataset:  "Version in steps/sample/sample.go",
	KindTraining: "Version in steps/train/train.go",
	KindFlow:     "Version in steps/flow/flow.go",
	KindAnalysis: "Version in steps/analyze/analyze.go",
	KindReport:   "Version in steps/reportkind/kind.go",
}

// The host part of each step kind's result, computed on fixed inputs
// (fixed plugin outputs where a plugin answers: no float kernel of a
// plugin enters, so the digests are the same on every machine), is
// pinned in goldenFile with the kind's code version: a change of that
// output without a new version would let `rgml run` reuse entries the
// old code made.
func TestCodeVersionsGolden(t *testing.T) {
	got := map[Kind]goldenRecord{}
	for _, k := range []Kind{KindDataset, KindTraining, KindFlow, KindAnalysis, KindReport} {
		got[k] = goldenRecord{Version: codeVersion(k), Digest: goldenOutputs[k](t)}
	}
	if len(got) != len(kinds) {
		t.Fatalf("the kinds table has %d kinds, this test %d: give the new kind a golden output", len(kinds), len(got))
	}
	if *updateGolden {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(goldenFile, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatal(err)
	}
	var want map[Kind]goldenRecord
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatalf("%s: %v", goldenFile, err)
	}
	for _, k := range sortedKinds(got) {
		g, w := got[k], want[k]
		switch {
		case w == (goldenRecord{}):
			t.Errorf("%s has no line for %s: run go test -run TestCodeVersionsGolden -update ./framework/experiment", goldenFile, k)
		case g.Digest != w.Digest && g.Version == w.Version:
			t.Errorf("the output of %s changed: bump its version (%s) and update testdata (go test -run TestCodeVersionsGolden -update ./framework/experiment); digest %.16s… → %.16s…", k, whereVersion[k], w.Digest, g.Digest)
		case g != w:
			t.Errorf("%s: version %d now, %s records %d: update testdata (go test -run TestCodeVersionsGolden -update ./framework/experiment)", k, g.Version, goldenFile, w.Version)
		}
	}
}

func sortedKinds(m map[Kind]goldenRecord) []Kind {
	var ks []Kind
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}

// goldenOutputs computes, per kind, the digest of its host part's output.
var goldenOutputs = map[Kind]func(*testing.T) string{
	KindDataset:  goldenDataset,
	KindTraining: goldenTraining,
	KindFlow:     func(t *testing.T) string { return digestArrays(t, goldenFlow(t)...) },
	KindAnalysis: goldenAnalysis,
	KindReport:   goldenReport,
}

func digestArrays(t *testing.T, arrays ...npz.Array) string {
	t.Helper()
	var buf bytes.Buffer
	if err := npz.Encode(&buf, arrays...); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	return hex.EncodeToString(sum[:])
}

func digestOf(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\n")))
	return hex.EncodeToString(sum[:])
}

// spins are n fixed configurations of sites ±1 spins.
func spins(n, sites, seed int) []int8 {
	c := make([]int8, n*sites)
	x := uint32(seed)*2654435761 + 1
	for i := range c {
		x = x*1664525 + 1013904223
		c[i] = int8(1 - 2*int(x>>31))
	}
	return c
}

// goldenDataset: a sample assembled from chunks sent out of order, and
// an imported file converted (spin-1 configurations of shape [N, L, L]).
func goldenDataset(t *testing.T) string {
	points := []sdk.Params{{"T": 1, "Delta": 0}, {"T": 2.5, "Delta": 0.5}}
	a := sample.NewAssembler(len(points), 3, 4, []int8{-1, 1}, false)
	c := spins(6, 4, 1)
	for _, ch := range []sdk.SampleChunk{
		{Point: 1, First: 1, Configs: c[16:24]},
		{Point: 0, First: 0, Configs: c[0:12]},
		{Point: 1, First: 0, Configs: c[12:16]},
	} {
		if _, err := a.Add(ch); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Complete(); err != nil {
		t.Fatal(err)
	}
	spin1 := make([]int8, 4*9)
	for i := range spin1 {
		spin1[i] = int8(i%3 - 1)
	}
	ds, err := ImportArrays([]npz.Array{{Name: "configs", Shape: []int{4, 3, 3}, Data: spin1},
		npz.Float64("T", []float64{1, 1, 3, 3}, 4), npz.Float64("Delta", []float64{0, 1, 0, 1}, 4)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return digestOf(digestArrays(t, a.Arrays(points)...), digestArrays(t, importedArrays(ds)...))
}

// goldenTraining: the selection a training learns from and the history
// it records beside the weights.
func goldenTraining(t *testing.T) string {
	d := sdk.Dataset{Size: 2, Configs: spins(6, 4, 2), Labels: map[string][]float64{"T": {1, 2, 3, 1, 2, 3}}}
	sel, err := FilterDataset(d, []grid.Axis{{Name: "T", Values: []float64{1, 3}}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := formats.EncodeHistory(formats.HistoryOf([]HistoryRow{
		{Epoch: 1, WallSeconds: 0.5, Samples: 4, Metrics: map[string]float64{"loss": 2}},
		{Epoch: 2, WallSeconds: 1, Samples: 8, Metrics: map[string]float64{"loss": 1, "norm": 3}},
	}))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(h)
	return digestOf(digestArrays(t, importedArrays(sel)...), hex.EncodeToString(sum[:]))
}

// goldenFlow reads out two flows from fixed plugin outputs: one of a
// thermometer of temperatures, one of a (T, Δ) thermometer on a grid.
func goldenFlow(t *testing.T) []npz.Array {
	its := []int64{0, 1, 4}
	n, L := 2, 3
	sites := L * L
	fconfigs := spins(len(its)*n, sites, 3)
	scalar := &FlowResult{Labels: []string{"T"}, Iterations: its, TMean: make([]float64, 3), TMode: make([]float64, 3)}
	joint := &FlowResult{Labels: []string{"T", "Delta"}, Iterations: its, TMean: make([]float64, 3), TMode: make([]float64, 3)}
	all := sdk.Dataset{Size: L, Configs: spins(4, sites, 4), StateSpace: []int8{-1, 1},
		Labels: map[string][]float64{"T": {1, 1, 2, 2}, "Delta": {0, 0.5, 0, 0.5}}}
	for k := range its {
		dist := []float64{0.25, 0.5 - 0.125*float64(k), 0.25 + 0.125*float64(k)}
		out := []sdk.Tensor{{Name: "distribution", Shape: []int{3}, Data: dist},
			{Name: "classes", Shape: []int{3}, Data: []float64{1, 2, 3}}}
		if err := scalar.ReadOut(k, out); err != nil {
			t.Fatal(err)
		}
		out = []sdk.Tensor{{Name: "distribution", Shape: []int{3}, Data: dist},
			{Name: "classes", Shape: []int{3, 2}, Data: []float64{1, 0, 2, 0.5, 3, 0}}}
		if err := joint.ReadOut(k, out); err != nil {
			t.Fatal(err)
		}
	}
	obs := []sdk.Observable{{Name: "m", Symmetric: true}, {Name: "q"}}
	if err := joint.Joint.Observe(context.Background(), goldenModel{}, obs, sdk.Params{"T": 1, "Delta": 0}, fconfigs, n, all, "T", "Delta"); err != nil {
		t.Fatal(err)
	}
	arrays, err := scalar.File(fconfigs, n, sites, true, all).Arrays()
	if err != nil {
		t.Fatal(err)
	}
	jarrays, err := joint.File(fconfigs, n, sites, false, all).Arrays()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range jarrays {
		a.Name = "joint_" + a.Name
		arrays = append(arrays, a)
	}
	return arrays
}

// goldenModel answers Observables as a model plugin would, with fixed
// functions of the configurations: "m" the mean site value plus the
// point's Delta, "q" the mean square.
type goldenModel struct{}

func (goldenModel) Observables(_ context.Context, point sdk.Params, size int, configs []int8) (map[string][]float64, error) {
	sites := size * size
	m, q := make([]float64, len(configs)/sites), make([]float64, len(configs)/sites)
	for c := range m {
		for _, v := range configs[c*sites : (c+1)*sites] {
			m[c] += float64(v) / float64(sites)
			q[c] += float64(v*v) / float64(sites)
		}
		m[c] += point["Delta"]
	}
	return map[string][]float64{"m": m, "q": q}, nil
}

// goldenStore is a registry holding a dataset and a flow of it with
// saved configurations, as the steps register them.
func goldenStore(t *testing.T) (*registry.Store, registry.Entry, registry.Entry) {
	s, err := registry.Open(filepath.Join(t.TempDir(), "reg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	data := sdk.Dataset{Size: 3, Configs: spins(6, 9, 5), Labels: map[string][]float64{"T": {0, 2, 0, 3, 6, 6}}}
	var dbuf bytes.Buffer
	if err := npz.Encode(&dbuf, importedArrays(data)...); err != nil {
		t.Fatal(err)
	}
	den, err := s.Put(ctx, registry.Dataset, "d", []registry.File{{Name: "data.npz", Data: dbuf.Bytes()}},
		registry.Lineage{Parameters: map[string]any{"L": 3}, Samples: 6})
	if err != nil {
		t.Fatal(err)
	}
	var fbuf bytes.Buffer
	// Fixed arrays, not goldenFlow's: a change of the flow read-out is the
	// flow's, not the analysis's or the report's.
	its := []int64{0, 1, 4}
	err = npz.Encode(&fbuf, npz.Array{Name: "iterations", Shape: []int{3}, Data: its},
		npz.Float64("T_mean", []float64{2, 2.25, 2.5}, 3), npz.Float64("T_mode", []float64{2, 2, 3}, 3),
		npz.Float64("classes", []float64{1, 2, 3}, 3),
		npz.Float64("distribution", []float64{0.25, 0.5, 0.25, 0.25, 0.375, 0.375, 0.25, 0.25, 0.5}, 3, 3),
		npz.Int8("configs", spins(6, 9, 6), 3, 2, 9))
	if err != nil {
		t.Fatal(err)
	}
	fen, err := s.Put(ctx, registry.Flow, "f", []registry.File{{Name: FlowFile, Data: fbuf.Bytes()}},
		registry.Lineage{Inputs: []registry.Input{{Role: "from", Digest: den.Digest}}, Extra: map[string]any{"iterations": []int64{0, 1, 4}}})
	if err != nil {
		t.Fatal(err)
	}
	return s, den, fen
}

// goldenAnalysis: what Analyze hands an analyzer from a flow and from a
// selected dataset, and how it stores the analyzer's result tensors.
func goldenAnalysis(t *testing.T) string {
	s, den, fen := goldenStore(t)
	configs, group, thermo, L, _, err := analyze.FlowConfigs(s, fen)
	if err != nil {
		t.Fatal(err)
	}
	data, _, err := LoadDataset(s, den.Digest)
	if err != nil {
		t.Fatal(err)
	}
	if data, err = FilterDataset(data, []grid.Axis{{Name: "T", Values: []float64{2, 6}}}); err != nil {
		t.Fatal(err)
	}
	res, err := analyze.TensorArray(sdk.Tensor{Name: "G", Shape: []int{2, 2}, Data: []float64{1, 0.5, 0.25, 0}})
	if err != nil {
		t.Fatal(err)
	}
	// The points at which the data's model measures them.
	var points []string
	pts, rows := analyze.GroupPoints(data.Labels, sdk.Params{"h": 0.5}, []sdk.ParamSpec{{Name: "T"}, {Name: "h"}, {Name: "J"}}, data.Len())
	for i := range pts {
		points = append(points, fmt.Sprint(pts[i], rows[i]))
	}
	return digestOf(digestArrays(t, npz.Int8("configs", configs, len(group), L*L), npz.Float64("group", group, len(group)),
		npz.Float64("thermometer", thermo, len(thermo)), npz.Int8("data", data.Configs, data.Len(), data.Sites()),
		npz.Float64("T", data.Labels["T"], data.Len()), res), strings.Join(points, ";"))
}

// goldenReport: the data the report writes beside its figures (the
// .npz files; the images are left out, their pixels being the drawing
// library's) for a dataset and a flow.
func goldenReport(t *testing.T) string {
	s, den, fen := goldenStore(t)
	out := t.TempDir()
	_, err := BuildReport(context.Background(), s, ReportSpec{Title: "golden", Out: out, Entries: []registry.Entry{den, fen}})
	if err != nil {
		t.Logf("BuildReport: %v", err) // a missing figure is part of the output
	}
	var parts []string
	err = filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".npz" {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(out, path)
		sum := sha256.Sum256(b)
		parts = append(parts, fmt.Sprintf("%s %x", filepath.ToSlash(rel), sum))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) == 0 {
		t.Fatal("the report wrote no data files")
	}
	sort.Strings(parts)
	t.Logf("report data: %v", parts)
	return digestOf(parts...)
}
