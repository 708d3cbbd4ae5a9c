package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/framework/reproduce"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// ReportSpec is a report to build from registry entries (a run's, or
// any): every figure their data allow, and the reproduction verdicts.
type ReportSpec struct {
	Title   string
	Intro   []string
	Out     string           // the folder written
	Entries []registry.Entry // in the order shown
	// Missing are steps whose results are absent (failed, not run,
	// removed): each is listed as a missing figure with its reason.
	Missing []MissingStep
}

// MissingStep is a step of a run without a result to show.
type MissingStep struct {
	Name, Kind, Why string
}

// ReportResult is a built report.
type ReportResult struct {
	Page     report.Page
	Verdicts []reproduce.Verdict
	Dir      string
}

// Figures the report draws from each kind of entry.
//   - dataset: Fig. 1, a configuration at T = 0, 2, 3 and 6 (those present;
//     else up to four temperatures); labelled T and Δ, one at each corner
//     of the (T, Δ) grid;
//   - model: Fig. 4 for a thermometer (train and test loss), the training
//     history for other learners (a model without history, e.g. random
//     weights, draws nothing);
//   - flow: Figs. 5–11, the thermometer's distribution per iteration; for
//     a flow read by a (T, Δ) thermometer, its distribution on the grid
//     per iteration and its thermometer-free observables, and the phase
//     diagrams with the paths of all such flows (reportbc.go), first;
//   - analysis: every figure its analyzer suggests; for a correlations
//     analysis of a flow, the implied temperatures beside the
//     thermometer's (the thermometer-free check) and G(r).

// BuildReport draws the report of spec.Entries into spec.Out, with the
// reproduction verdicts judged from what the entries hold. A figure that
// cannot be drawn is listed as missing and the error is then a
// *report.MissingError; the page is written in every case.
func BuildReport(ctx context.Context, s *registry.Store, spec ReportSpec) (ReportResult, error) {
	g := &gather{s: s, manifests: map[string]registry.Manifest{}, byDigest: map[string]registry.Entry{}}
	for _, en := range spec.Entries {
		g.byDigest[en.Digest] = en
	}
	var items []report.Item
	for _, en := range spec.Entries {
		if err := ctx.Err(); err != nil {
			return ReportResult{}, err
		}
		items = append(items, g.items(en)...)
	}
	items = append(g.phaseItems(), items...) // the headline of a run of (T, Δ) flows
	for _, ms := range spec.Missing {
		why := fmt.Errorf("%s %s has no result: %s", ms.Kind, ms.Name, ms.Why)
		items = append(items, report.Item{Entry: report.Entry{Name: "missing-" + ms.Kind + "-" + ms.Name, Caption: ms.Kind + " " + ms.Name},
			Make: func() (*report.Figure, error) { return nil, why }})
	}
	head := report.Page{Title: spec.Title, Intro: spec.Intro}
	var verdicts []reproduce.Verdict
	if why := g.notIsing(spec.Entries); why != "" {
		head.Intro = append(slices.Clone(head.Intro), why)
	} else {
		verdicts = reproduce.Judge(g.inputs(spec.Entries))
	}
	for _, v := range verdicts {
		row := report.Verdict{Row: v.Row, Paper: v.Paper, Criterion: v.Criterion, Measured: v.Measured, Status: "FAIL"}
		switch {
		case v.Missing != nil:
			row.Status, row.Measured = "missing", v.Missing.Error()
		case v.Pass:
			row.Status = "pass"
		}
		head.Verdicts = append(head.Verdicts, row)
	}
	page, err := report.BuildPage(spec.Out, head, items)
	return ReportResult{Page: page, Verdicts: verdicts, Dir: spec.Out}, err
}

type gather struct {
	s         *registry.Store
	manifests map[string]registry.Manifest
	byDigest  map[string]registry.Entry
	joint     []jointFlow // the (T, Δ) flows seen, for the phase diagrams
}

func (g *gather) manifest(en registry.Entry) registry.Manifest {
	if m, ok := g.manifests[en.Digest]; ok {
		return m
	}
	m, _ := g.s.Manifest(en)
	g.manifests[en.Digest] = m
	return m
}

// input returns the entry en's lineage names under role.
func (g *gather) input(en registry.Entry, role string) (registry.Entry, bool) {
	for _, in := range g.manifest(en).Lineage.Inputs {
		if in.Role == role {
			if e, ok := g.byDigest[in.Digest]; ok {
				return e, true
			}
			e, err := g.s.Lookup(in.Digest)
			return e, err == nil
		}
	}
	return registry.Entry{}, false
}

