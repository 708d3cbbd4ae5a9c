package reportkind

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/experiment/steps/stepdata"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/registry"
)

// A Judge draws a study's verdict table from a report's entries. The
// framework knows no study: a study package registers its judge (in its
// init), the host imports that package, and a spec chooses the judge by
// name (report: {judge: NAME}). A report whose spec names none has no
// verdict table.
type Judge interface {
	Name() string
	// Judge returns the table's rows; what is absent from the entries
	// is the judge's to report as missing rows, not an error.
	Judge(ctx context.Context, in JudgeInput) ([]report.Verdict, error)
}

// A FigureLabeler is a judge that also says which figure of its study a
// report's figure corresponds to (e.g. its number in a paper): the page
// shows the label before the caption. The framework knows no study's
// figures, so a report judged by no labeler shows no such label.
type FigureLabeler interface {
	// LabelFigure returns the label of f, or "" to leave f's own.
	LabelFigure(f ReportFigure) string
}

// A SamplePicker is a judge that says which configurations of a dataset
// its study shows (e.g. a paper figure's temperatures): for the label a
// dataset's samples figure is drawn along, the values to show, those the
// dataset has; nil leaves the figure's own choice (four values spread
// over the dataset's). The framework knows no study's values.
type SamplePicker interface {
	SampleValues(label string) []float64
}

// ReportFigure is what a judge may know a report's figure by.
type ReportFigure struct {
	// Kind is what the figure draws: "samples" (a dataset's
	// configurations), "history" (a model's training history), "flow"
	// (a flow's distribution per iteration), "flow-grid" and
	// "flow-observables" (of a flow read by a thermometer of two
	// parameters), "flow-paths" (flows on the plane of two parameters),
	// "flow-check" (an analysis's implied temperatures) or "analysis"
	// (a figure an analyzer suggests).
	Kind  string
	Entry registry.Entry // the entry drawn; zero for flow paths
	// Metrics are a history's metrics; Title is an analyzer's title of
	// its figure.
	Metrics []string
	Title   string
	// In is the report's entries and registry, for a label that depends
	// on the drawn entry's lineage (which RBM a flow is of).
	In JudgeInput
}

var judges = struct {
	sync.RWMutex
	m map[string]Judge
}{m: map[string]Judge{}}

// RegisterJudge makes j available to specs under j.Name(); a second
// judge of the same name is a programming error.
func RegisterJudge(j Judge) {
	judges.Lock()
	defer judges.Unlock()
	if _, dup := judges.m[j.Name()]; dup {
		panic(fmt.Sprintf("experiment: judge %q registered twice", j.Name()))
	}
	judges.m[j.Name()] = j
}

// LookupJudge returns the judge registered under name.
func LookupJudge(name string) (Judge, bool) {
	judges.RLock()
	defer judges.RUnlock()
	j, ok := judges.m[name]
	return j, ok
}

// JudgeNames lists the registered judges, sorted.
func JudgeNames() []string {
	judges.RLock()
	defer judges.RUnlock()
	out := make([]string, 0, len(judges.m))
	for n := range judges.m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// unknownJudge is the complaint about a judge nobody registered.
func unknownJudge(name string) string {
	known := "none"
	if ns := JudgeNames(); len(ns) > 0 {
		known = fmt.Sprint(ns)
	}
	return fmt.Sprintf("unknown judge %q (known: %s)", name, known)
}

// JudgeInput is what a judge reads: the report's entries and the
// registry they live in, with their lineage.
type JudgeInput struct {
	Store   *registry.Store
	Entries []registry.Entry
	g       *gather
}

// Manifest returns en's manifest (the zero manifest when unreadable).
func (in JudgeInput) Manifest(en registry.Entry) registry.Manifest { return in.g.manifest(en) }

// Input returns the entry en's lineage names under role.
func (in JudgeInput) Input(en registry.Entry, role string) (registry.Entry, bool) {
	return in.g.input(en, role)
}

// FlowDistribution is a flow's measured distribution per iteration.
type FlowDistribution struct {
	// Label is what the thermometer reads (its training's label, e.g. T).
	Label        string
	Iterations   []int64
	Classes      []float64   // the thermometer's classes
	Distribution [][]float64 // [len(Iterations)][len(Classes)]
}

// ReadFlowDistribution reads a flow's iterations, classes and
// distribution; a flow read by a thermometer of two parameters has no
// such one-parameter distribution.
func ReadFlowDistribution(s *registry.Store, en registry.Entry) (FlowDistribution, error) {
	f, err := stepdata.ReadFlow(s, en)
	if err != nil {
		return FlowDistribution{}, err
	}
	if len(f.Params()) != 1 {
		return FlowDistribution{}, fmt.Errorf("%s: %s is a reading of %d parameters, not a distribution over one", en, formats.FlowFile, len(f.Params()))
	}
	d := FlowDistribution{Label: f.Params()[0], Iterations: f.Iterations, Classes: f.Classes}
	for i := range f.Iterations {
		d.Distribution = append(d.Distribution, f.Row(i))
	}
	return d, nil
}
