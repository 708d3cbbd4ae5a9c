package spec

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/sdk"
)

// Defaults, the same as the flags of rgml sample, train and flow.
const (
	DefaultL          = 10
	DefaultPerPoint   = 1000
	DefaultSeed       = 1
	DefaultIterations = "0,1,2,5,10,20,50,100,200,500,1000"
)

// Spec is a parsed and expanded study: every list or range in a
// single-valued field has become one step per value.
type Spec struct {
	File      string
	Digest    string // sha256 of the spec file's bytes, "sha256:…"
	Datasets  []Dataset
	Trainings []Training
	Flows     []Flow
	Analyses  []Analysis
	// Report, if set, builds the HTML report of every other step at the
	// end of the run.
	Report *Report
}

// Dataset is one dataset step: sampled from a model (Model set; the
// fields of rgml sample) or imported from an .npz file (Import set).
type Dataset struct {
	Name  string
	Model string
	// Params is the parameter grid, in the order written (the first axis
	// varies slowest, as with repeated --param flags).
	Params         []grid.Axis
	L              int
	PerPoint       int
	Algorithm      string // "" = the model's default
	Sweeps         int    // 0 = the algorithm's default
	Thermalization int    // 0 = the algorithm's default
	Seed           uint64
	// Import is the path of an .npz file (relative to the spec's folder)
	// with configs and per-configuration labels; L is then optional (0 =
	// inferred from a square number of sites).
	Import string
	// States is an imported dataset's state space (rgml datasets import
	// --states): every value a site may take, nil for the values the
	// configurations take.
	States []int8
	// Resources is what the step asks of a batch system.
	Resources Resources

	at map[string]Pos
}

// Training is one training step (the fields of rgml train).
type Training struct {
	Name    string
	Learner string
	Data    string      // a dataset step's name
	Where   []grid.Axis // keep only configurations whose labels match
	Test    string      // a dataset step's name, or ""
	Label   string      // what a supervised learner learns ("": the data's one label of several values)
	Set     sdk.Params  // hyper-parameters as written (defaults not filled in)
	Seed    uint64
	// CheckpointEvery is the epochs between checkpoints (0: about 20 per
	// training, as rgml train).
	CheckpointEvery int
	// Resources is what the step asks of a batch system.
	Resources Resources

	at map[string]Pos
}

// Flow is one flow step as a spec writes it (the fields of rgml flow);
// experiment.FlowSpec is the request that runs one.
type Flow struct {
	Name        string
	RBM         string // a training step's name
	Thermometer string // a training step's name
	From        string // a dataset step's name
	Where       []grid.Axis
	Iterations  []int64
	Seed        uint64
	SaveConfigs bool
	// Resources is what the step asks of a batch system.
	Resources Resources

	at map[string]Pos
}

// Analysis is one analysis step (the flags of rgml analyze, one
// model per step).
type Analysis struct {
	Name     string
	Analyzer string
	Model    string // a training step's name, or ""
	Data     string // a dataset step's name, or ""
	Flow     string // a flow step's name, or ""
	// Analyses are earlier analysis steps read together (an analysis of
	// analyses, e.g. across lattice sizes): not expanded, one step reads
	// them all; given alone, without Model, Data or Flow.
	Analyses []string
	Where    []grid.Axis
	Set      sdk.Params // parameters as written (defaults filled in by the plan)
	Seed     uint64
	// Resources is what the step asks of a batch system.
	Resources Resources

	at map[string]Pos
}

// Report is the report of a run: every figure of the steps before it.
type Report struct {
	Title string
	Out   string // folder the page is written into (relative: to the working directory)
	// Judge names the study whose verdict table the report shows (a
	// judge registered by a study package); "" shows none.
	Judge string

	at map[string]Pos
}

// DefaultReportOut is where a spec's report goes when it names no folder.
const DefaultReportOut = "rgml-report"

// Pos returns where field (e.g. "set.hidden", "data", "name") of the step
// was written; the step's own position for "".
func (d Dataset) Pos(field string) Pos  { return posOf(d.at, field) }
func (t Training) Pos(field string) Pos { return posOf(t.at, field) }
func (f Flow) Pos(field string) Pos     { return posOf(f.at, field) }
func (a Analysis) Pos(field string) Pos { return posOf(a.at, field) }
func (r Report) Pos(field string) Pos   { return posOf(r.at, field) }

// Given reports whether the spec wrote field (e.g. "label") for the step.
func (t Training) Given(field string) bool { _, ok := t.at[field]; return ok }

func posOf(at map[string]Pos, field string) Pos {
	if p, ok := at[field]; ok {
		return p
	}
	return at[""]
}

var topFields = []string{"datasets", "trainings", "flows", "analyses", "report"}

var (
	datasetFields  = []string{"name", "model", "params", "L", "per-point", "algorithm", "sweeps", "thermalization", "seed", "import", "states", "cpus", "memory", "time"}
	trainingFields = []string{"name", "learner", "data", "where", "test", "label", "set", "seed", "checkpoint-every", "cpus", "memory", "time"}
	flowFields     = []string{"name", "rbm", "thermometer", "from", "where", "iterations", "seed", "save-configs", "cpus", "memory", "time"}
	analysisFields = []string{"name", "analyzer", "model", "data", "flow", "analyses", "where", "set", "seed", "cpus", "memory", "time"}
	reportFields   = []string{"title", "out", "judge"}
)

// MaxSteps bounds the steps one spec expands to, so that a typo in a range
// is an error rather than a million trainings.
const MaxSteps = 10000

// Parse reads a spec (file names it in errors and resolves imports) and
// expands it. It checks the form of every field; references, plugins and
// parameters are checked by Validate. Every error is an *Error (ErrUsage).
func Parse(file string, data []byte) (*Spec, error) {
	root, err := parseDocument(file, data)
	if err != nil {
		return nil, err
	}
	top, err := root.mapping(topFields)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	s := &Spec{File: file, Digest: "sha256:" + hex.EncodeToString(sum[:])}
	for _, e := range top {
		if e.key == "report" {
			if s.Report, err = parseReport(e.val); err != nil {
				return nil, err
			}
			continue
		}
		items, isSeq, err := e.val.sequence()
		if err != nil {
			return nil, err
		}
		if !isSeq {
			return nil, e.val.errf("want a list of steps (lines starting with -), got %s", kindOf(e.val.n))
		}
		for _, it := range items {
			switch e.key {
			case "datasets":
				err = s.parseDataset(it)
			case "trainings":
				err = s.parseTraining(it)
			case "flows":
				err = s.parseFlow(it)
			case "analyses":
				err = s.parseAnalysis(it)
			}
			if err != nil {
				return nil, err
			}
			if n := len(s.Datasets) + len(s.Trainings) + len(s.Flows) + len(s.Analyses); n > MaxSteps {
				return nil, it.errf("the spec expands to more than %d steps", MaxSteps)
			}
		}
	}
	if len(s.Datasets)+len(s.Trainings)+len(s.Flows)+len(s.Analyses) == 0 {
		return nil, root.errf("the spec has no steps: give datasets, trainings or flows")
	}
	return s, nil
}