func refOf(en registry.Entry) string {
	d := strings.TrimPrefix(en.Digest, "sha256:")
	if len(d) > 12 {
		d = d[:12]
	}
	return fmt.Sprintf("%s %s sha256:%s", en.Kind, en.Ref(), d)
}

func paramsOf(m map[string]any) []report.Param {
	var out []report.Param
	for _, k := range sortedKeys(m) {
		out = append(out, report.Param{Name: k, Value: fmt.Sprint(m[k])})
	}
	return out
}

var paperRE = regexp.MustCompile(`\((Figs?\. [^)]*)\)`)

func (g *gather) items(en registry.Entry) []report.Item {
	m := g.manifest(en)
	base := report.Entry{Refs: []string{refOf(en)}}
	switch en.Kind {
	case registry.Dataset:
		e := base
		e.Name, e.Paper, e.Caption = "samples-"+en.Name, "Fig. 1", "sample configurations of "+en.Ref()
		e.Params = paramsOf(m.Lineage.Parameters)
		return []report.Item{{Entry: e, Make: func() (*report.Figure, error) { return g.samples(en) }}}
	case registry.Model:
		if _, ok := en.File(HistoryFile); !ok {
			return nil
		}
		h, _, err := ReadHistory(g.s, en.Digest)
		if err == nil && h.Len() == 0 {
			return nil // nothing was trained (random weights)
		}
		e := base
		e.Name, e.Caption = "history-"+en.Name, "training history of "+en.Ref()
		e.Params = paramsOf(m.Lineage.HyperParameters)
		if _, ok := h.Metrics["test_loss"]; ok {
			e.Paper = "Fig. 4"
		}
		return []report.Item{{Entry: e, Make: func() (*report.Figure, error) {
			if err != nil {
				return nil, err
			}
			return historyFigure(en, h)
		}}}
	case registry.Flow:
		e := base
		e.Name, e.Paper = "flow-"+en.Name, "Figs. 5–11"
		e.Caption = "the thermometer's measured temperature distribution per iteration of flow " + en.Ref()
		for _, role := range []string{"rbm", "thermometer", "from"} {
			if in, ok := g.input(en, role); ok {
				e.Refs = append(e.Refs, role+": "+refOf(in))
			}
		}
		e.Params = paramsOf(m.Lineage.Extra)
		if arrays, ok := g.jointArrays(en); ok {
			return g.jointFlowItems(en, e, arrays)
		}
		return []report.Item{{Entry: e, Make: func() (*report.Figure, error) { return g.flowFigure(en) }}}
	case registry.Analysis:
		return g.analysisItems(en, m, base)
	}
	return nil
}

func (g *gather) samples(en registry.Entry) (*report.Figure, error) {
	d, _, err := LoadDataset(g.s, en.Digest)
	if err != nil {
		return nil, err
	}
	sites, n := d.Sites(), d.Len()
	if n == 0 {
		return nil, fmt.Errorf("%s holds no configuration", en)
	}
	var configs [][]int8
	var labels []string
	T, ok := d.Labels["T"]
	if D, okD := d.Labels["Delta"]; ok && okD {
		configs, labels = gridCorners(d.Configs, sites, T, D)
		return report.Configurations(d.Size, configs, labels)
	}
	if !ok {
		for i := 0; i < min(n, 4); i++ {
			configs = append(configs, d.Configs[i*sites:(i+1)*sites])
			labels = append(labels, fmt.Sprintf("#%d", i))
		}
		return report.Configurations(d.Size, configs, labels)
	}
	first := map[float64]int{}
	for i, t := range T {
		if _, seen := first[t]; !seen {
			first[t] = i
		}
	}
	var want []float64
	for _, t := range []float64{0, 2, 3, 6} {
		if _, ok := first[t]; ok {
			want = append(want, t)
		}
	}
	if len(want) == 0 {
		all := make([]float64, 0, len(first))
		for t := range first {
			all = append(all, t)
		}
		sort.Float64s(all)
		for k := 0; k < min(4, len(all)); k++ {
			want = append(want, all[k*len(all)/min(4, len(all))])
		}
	}
	for _, t := range want {
		i := first[t]
		configs = append(configs, d.Configs[i*sites:(i+1)*sites])
		labels = append(labels, "T = "+formatNumber(t))
	}
	return report.Configurations(d.Size, configs, labels)
}

