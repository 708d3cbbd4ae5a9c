package analyze

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rgml/rgml/framework/sdk"
)

// analyzerInputs is the one rule that binds an analysis's inputs to what
// its analyzer's description asks for (its Inputs, Learners and
// Parameters), never to the analyzer's name. The planner (kind_analysis.go)
// checks a spec with it and Analyze builds the request with it, so a spec
// that plans is a request the analyzer takes. Each check returns what is
// wrong, or "" when the input fits.
type analyzerInputs struct {
	name string // as messages call the analyzer
	desc sdk.AnalyzerDescription
}

func (r analyzerInputs) reads(name string) bool { _, ok := r.desc.Input(name); return ok }

// flow: a flow's configurations go to data/configs, their iteration to
// data/group.
func (r analyzerInputs) flow() string {
	if !r.reads("data/configs") || !r.reads("data/group") {
		return fmt.Sprintf("analyzer %s does not read a flow's configurations (it reads: %s)", r.name, inputList(r.desc))
	}
	return ""
}

// data: beside a flow a dataset is the equilibrium reference
// (data/reference/configs and its labels as data/reference/NAME); alone,
// its configurations go to data/configs.
func (r analyzerInputs) data(withFlow bool) string {
	switch {
	case withFlow && (!r.reads("data/reference/configs") || len(r.referenceLabels()) == 0):
		return fmt.Sprintf("analyzer %s takes no equilibrium reference beside a flow: drop the dataset (it reads: %s)", r.name, inputList(r.desc))
	case !withFlow && !r.reads("data/configs"):
		return fmt.Sprintf("analyzer %s reads no configurations: drop the dataset (it reads: %s)", r.name, inputList(r.desc))
	}
	return ""
}

// referenceLabels are the labels of reference configurations the
// analyzer reads (data/reference/NAME but configs), sorted. A deeper name
// (data/reference/observables/energy) is what the host measures with the
// data's model, not a label.
func (r analyzerInputs) referenceLabels() []string {
	var out []string
	for _, in := range r.desc.Inputs {
		if name, ok := strings.CutPrefix(in.Name, "data/reference/"); ok && name != "configs" && !strings.Contains(name, "/") {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// reference: of the labels a reference dataset has, those the analyzer
// reads beside its configurations; what names the dataset in the
// message when it has none of them.
func (r analyzerInputs) reference(labels []string, what string) ([]string, string) {
	var out []string
	for _, name := range r.referenceLabels() {
		if slices.Contains(labels, name) {
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Sprintf("%s has none of the labels analyzer %s reads of a reference (%s): each reference configuration needs one (it has: %s)",
			what, r.name, strings.Join(r.referenceLabels(), ", "), strings.Join(labels, ", "))
	}
	return out, ""
}

// label is the input a dataset's label goes to: data/NAME, or the
// dataset's group label (its one label of several values, groupLabel) as
// data/group when the analyzer reads a group and no data/NAME; "" when
// the analyzer reads neither.
func (r analyzerInputs) label(name, group string) string {
	as := name
	if !r.reads("data/"+name) && name == group && r.reads("data/group") {
		as = "group"
	}
	if r.reads("data/" + as) {
		return as
	}
	return ""
}

// analyses: the analyzer reads earlier analyses (data/analyses/index,
// the input each element comes from).
func (r analyzerInputs) analyses() string {
	if !r.reads(AnalysesPrefix + "index") {
		return fmt.Sprintf("analyzer %s does not read earlier analyses (it reads: %s)", r.name, inputList(r.desc))
	}
	return ""
}

// weights: the analyzer reads some weights/NAME.
func (r analyzerInputs) weights() string {
	if !slices.ContainsFunc(r.desc.Inputs, func(in sdk.AnalyzerInput) bool { return strings.HasPrefix(in.Name, "weights/") }) {
		return fmt.Sprintf("analyzer %s reads no weights (it reads: %s)", r.name, inputList(r.desc))
	}
	return ""
}

// learner: the weights are of a learner the analyzer reads (any, when it
// names none); what says whose weights they are.
func (r analyzerInputs) learner(learner, what string) string {
	if len(r.desc.Learners) > 0 && !slices.Contains(r.desc.Learners, learner) {
		return fmt.Sprintf("analyzer %s reads the weights of %s, and %s", r.name, strings.Join(r.desc.Learners, ", "), what)
	}
	return ""
}

// byIteration says ParamByIteration is to be set for a flow's
// configurations: the analyzer has the parameter and it is not given.
func (r analyzerInputs) byIteration(given sdk.Params) bool {
	if _, set := given[ParamByIteration]; set {
		return false
	}
	return slices.ContainsFunc(r.desc.Parameters, func(p sdk.ParamSpec) bool { return p.Name == ParamByIteration })
}

// required: every input the analyzer requires is given; field names
// what to give.
func (r analyzerInputs) required(model, dataOrFlow bool) (field, msg string) {
	for _, in := range r.desc.Inputs {
		if !in.Required {
			continue
		}
		switch {
		case strings.HasPrefix(in.Name, "weights/") && !model:
			return "model", fmt.Sprintf("analyzer %s needs %s: give a model", r.name, in.Name)
		case strings.HasPrefix(in.Name, "data/") && !dataOrFlow:
			return "data", fmt.Sprintf("analyzer %s needs %s: give data or a flow", r.name, in.Name)
		}
	}
	return "", ""
}

func inputList(d sdk.AnalyzerDescription) string {
	names := make([]string, len(d.Inputs))
	for i, in := range d.Inputs {
		names[i] = in.Name
	}
	return strings.Join(names, ", ")
}
