package experiment

import (
	"context"
	"fmt"
	"strings"

	"github.com/rgml/rgml/framework/experiment/presets"
	"github.com/rgml/rgml/framework/experiment/steps/reportkind"
	"github.com/rgml/rgml/framework/fsutil"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// The report kind's names (package steps/reportkind) as cmd/rgml, the study
// packages and the tests use them.
type (
	ReportSpec       = reportkind.ReportSpec
	ReportResult     = reportkind.ReportResult
	MissingStep      = reportkind.MissingStep
	Judge            = reportkind.Judge
	JudgeInput       = reportkind.JudgeInput
	FigureLabeler    = reportkind.FigureLabeler
	SamplePicker     = reportkind.SamplePicker
	ReportFigure     = reportkind.ReportFigure
	FlowDistribution = reportkind.FlowDistribution
)

// ReportKind is what a run record calls its report step (reportkind.ReportKind).
const ReportKind = reportkind.ReportKind

// BuildReport draws a report of registry entries (reportkind.BuildReport).
func BuildReport(ctx context.Context, s *registry.Store, rs ReportSpec) (ReportResult, error) {
	return reportkind.BuildReport(ctx, s, rs)
}

// RunReportSpec is the report of a run's record (reportkind.RunReportSpec).
func RunReportSpec(ctx context.Context, s *registry.Store, run registry.Entry) (ReportSpec, registry.RunRecord, error) {
	return reportkind.RunReportSpec(ctx, s, run)
}

// EntryFigure draws one figure of an entry as the report does
// (reportkind.EntryFigure).
func EntryFigure(s *registry.Store, en registry.Entry, kind string) (*report.Figure, error) {
	return reportkind.EntryFigure(s, en, kind)
}

// OverlayFigure draws several entries on one figure (reportkind.OverlayFigure).
func OverlayFigure(s *registry.Store, kind string, entries []registry.Entry) (*report.Figure, error) {
	return reportkind.OverlayFigure(s, kind, entries)
}

// ReadAnalysis reads an Analysis entry's results and suggested figures
// (reportkind.ReadAnalysis).
func ReadAnalysis(s *registry.Store, en registry.Entry) ([]npz.Array, []sdk.Figure, error) {
	return reportkind.ReadAnalysis(s, en)
}

// ReadFlowDistribution reads a flow's distribution per iteration
// (reportkind.ReadFlowDistribution).
func ReadFlowDistribution(s *registry.Store, en registry.Entry) (FlowDistribution, error) {
	return reportkind.ReadFlowDistribution(s, en)
}

// RegisterJudge makes j available to specs under j.Name() (reportkind.RegisterJudge).
func RegisterJudge(j Judge) { reportkind.RegisterJudge(j) }

// LookupJudge returns the judge registered under name (reportkind.LookupJudge).
func LookupJudge(name string) (Judge, bool) { return reportkind.LookupJudge(name) }

// JudgeNames lists the registered judges, sorted (reportkind.JudgeNames).
func JudgeNames() []string { return reportkind.JudgeNames() }

// RunJudge returns the judge a run's spec named, read from that spec as
// the run read it: its preset, or its file while the file still has the
// digest the run recorded. A run record keeps the spec's name, not its
// text: when that spec can no longer be read as the run read it, judge is
// "" and lost says why in a sentence (the caller says so: a verdict table
// must not vanish silently).
func RunJudge(rec registry.RunRecord) (judge, lost string) {
	var b []byte
	if name, ok := strings.CutPrefix(rec.Spec, "preset:"); ok {
		b, _ = presets.Get(name)
	} else if rec.Spec != "" {
		b, _ = fsutil.ReadRegular(rec.Spec, MaxSpecBytes)
	}
	if b == nil {
		if rec.Spec == "" {
			return "", ""
		}
		return "", fmt.Sprintf("its spec %s cannot be read here", rec.Spec)
	}
	s, err := Parse(rec.Spec, b)
	if err != nil || s.Digest != rec.SpecDigest {
		return "", fmt.Sprintf("its spec %s has changed since the run read it", rec.Spec)
	}
	if s.Report == nil {
		return "", ""
	}
	return s.Report.Judge, ""
}
