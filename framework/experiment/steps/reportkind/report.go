package reportkind

import (
	"context"
	"fmt"

	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/experiment/steps/stepdata"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// ReportSpec is a report to build from registry entries (a run's, or
// any): every figure their data allow, and the verdicts of its judge.
type ReportSpec struct {
	Title string
	// Judge names the registered judge that draws the verdict table;
	// "" draws none.
	Judge   string
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
	Verdicts []report.Verdict
	Dir      string
}

// Figures the report draws from each kind of entry.
//   - dataset: a configuration at each of up to four values of its label
//     (the values the study's judge picks, SamplePicker, else spread over
//     the dataset's); sampled on a grid of two parameters, one at each
//     corner of the grid;
//   - model: Fig. 4 for a thermometer (train and test loss), the training
//     history for other learners (a model without history, e.g. random
//     weights, draws nothing);
//   - flow: Figs. 5–11, the thermometer's distribution per iteration; for
//     a flow read by a (T, Δ) thermometer, its distribution on the grid
//     per iteration and its thermometer-free observables, and the phase
//     diagrams with the paths of all such flows (plane.go), first;
//   - analysis: every figure its analyzer suggests; for an analysis of a
//     flow that reports implied temperatures per iteration, those beside
//     the thermometer's (the thermometer-free check) in place of its
//     per-iteration figures.

// BuildReport draws the report of spec.Entries into spec.Out, with the
// verdicts of spec.Judge judged from what the entries hold. A figure that
// cannot be drawn is listed as missing and the error is then a
// *report.MissingError; the page is written in every case.
func BuildReport(ctx context.Context, s *registry.Store, spec ReportSpec) (ReportResult, error) {
	g := newGather(s)
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
	items = append(g.planeItems(), items...) // the headline of a run of two-parameter flows
	for _, ms := range spec.Missing {
		why := fmt.Errorf("%s %s has no result: %s", ms.Kind, ms.Name, ms.Why)
		items = append(items, report.Item{Entry: report.Entry{Name: "missing-" + ms.Kind + "-" + ms.Name, Caption: ms.Kind + " " + ms.Name},
			Make: func() (*report.Figure, error) { return nil, why }})
	}
	head := report.Page{Title: spec.Title, Intro: spec.Intro}
	if spec.Judge != "" {
		j, ok := LookupJudge(spec.Judge)
		if !ok {
			return ReportResult{}, usagef("%s", unknownJudge(spec.Judge))
		}
		v, err := j.Judge(ctx, JudgeInput{Store: s, Entries: spec.Entries, g: g})
		if err != nil {
			return ReportResult{}, fmt.Errorf("judge %s: %w", spec.Judge, err)
		}
		head.Verdicts = v
		if l, ok := j.(FigureLabeler); ok {
			g.label(l, items, JudgeInput{Store: s, Entries: spec.Entries, g: g})
		}
		g.picker, _ = j.(SamplePicker)
	}
	page, err := report.BuildPage(spec.Out, head, items)
	return ReportResult{Page: page, Verdicts: head.Verdicts, Dir: spec.Out}, err
}

// newGather is a gather of no entries yet, reading s.
func newGather(s *registry.Store) *gather {
	return &gather{s: s, manifests: map[string]registry.Manifest{}, byDigest: map[string]registry.Entry{}}
}

type gather struct {
	s         *registry.Store
	manifests map[string]registry.Manifest
	byDigest  map[string]registry.Entry
	plane     []planeFlow             // the two-parameter flows seen, for the plane diagrams
	figures   map[string]ReportFigure // by item name, what a judge may label
	picker    SamplePicker            // the judge's choice of samples; nil: none
}

// figure notes what the item named name draws, for a judge to label.
func (g *gather) figure(name string, f ReportFigure) {
	if g.figures == nil {
		g.figures = map[string]ReportFigure{}
	}
	g.figures[name] = f
}

// label sets the labels a judge gives the items it knows.
func (g *gather) label(l FigureLabeler, items []report.Item, in JudgeInput) {
	for i := range items {
		if f, ok := g.figures[items[i].Name]; ok {
			f.In = in
			if s := l.LabelFigure(f); s != "" {
				items[i].Label = s
			}
		}
	}
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

func (g *gather) items(en registry.Entry) []report.Item {
	m := g.manifest(en)
	base := report.Entry{Refs: []string{refOf(en)}}
	switch en.Kind {
	case registry.Dataset:
		e := base
		e.Name, e.Caption, e.Group = "samples-"+en.Name, "sample configurations of "+en.Ref(), "samples"
		g.figure(e.Name, ReportFigure{Kind: "samples", Entry: en})
		e.Params = paramsOf(m.Lineage.Parameters)
		return []report.Item{{Entry: e, Make: func() (*report.Figure, error) { return g.samples(en) }}}
	case registry.Model:
		if _, ok := en.File(formats.HistoryFile); !ok {
			return nil
		}
		h, _, err := stepdata.ReadHistory(g.s, en.Digest)
		if err == nil && h.Len() == 0 {
			return nil // nothing was trained (random weights)
		}
		e := base
		e.Name, e.Caption, e.Group = "history-"+en.Name, "training history of "+en.Ref(), "trainings"
		e.Params = paramsOf(m.Lineage.HyperParameters)
		g.figure(e.Name, ReportFigure{Kind: "history", Entry: en, Metrics: h.MetricNames()})
		return []report.Item{{Entry: e, Make: func() (*report.Figure, error) {
			if err != nil {
				return nil, err
			}
			return historyFigure(en, h)
		}}}
	case registry.Flow:
		e := base
		e.Name, e.Group = "flow-"+en.Name, "flows"
		e.Caption = "the distribution of what the thermometer measures (the label it learned), per iteration of " + flowRef(en) + flowFrom(g, en)
		for _, role := range []string{"rbm", "thermometer", "from"} {
			if in, ok := g.input(en, role); ok {
				e.Refs = append(e.Refs, role+": "+refOf(in))
			}
		}
		e.Params = paramsOf(m.Lineage.Extra)
		if f, ax, ok := g.planeFlowOf(en); ok {
			return g.planeFlowItems(en, e, f, ax)
		}
		g.figure(e.Name, ReportFigure{Kind: "flow", Entry: en})
		return []report.Item{{Entry: e, Make: func() (*report.Figure, error) { return g.flowFigure(en) }}}
	case registry.Analysis:
		return g.analysisItems(en, m, base)
	}
	return nil
}

// trainedHistory reads a model's training history, which a model that
// was not trained (random weights) does not have: a usage error.
func trainedHistory(s *registry.Store, en registry.Entry) (formats.History, error) {
	h, _, err := stepdata.ReadHistory(s, en.Digest)
	if err == nil && h.Len() == 0 {
		err = usagef("%s has no training history (it was not trained)", en)
	}
	return h, err
}

// epochs are a history's epochs as a figure's x values.
func epochs(h formats.History) []float64 {
	ep := make([]float64, h.Len())
	for i, e := range h.Epoch {
		ep[i] = float64(e)
	}
	return ep
}

func historyFigure(en registry.Entry, h formats.History) (*report.Figure, error) {
	ep := epochs(h)
	if tr, ok := h.Metrics["train_loss"]; ok {
		return report.LossCurves(ep, tr, h.Metrics["test_loss"])
	}
	var ss []report.Series
	for _, name := range h.MetricNames() {
		ss = append(ss, report.Series{Label: name, X: ep, Y: h.Metrics[name]})
	}
	return report.SmallMultiples("training history of "+en.Ref(), "epoch", ss...)
}

// flowFigure draws a flow's measured distribution per iteration, with the
// values of its label the model of the flow's data declares.
func (g *gather) flowFigure(en registry.Entry) (*report.Figure, error) {
	f, err := ReadFlowDistribution(g.s, en)
	if err != nil {
		return nil, err
	}
	refs, err := g.refsOf(en)
	if err != nil {
		return nil, err
	}
	return distributionFigure(flowRef(en), f, refs.lines(f.Label))
}

// distributionFigure is named by the label the thermometer learned: a
// thermometer of Δ measures no temperature.
func distributionFigure(ref string, f FlowDistribution, vlines []report.Ref) (*report.Figure, error) {
	var ss []report.Series
	for i, it := range f.Iterations {
		ss = append(ss, report.Series{Label: fmt.Sprintf("iteration %d", it), X: f.Classes, Y: f.Distribution[i]})
	}
	measured := "measured " + report.Symbol(f.Label)
	return report.Lines(report.LineOptions{Title: ref + ": " + measured + " distribution",
		XLabel: measured, YLabel: "share", VLines: vlines}, ss...)
}

// ReadAnalysis reads an Analysis entry's results and suggested figures.
func ReadAnalysis(s *registry.Store, en registry.Entry) ([]npz.Array, []sdk.Figure, error) {
	arrays, err := stepdata.ReadNPZ(s, en, formats.AnalysisFile)
	if err != nil {
		return nil, nil, err
	}
	b, err := s.ReadFile(en, formats.FiguresFile)
	if err != nil {
		return nil, nil, err
	}
	a, err := formats.DecodeAnalysis(arrays, b)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", en, err)
	}
	return a.Results, a.Figures, nil
}

func (g *gather) analysisItems(en registry.Entry, m registry.Manifest, base report.Entry) []report.Item {
	for _, role := range []string{"model", "flow", "data", "reference"} {
		if in, ok := g.input(en, role); ok {
			base.Refs = append(base.Refs, role+": "+refOf(in))
		}
	}
	base.Params = paramsOf(m.Lineage.Parameters)
	arrays, figs, err := ReadAnalysis(g.s, en)
	if err != nil {
		e := base
		e.Name, e.Caption = "analysis-"+en.Name, "analysis "+en.Ref()
		return []report.Item{{Entry: e, Make: func() (*report.Figure, error) { return nil, err }}}
	}
	// An analysis of a flow that reads off the temperatures its
	// observables imply, per iteration, is the flow's thermometer-free
	// check, whichever analyzer made it.
	label := g.flowLabel(en)
	check := label != "" && impliesTemperatures(arrays, label)
	var items []report.Item
	if check {
		e := base
		e.Name, e.Label, e.Group = en.Name+"-flow-check", "thermometer-free check", "checks"
		g.figure(e.Name, ReportFigure{Kind: "flow-check", Entry: en})
		e.Caption = "temperatures implied by energy, ⟨|m|⟩ and G(L/2) of the flowed configurations, beside the thermometer's mean reading (" + en.Ref() + ")"
		items = append(items, report.Item{Entry: e, Make: func() (*report.Figure, error) { return g.flowCheckFigure(en, arrays, label) }})
	}
	for _, h := range figs {
		if h.Kind == sdk.FigureTable || h.Kind == sdk.FigureHistogram {
			continue
		}
		if check && h.X == flowCheckX {
			continue // the flow check above draws the implied temperatures; the other per-iteration curves stay in the data
		}
		e := base
		e.Name, e.Group = en.Name+"-"+h.Name, "analyses"
		e.Caption = h.Title + " of " + en.Ref()
		g.figure(e.Name, ReportFigure{Kind: "analysis", Entry: en, Title: h.Title})
		items = append(items, report.Item{Entry: e, Make: func() (*report.Figure, error) { return report.FromHint(arrays, h) }})
	}
	return items
}

// flowCheckX is the column of flow iterations an analysis of a flow
// reports its per-iteration results against.
const flowCheckX = "group"

// impliedTemperatures are the columns of a thermometer-free check, each
// LABEL_name for the label the flow's thermometer reads: the values of
// that label implied by observables of the flowed configurations.
var impliedTemperatures = []struct{ name, label string }{
	{"energy", "energy"}, {"abs_m", "mean |m|"}, {"G", "G(L/2)"}, {"thermometer", "thermometer (mean)"}}

// impliesTemperatures reports whether an analysis's results hold values
// of label implied per flow iteration.
func impliesTemperatures(arrays []npz.Array, label string) bool {
	if npz.Float64s(arrays, flowCheckX) == nil {
		return false
	}
	for _, c := range impliedTemperatures {
		if npz.Float64s(arrays, label+"_"+c.name) != nil {
			return true
		}
	}
	return false
}

// flowLabel is the label the thermometer of the flow an analysis read
// reads; "" for an analysis of no flow, or of one whose file cannot be
// read (its own figure says why).
func (g *gather) flowLabel(en registry.Entry) string {
	fen, ok := g.input(en, "flow")
	if !ok {
		return ""
	}
	f, err := stepdata.ReadFlow(g.s, fen)
	if err != nil {
		return ""
	}
	return f.Params()[0]
}

// flowCheckFigure draws the values of label implied by an analysis of a
// flow against iteration, with the values the model of the flow's data
// declares.
func (g *gather) flowCheckFigure(en registry.Entry, arrays []npz.Array, label string) (*report.Figure, error) {
	col := func(name string) []float64 {
		a, ok := npz.Find(arrays, name)
		if !ok {
			return nil
		}
		v, _ := a.Data.([]float64)
		return v
	}
	x := col(flowCheckX)
	if x == nil {
		return nil, fmt.Errorf("%s has no %s (iteration) column", en, flowCheckX)
	}
	var ss []report.Series
	for _, c := range impliedTemperatures {
		if y := col(label + "_" + c.name); y != nil {
			ss = append(ss, report.Series{Label: c.label, X: x, Y: y, Err: col(label + "_" + c.name + "_err")})
		}
	}
	if len(ss) == 0 {
		return nil, fmt.Errorf("%s has no implied temperatures", en)
	}
	refs, err := g.refsOf(en)
	if err != nil {
		return nil, err
	}
	return report.FlowTemperatures("thermometer-free check of "+en.Ref(), report.Symbol(label), true, refs.lines(label), ss...)
}

// EntryFigure draws one figure of an entry as the report does: kind
// "samples" (a dataset), "history" (a model), "flow" (a flow; on the
// grid for a flow read by a thermometer of two parameters) or
// "flow-check" (an analysis of a flow with implied temperatures).
func EntryFigure(s *registry.Store, en registry.Entry, kind string) (*report.Figure, error) {
	g := newGather(s)
	switch kind {
	case "samples":
		return g.samples(en)
	case "history":
		h, err := trainedHistory(s, en)
		if err != nil {
			return nil, err
		}
		return historyFigure(en, h)
	case "flow":
		if f, ax, ok := g.planeFlowOf(en); ok {
			return planeGridFigure(en, f, ax)
		}
		return g.flowFigure(en)
	case "flow-check":
		fen, ok := g.input(en, "flow")
		if !ok {
			return nil, usagef("%s is not an analysis of a flow", en)
		}
		f, err := stepdata.ReadFlow(s, fen)
		if err != nil {
			return nil, err
		}
		arrays, _, err := ReadAnalysis(s, en)
		if err != nil {
			return nil, err
		}
		return g.flowCheckFigure(en, arrays, f.Params()[0])
	}
	return nil, usagef("unknown figure kind %q", kind)
}
