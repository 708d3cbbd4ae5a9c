package sdk

import (
	"context"
	"strings"
)

// AnalyzerInput documents one tensor an analyzer reads. Name carries its
// prefix: "weights/W" for a tensor of the learner's weights, "data/configs"
// for data (a dataset's configurations, flowed configurations, a label, a
// reference curve).
type AnalyzerInput struct {
	Name     string
	Doc      string
	Required bool
}

// AnalyzerDescription is what an analyzer plugin says about itself.
type AnalyzerDescription struct {
	Info
	Parameters []ParamSpec
	// Learners whose weights the analyzer understands (empty: any).
	Learners []string
	// Inputs are every tensor the analyzer reads; a request carrying any
	// other is refused, so that no input is ignored silently.
	Inputs []AnalyzerInput
}

// AnalyzeRequest asks an analyzer to analyse weights and/or data.
type AnalyzeRequest struct {
	Params Params // resolved against the description: defaults filled in
	Seed   uint64
	// Size is the linear lattice size L of the configurations and of the
	// visible layer the weights belong to (N_v = L^d).
	Size int
	// Dimension d of the lattice; 0 is 2 (see Dim).
	Dimension int
	Weights   []Tensor // named without prefix: "W"
	Data      []Tensor // named without prefix: "configs", "T"
	// Lattice and StateSpace are what the model of the data declares
	// (ModelDescription.Lattice and StateSpace); empty when the host knows
	// no model for them.
	Lattice    string
	StateSpace []int8
}

// Sites returns the sites of the request's lattice, L^d.
func (r AnalyzeRequest) Sites() int { return LatticeSites(r.Size, r.Dimension) }

// Figure kinds an analysis may suggest.
const (
	FigureLine      = "line"
	FigureHeatmap   = "heatmap"
	FigureHistogram = "histogram"
	FigureScatter   = "scatter"
	// FigureTable: Series are the columns of a table whose rows are
	// labelled by the X tensor.
	FigureTable = "table"
)

// Figure suggests how to draw some of an analysis's results.
type Figure struct {
	Name   string // unique within the analysis; file names use it
	Kind   string // one of the Figure* constants
	Title  string
	X      string // the x tensor (line, scatter, table rows)
	XLabel string
	YLabel string
	LogX   bool
	LogY   bool
	// Series are the result tensors drawn (a heatmap draws one 2-D tensor).
	Series []string
	// Errors, when set, has one entry per series: the tensor of its
	// one-sigma error bars, or "" for none.
	Errors []string
	// Limits, when set, has one entry per series: a tensor of its length
	// flagging the points that are limits rather than measurements (a
	// fit's value at a bound of its range): +1 the true value is at least
	// the one given, −1 at most, 0 measured; "" for none. The host draws
	// a limit as such (an open marker with an arrow) and says so.
	Limits []string `json:",omitempty"`
}

// Analysis is an analyzer's answer: named result tensors (1-D series, 2-D
// maps, table columns) and the figures suggested for them.
type Analysis struct {
	Results []Tensor
	Figures []Figure
}

// Analyzer reads weights and/or configurations and returns results.
type Analyzer interface {
	Describe(ctx context.Context) (AnalyzerDescription, error)
	// Analyze runs the analysis. The request has been validated against
	// the description.
	Analyze(ctx context.Context, req AnalyzeRequest) (Analysis, error)
}

// Input returns the named input ("weights/W", "data/configs").
func (d AnalyzerDescription) Input(name string) (AnalyzerInput, bool) {
	for _, in := range d.Inputs {
		if in.Name == name {
			return in, true
		}
	}
	return AnalyzerInput{}, false
}

func (d AnalyzerDescription) inputNames() string {
	names := make([]string, len(d.Inputs))
	for i, in := range d.Inputs {
		names[i] = in.Name
	}
	return strings.Join(names, ", ")
}

// ValidateAnalyze checks a request against the description: parameters
// resolved (defaults filled in), every required input present, no input
// the analyzer does not read, every tensor well formed.
func (d AnalyzerDescription) ValidateAnalyze(req AnalyzeRequest) (AnalyzeRequest, error) {
	p, err := ResolveParams(d.Parameters, req.Params)
	if err != nil {
		return req, err
	}
	req.Params = p
	if req.Size < 1 {
		return req, InvalidArgument("lattice size %d: want L ≥ 1", req.Size)
	}
	if err := CheckDimension(req.Dimension); err != nil {
		return req, err
	}
	given := map[string]bool{}
	for _, g := range []struct {
		prefix string
		ts     []Tensor
	}{{"weights/", req.Weights}, {"data/", req.Data}} {
		for _, t := range g.ts {
			name := g.prefix + t.Name
			if given[name] {
				return req, InvalidArgument("input %s given twice", name)
			}
			given[name] = true
			if _, ok := d.Input(name); !ok {
				return req, InvalidArgument("analyzer %s does not read %s (it reads: %s)", d.Name, name, d.inputNames())
			}
			if err := checkTensor(t); err != nil {
				return req, err
			}
		}
	}
	for _, in := range d.Inputs {
		if in.Required && !given[in.Name] {
			return req, InvalidArgument("analyzer %s needs %s: %s", d.Name, in.Name, in.Doc)
		}
	}
	return req, nil
}

// Check reports an error for an analysis whose figures name results it
// does not carry, or whose figure names repeat: the host could not draw it.
func (a Analysis) Check() error {
	have := map[string]Tensor{}
	for _, t := range a.Results {
		if _, dup := have[t.Name]; dup {
			return InvalidArgument("result %s given twice", t.Name)
		}
		if err := checkTensor(t); err != nil {
			return err
		}
		have[t.Name] = t
	}
	names := map[string]bool{}
	for _, f := range a.Figures {
		if f.Name == "" || names[f.Name] {
			return InvalidArgument("figure %q: names must be set and unique", f.Name)
		}
		names[f.Name] = true
		switch f.Kind {
		case FigureLine, FigureHeatmap, FigureHistogram, FigureScatter, FigureTable:
		default:
			return InvalidArgument("figure %s: unknown kind %q", f.Name, f.Kind)
		}
		if len(f.Series) == 0 {
			return InvalidArgument("figure %s draws no series", f.Name)
		}
		if len(f.Errors) != 0 && len(f.Errors) != len(f.Series) {
			return InvalidArgument("figure %s: %d error tensors for %d series", f.Name, len(f.Errors), len(f.Series))
		}
		if len(f.Limits) != 0 && len(f.Limits) != len(f.Series) {
			return InvalidArgument("figure %s: %d limit tensors for %d series", f.Name, len(f.Limits), len(f.Series))
		}
		refs := append(append(append([]string{f.X}, f.Series...), f.Errors...), f.Limits...)
		for _, r := range refs {
			if r == "" {
				continue
			}
			if _, ok := have[r]; !ok {
				return InvalidArgument("figure %s names result %q, which the analysis does not carry", f.Name, r)
			}
		}
		if f.Kind == FigureHeatmap && len(have[f.Series[0]].Shape) != 2 {
			return InvalidArgument("figure %s: a heatmap needs a 2-D tensor, %s has shape %v", f.Name, f.Series[0], have[f.Series[0]].Shape)
		}
	}
	return nil
}
