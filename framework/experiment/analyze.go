package experiment

import (
	"context"

	"github.com/rgml/rgml/framework/experiment/steps/analyze"
)

// The analysis kind's names (package steps/analyze) as callers use them.
type (
	AnalyzeSpec   = analyze.AnalyzeSpec
	AnalyzeResult = analyze.AnalyzeResult
)

// Files of an Analysis entry (formats.Analysis).
const (
	AnalysisFile = analyze.AnalysisFile
	FiguresFile  = analyze.FiguresFile
)

// ParamByIteration is the analyzer parameter that says data/group holds
// flow iterations (analyze.ParamByIteration).
const ParamByIteration = analyze.ParamByIteration

// Analyze runs an analyzer plugin on registered entries and registers its
// result (analyze.Analyze).
func Analyze(ctx context.Context, env *Env, spec AnalyzeSpec) (AnalyzeResult, error) {
	return analyze.Analyze(ctx, env, spec)
}