func historyFigure(en registry.Entry, h History) (*report.Figure, error) {
	ep := make([]float64, h.Len())
	for i, e := range h.Epoch {
		ep[i] = float64(e)
	}
	if tr, ok := h.Metrics["train_loss"]; ok {
		return report.LossCurves(ep, tr, h.Metrics["test_loss"])
	}
	var ss []report.Series
	for _, name := range h.MetricNames() {
		ss = append(ss, report.Series{Label: name, X: ep, Y: h.Metrics[name]})
	}
	return report.Lines(report.LineOptions{Title: "training history of " + en.Ref(), XLabel: "epoch", YLabel: "value"}, ss...)
}

// flowArrays reads a flow's iterations, classes and distribution.
func flowArrays(s *registry.Store, en registry.Entry) (reproduce.Flow, error) {
	arrays, err := ReadNPZ(s, en, FlowFile)
	if err != nil {
		return reproduce.Flow{}, err
	}
	it, _ := npz.Find(arrays, "iterations")
	cl, _ := npz.Find(arrays, "classes")
	di, _ := npz.Find(arrays, "distribution")
	its, ok1 := it.Data.([]int64)
	classes, ok2 := cl.Data.([]float64)
	dist, ok3 := di.Data.([]float64)
	if !ok1 || !ok2 || !ok3 || len(dist) != len(its)*len(classes) {
		return reproduce.Flow{}, fmt.Errorf("%s: %s has no iterations, classes and distribution", en, FlowFile)
	}
	f := reproduce.Flow{Iterations: its, Classes: classes}
	k := len(classes)
	for i := range its {
		f.Distribution = append(f.Distribution, dist[i*k:(i+1)*k])
	}
	return f, nil
}

// flowFigure draws a flow's measured-temperature distribution per
// iteration, with the temperatures the model of the flow's data declares.
func (g *gather) flowFigure(en registry.Entry) (*report.Figure, error) {
	f, err := flowArrays(g.s, en)
	if err != nil {
		return nil, err
	}
	refs, err := g.refsOf(en)
	if err != nil {
		return nil, err
	}
	var ss []report.Series
	for i, it := range f.Iterations {
		ss = append(ss, report.Series{Label: fmt.Sprintf("iteration %d", it), X: f.Classes, Y: f.Distribution[i]})
	}
	return report.Lines(report.LineOptions{Title: "flow " + en.Ref() + ": measured temperature distribution",
		XLabel: "measured T", YLabel: "share", VLines: refs.lines("T")}, ss...)
}

// ReadAnalysis reads an Analysis entry's results and suggested figures.
func ReadAnalysis(s *registry.Store, en registry.Entry) ([]npz.Array, []sdk.Figure, error) {
	arrays, err := ReadNPZ(s, en, AnalysisFile)
	if err != nil {
		return nil, nil, err
	}
	b, err := s.ReadFile(en, FiguresFile)
	if err != nil {
		return nil, nil, err
	}
	var figs []sdk.Figure
	if err := json.Unmarshal(b, &figs); err != nil {
		return nil, nil, fmt.Errorf("%s: %s: %w", en, FiguresFile, err)
	}
	return arrays, figs, nil
}

func (g *gather) analysisItems(en registry.Entry, m registry.Manifest, base report.Entry) []report.Item {
	for _, role := range []string{"model", "flow", "data", "reference"} {
		if in, ok := g.input(en, role); ok {
			base.Refs = append(base.Refs, role+": "+refOf(in))
		}
	}
	base.Params = paramsOf(m.Lineage.Parameters)
	plugin := ""
	if m.Lineage.Plugin != nil {
		plugin = m.Lineage.Plugin.Name
	}
	arrays, figs, err := ReadAnalysis(g.s, en)
	if err != nil {
		e := base
		e.Name, e.Caption = "analysis-"+en.Name, "analysis "+en.Ref()
		return []report.Item{{Entry: e, Make: func() (*report.Figure, error) { return nil, err }}}
	}
	_, ofFlow := g.input(en, "flow")
	var items []report.Item
	if ofFlow && plugin == "correlations" {
		e := base
		e.Name, e.Paper = en.Name+"-flow-check", "thermometer-free check"
		e.Caption = "temperatures implied by energy, ⟨|m|⟩ and G(L/2) of the flowed configurations, beside the thermometer's mean reading (" + en.Ref() + ")"
		items = append(items, report.Item{Entry: e, Make: func() (*report.Figure, error) { return g.flowCheckFigure(en, arrays) }})
	}
	for _, h := range figs {
		if h.Kind == sdk.FigureTable || h.Kind == sdk.FigureHistogram {
			continue
		}
		if ofFlow && plugin == "correlations" && h.Name != "G" {
			continue // the flow check above draws the implied temperatures; the rest stays in the data
		}
		e := base
		e.Name = en.Name + "-" + h.Name
		e.Caption = h.Title + " of " + en.Ref()
		if p := paperRE.FindStringSubmatch(h.Title); p != nil {
			e.Paper = p[1]
		}
		items = append(items, report.Item{Entry: e, Make: func() (*report.Figure, error) { return report.FromHint(arrays, h) }})
	}
	return items
}

