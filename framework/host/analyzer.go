package host

import (
	"context"

	"github.com/rgml/rgml/framework/sdk"
)

// Analyzer is a running analyzer plugin, with its description.
type Analyzer struct {
	*Plugin
	Desc     sdk.AnalyzerDescription
	analyzer sdk.Analyzer
}

var _ sdk.Analyzer = (*Analyzer)(nil)

// Analyzer launches the plugin called name and returns it as an analyzer.
func (h *Host) Analyzer(ctx context.Context, name string) (*Analyzer, error) {
	return launchAs(h, ctx, name, "analyzer", (*Plugin).asAnalyzer)
}

// asAnalyzer talks to p as an analyzer; a plugin of another kind gives an
// error wrapping sdk.ErrUnimplemented.
func (p *Plugin) asAnalyzer(ctx context.Context) (*Analyzer, error) {
	impl, d, err := dispense(ctx, p, sdk.KindAnalyzer, sdk.Analyzer.Describe)
	if err != nil {
		return nil, err
	}
	return &Analyzer{Plugin: p, Desc: d, analyzer: impl}, nil
}

// Describe asks the plugin for its description again.
func (a *Analyzer) Describe(ctx context.Context) (sdk.AnalyzerDescription, error) {
	return describe(ctx, a.Plugin, a.analyzer.Describe)
}

// Analyze runs an analysis under the idle watchdog; the plugin's SDK sends
// heartbeats while it works.
func (a *Analyzer) Analyze(ctx context.Context, req sdk.AnalyzeRequest) (sdk.Analysis, error) {
	var out sdk.Analysis
	err := a.watch(ctx, "analysing", func(ctx context.Context) error {
		var err error
		out, err = a.analyzer.Analyze(ctx, req)
		return err
	})
	return out, err
}
