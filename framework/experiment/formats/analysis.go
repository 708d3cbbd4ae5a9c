package formats

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
)

// Files of an Analysis entry: the analyzer's result tensors, and the
// figures it suggests for them (a JSON list of sdk.Figure).
const (
	AnalysisFile = "analysis.npz"
	FiguresFile  = "figures.json"
)

// Analysis is what an Analysis entry holds.
type Analysis struct {
	Results []npz.Array
	Figures []sdk.Figure
}

// EncodeAnalysis writes a as the bytes of AnalysisFile and FiguresFile.
func EncodeAnalysis(a Analysis) (results, figures []byte, err error) {
	var buf bytes.Buffer
	if err := npz.Encode(&buf, a.Results...); err != nil {
		return nil, nil, err
	}
	figs := a.Figures
	if figs == nil { // written as [], never null
		figs = []sdk.Figure{}
	}
	b, err := json.MarshalIndent(figs, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), b, nil
}

// DecodeAnalysis reads AnalysisFile's arrays and FiguresFile's bytes.
func DecodeAnalysis(results []npz.Array, figures []byte) (Analysis, error) {
	var figs []sdk.Figure
	if err := json.Unmarshal(figures, &figs); err != nil {
		return Analysis{}, fmt.Errorf("%s: %w", FiguresFile, err)
	}
	return Analysis{Results: results, Figures: figs}, nil
}