// flowCheckFigure draws the implied temperatures of a correlations
// analysis of a flow against iteration, with the temperatures the model
// of the flow's data declares.
func (g *gather) flowCheckFigure(en registry.Entry, arrays []npz.Array) (*report.Figure, error) {
	col := func(name string) []float64 {
		a, ok := npz.Find(arrays, name)
		if !ok {
			return nil
		}
		v, _ := a.Data.([]float64)
		return v
	}
	x := col("group")
	if x == nil {
		return nil, fmt.Errorf("%s has no group (iteration) column", en)
	}
	var ss []report.Series
	for _, c := range []struct{ name, label string }{
		{"T_energy", "energy"}, {"T_abs_m", "mean |m|"}, {"T_G", "G(L/2)"}, {"T_thermometer", "thermometer (mean)"}} {
		if y := col(c.name); y != nil {
			ss = append(ss, report.Series{Label: c.label, X: x, Y: y, Err: col(c.name + "_err")})
		}
	}
	if len(ss) == 0 {
		return nil, fmt.Errorf("%s has no implied temperatures", en)
	}
	refs, err := g.refsOf(en)
	if err != nil {
		return nil, err
	}
	return report.FlowTemperatures("flow check of "+en.Ref(), true, refs.lines("T"), ss...)
}

// runReport is the report step of a plan: every other step's entry.
func runReport(ctx context.Context, env *Env, p *Plan, s *Step, input func(id string) string) (ReportResult, error) {
	store, err := env.store()
	if err != nil {
		return ReportResult{}, err
	}
	var entries []registry.Entry
	for _, st := range p.Steps {
		if st.Kind == KindReport {
			continue
		}
		d := input(st.ID)
		if d == "" {
			continue
		}
		en, err := store.Lookup(d)
		if err != nil {
			return ReportResult{}, err
		}
		entries = append(entries, en)
	}
	out := s.Report.Out
	if env.ReportOut != "" {
		out = env.ReportOut
	}
	spec := ReportSpec{Title: s.Report.Title, Out: out, Entries: entries,
		Intro: []string{fmt.Sprintf("Spec %s (%s), rgml %s.", filepath.Base(p.Spec.File), p.Spec.Digest, env.Build.Version)}}
	r, err := BuildReport(ctx, store, spec)
	if err != nil && report.IsMissing(err) {
		return r, fmt.Errorf("report in %s: %w", out, err)
	}
	return r, err
}

// reportCodeVersion versions the report this file and reportinputs.go
// assemble from the registry: bump it when the report's data change
// (codeVersions).
const reportCodeVersion = 1

// ReportKind is what a run record calls its report step: the report is
// a folder of files, not a registry entry.
const ReportKind registry.Kind = "report"

// EntryFigure draws one figure of an entry as the report does: kind
// "samples" (a dataset), "history" (a model), "flow" (a flow; on the
// grid for a (T, Δ) flow) or
// "flow-check" (a correlations analysis of a flow).
func EntryFigure(s *registry.Store, en registry.Entry, kind string) (*report.Figure, error) {
	g := &gather{s: s, manifests: map[string]registry.Manifest{}, byDigest: map[string]registry.Entry{}}
	switch kind {
	case "samples":
		return g.samples(en)
	case "history":
		h, _, err := ReadHistory(s, en.Digest)
		if err != nil {
			return nil, err
		}
		if h.Len() == 0 {
			return nil, usagef("%s has no training history (it was not trained)", en)
		}
		return historyFigure(en, h)
	case "flow":
		if arrays, ok := g.jointArrays(en); ok {
			return jointGridFigure(en, arrays)
		}
		return g.flowFigure(en)
	case "flow-check":
		if _, ok := g.input(en, "flow"); !ok {
			return nil, usagef("%s is not an analysis of a flow", en)
		}
		arrays, _, err := ReadAnalysis(s, en)
		if err != nil {
			return nil, err
		}
		return g.flowCheckFigure(en, arrays)
	}
	return nil, usagef("unknown figure kind %q", kind)
}
