package experiment

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/sdk"
)

// Defaults, the same as the flags of rgml sample, train and flow.
const (
	DefaultL          = 10
	DefaultPerPoint   = 1000
	DefaultSeed       = 1
	DefaultLabel      = "T"
	DefaultIterations = "0,1,2,5,10,20,50,100,200,500,1000"
)

// Spec is a parsed and expanded study: every list or range in a
// single-valued field has become one step per value.
type Spec struct {
	File      string
	Digest    string // sha256 of the spec file's bytes, "sha256:…"
	Datasets  []Dataset
	Trainings []Training
	Flows     []FlowStep
	Analyses  []AnalysisStep
	// Report, if set, builds the HTML report of every other step at the
	// end of the run.
	Report *ReportStep
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
	Label   string      // what a supervised learner learns
	Set     sdk.Params  // hyper-parameters as written (defaults not filled in)
	Seed    uint64
	// CheckpointEvery is the epochs between checkpoints (0: about 20 per
	// training, as rgml train).
	CheckpointEvery int
	// Resources is what the step asks of a batch system.
	Resources Resources

	at map[string]Pos
}

// FlowStep is one flow step (the fields of rgml flow).
type FlowStep struct {
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

// AnalysisStep is one analysis step (the flags of rgml analyze, one
// model per step).
type AnalysisStep struct {
	Name     string
	Analyzer string
	Model    string // a training step's name, or ""
	Data     string // a dataset step's name, or ""
	Flow     string // a flow step's name, or ""
	Where    []grid.Axis
	Set      sdk.Params // parameters as written (defaults filled in by the plan)
	Seed     uint64
	// Resources is what the step asks of a batch system.
	Resources Resources

	at map[string]Pos
}

// ReportStep is the report of a run: every figure of the steps before it.
type ReportStep struct {
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
func (d Dataset) Pos(field string) Pos      { return posOf(d.at, field) }
func (t Training) Pos(field string) Pos     { return posOf(t.at, field) }
func (f FlowStep) Pos(field string) Pos     { return posOf(f.at, field) }
func (a AnalysisStep) Pos(field string) Pos { return posOf(a.at, field) }
func (r ReportStep) Pos(field string) Pos   { return posOf(r.at, field) }

func posOf(at map[string]Pos, field string) Pos {
	if p, ok := at[field]; ok {
		return p
	}
	return at[""]
}

var topFields = []string{"datasets", "trainings", "flows", "analyses", "report"}

var (
	datasetFields  = []string{"name", "model", "params", "L", "per-point", "algorithm", "sweeps", "thermalization", "seed", "import", "cpus", "memory", "time"}
	trainingFields = []string{"name", "learner", "data", "where", "test", "label", "set", "seed", "checkpoint-every", "cpus", "memory", "time"}
	flowFields     = []string{"name", "rbm", "thermometer", "from", "where", "iterations", "seed", "save-configs", "cpus", "memory", "time"}
	analysisFields = []string{"name", "analyzer", "model", "data", "flow", "where", "set", "seed", "cpus", "memory", "time"}
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

// choice is one alternative of an expandable field.
type choice struct {
	text string // as in a name template: numbers in shortest form
	num  float64
	pos  Pos
}

// expander collects the alternatives of a step's expandable fields and
// produces one binding per combination.
type expander struct {
	fields []string
	alts   [][]choice
}

func (x *expander) add(field string, alts []choice) {
	x.fields = append(x.fields, field)
	x.alts = append(x.alts, alts)
}

func (x *expander) count() int {
	n := 1
	for _, a := range x.alts {
		n *= len(a)
		if n > MaxSteps {
			return n
		}
	}
	return n
}

// each calls f with every combination, the first field varying slowest.
func (x *expander) each(f func(map[string]choice) error) error {
	idx := make([]int, len(x.alts))
	for {
		b := make(map[string]choice, len(x.fields))
		for i, fld := range x.fields {
			b[fld] = x.alts[i][idx[i]]
		}
		if err := f(b); err != nil {
			return err
		}
		i := len(idx) - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(x.alts[i]) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return nil
		}
	}
}

func numChoices(n node, integer bool, min float64) ([]choice, error) {
	vs, err := n.values()
	if err != nil {
		return nil, err
	}
	out := make([]choice, len(vs))
	for i, v := range vs {
		if integer && (v != math.Trunc(v) || math.Abs(v) > 1<<53) {
			return nil, n.errf("%v is not an integer below 2^53", v)
		}
		if v < min {
			return nil, n.errf("%v: must be at least %v", v, min)
		}
		out[i] = choice{text: formatNumber(v), num: v, pos: n.pos()}
	}
	return out, nil
}

func strChoices(n node) ([]choice, error) {
	ss, err := n.strs()
	if err != nil {
		return nil, err
	}
	out := make([]choice, len(ss))
	for i, s := range ss {
		if strings.TrimSpace(s) == "" {
			return nil, n.errf("empty name")
		}
		out[i] = choice{text: s, pos: n.pos()}
	}
	return out, nil
}

// stepHead reads the fields common to every step and returns the step's
// entries by key.
func stepHead(it node, allowed []string, kind string) (map[string]entry, node, error) {
	es, err := it.mapping(allowed)
	if err != nil {
		return nil, it, err
	}
	m := map[string]entry{}
	for _, e := range es {
		m[e.key] = e
	}
	if _, ok := m["name"]; !ok {
		return nil, it, it.errf("the %s has no name: every step is named (name: …)", kind)
	}
	return m, it, nil
}

var placeholderRE = regexp.MustCompile(`\{([^{}]*)\}`)

// expandName fills the {field} placeholders of a name template.
func expandName(tmpl entry, b map[string]choice, vary []string) (string, error) {
	var bad error
	name := placeholderRE.ReplaceAllStringFunc(tmpl.val.nodeString(), func(m string) string {
		key := m[1 : len(m)-1]
		c, ok := b[key]
		if !ok {
			c, ok = b["set."+key]
		}
		if !ok && bad == nil {
			bad = tmpl.val.errf("placeholder {%s} names no field given as a list or range here (have: %s)", key, strings.Join(vary, ", "))
		}
		return c.text
	})
	if bad != nil {
		return "", bad
	}
	if strings.ContainsAny(name, "{}") {
		return "", tmpl.val.errf("unbalanced { } in the name %q", name)
	}
	return name, nil
}

func (n node) nodeString() string {
	s, _ := n.str()
	return s
}

// expand runs the combinations of x, checking that every expanded field
// appears in the name template.
// addSet adds a step's `set` mapping (name → number or list of numbers)
// to x as fields set.NAME, records their positions in at, and returns the
// names in the order written.
func addSet(x *expander, m map[string]entry, at map[string]Pos) ([]string, error) {
	e, ok := m["set"]
	if !ok {
		return nil, nil
	}
	es, err := e.val.mapping(nil)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, h := range es {
		alts, err := numChoices(h.val, false, math.Inf(-1))
		if err != nil {
			return nil, err
		}
		x.add("set."+h.key, alts)
		names = append(names, h.key)
		at["set."+h.key] = h.keyAt.pos()
	}
	return names, nil
}

// setOf is the parameters of one expanded step: each name's chosen value.
func setOf(names []string, b map[string]choice) sdk.Params {
	set := sdk.Params{}
	for _, n := range names {
		set[n] = b["set."+n].num
	}
	return set
}

func expand(x *expander, name entry, build func(name string, b map[string]choice) error) error {
	if _, err := name.val.str(); err != nil {
		return err
	}
	if n := x.count(); n > MaxSteps {
		return name.val.errf("expands to %d steps, more than %d", n, MaxSteps)
	}
	var vary []string
	for i, f := range x.fields {
		if len(x.alts[i]) > 1 {
			vary = append(vary, "{"+strings.TrimPrefix(f, "set.")+"}")
		}
	}
	tmpl := name.val.nodeString()
	for _, v := range vary {
		if !strings.Contains(tmpl, v) && !strings.Contains(tmpl, "{set."+v[1:]) {
			return name.val.errf("%s is a list or range, so the name %q must contain %s to give each step its own name", v[1:len(v)-1], tmpl, v)
		}
	}
	return x.each(func(b map[string]choice) error {
		n, err := expandName(name, b, vary)
		if err != nil {
			return err
		}
		return build(n, b)
	})
}

func positions(m map[string]entry, it node) map[string]Pos {
	at := map[string]Pos{"": it.pos()}
	for k, e := range m {
		at[k] = e.keyAt.pos()
	}
	return at
}

func (s *Spec) parseDataset(it node) error {
	m, it, err := stepHead(it, datasetFields, "dataset")
	if err != nil {
		return err
	}
	_, hasModel := m["model"]
	_, hasImport := m["import"]
	switch {
	case hasModel && hasImport:
		return m["import"].keyAt.errf("a dataset is sampled (model) or imported (import), not both")
	case !hasModel && !hasImport:
		return it.errf("the dataset has neither model (sample it) nor import (read it from an .npz file)")
	}
	if hasImport {
		for _, k := range []string{"params", "per-point", "algorithm", "sweeps", "thermalization", "seed"} {
			if e, ok := m[k]; ok {
				return e.keyAt.errf("an imported dataset takes only name, import and L")
			}
		}
	}
	var params []grid.Axis
	if e, ok := m["params"]; ok {
		if params, err = e.val.axes(); err != nil {
			return err
		}
		if _, err := grid.Product(params); err != nil {
			return e.val.errf("%v", err)
		}
		// YAML mappings are unordered: the grid is laid out by parameter
		// name, so that reordering the keys changes neither data nor key.
		sort.Slice(params, func(i, j int) bool { return params[i].Name < params[j].Name })
	}
	x := &expander{}
	ints := []struct {
		field string
		def   float64
		min   float64
	}{{"L", DefaultL, 2}, {"per-point", DefaultPerPoint, 1}, {"sweeps", 0, 0}, {"thermalization", 0, 0}, {"seed", DefaultSeed, 0}}
	for _, f := range ints {
		def := f.def
		if hasImport && f.field == "L" {
			def = 0
		}
		alts := []choice{{text: formatNumber(def), num: def}}
		if e, ok := m[f.field]; ok {
			if alts, err = numChoices(e.val, true, f.min); err != nil {
				return err
			}
		}
		x.add(f.field, alts)
	}
	for _, f := range []string{"model", "algorithm", "import"} {
		alts := []choice{{}}
		if e, ok := m[f]; ok {
			if alts, err = strChoices(e.val); err != nil {
				return err
			}
		}
		x.add(f, alts)
	}
	res, err := parseResources(m)
	if err != nil {
		return err
	}
	at := positions(m, it)
	for _, a := range params {
		at["params."+a.Name] = at["params"]
	}
	return expand(x, m["name"], func(name string, b map[string]choice) error {
		s.Datasets = append(s.Datasets, Dataset{
			Name: name, Model: b["model"].text, Params: params,
			L: int(b["L"].num), PerPoint: int(b["per-point"].num), Algorithm: b["algorithm"].text,
			Sweeps: int(b["sweeps"].num), Thermalization: int(b["thermalization"].num),
			Seed: uint64(b["seed"].num), Import: b["import"].text, Resources: res, at: at,
		})
		return nil
	})
}

func (s *Spec) parseTraining(it node) error {
	m, it, err := stepHead(it, trainingFields, "training")
	if err != nil {
		return err
	}
	for _, k := range []string{"learner", "data"} {
		if _, ok := m[k]; !ok {
			return it.errf("the training has no %s", k)
		}
	}
	res, err := parseResources(m)
	if err != nil {
		return err
	}
	at := positions(m, it)
	x := &expander{}
	for _, f := range []string{"learner", "data", "test"} {
		alts := []choice{{}}
		if e, ok := m[f]; ok {
			if alts, err = strChoices(e.val); err != nil {
				return err
			}
		}
		x.add(f, alts)
	}
	label := DefaultLabel
	if e, ok := m["label"]; ok {
		if label, err = e.val.str(); err != nil {
			return err
		}
	}
	var where []grid.Axis
	if e, ok := m["where"]; ok {
		if where, err = e.val.axes(); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		field string
		def   float64
	}{{"seed", DefaultSeed}, {"checkpoint-every", 0}} {
		alts := []choice{{text: formatNumber(f.def), num: f.def}}
		if e, ok := m[f.field]; ok {
			if alts, err = numChoices(e.val, true, 0); err != nil {
				return err
			}
		}
		x.add(f.field, alts)
	}
	hyper, err := addSet(x, m, at)
	if err != nil {
		return err
	}
	for _, a := range where {
		at["where."+a.Name] = at["where"]
	}
	return expand(x, m["name"], func(name string, b map[string]choice) error {
		set := setOf(hyper, b)
		s.Trainings = append(s.Trainings, Training{
			Name: name, Learner: b["learner"].text, Data: b["data"].text, Where: where,
			Test: b["test"].text, Label: label, Set: set, Seed: uint64(b["seed"].num),
			CheckpointEvery: int(b["checkpoint-every"].num), Resources: res, at: at,
		})
		return nil
	})
}

func (s *Spec) parseFlow(it node) error {
	m, it, err := stepHead(it, flowFields, "flow")
	if err != nil {
		return err
	}
	for _, k := range []string{"rbm", "thermometer", "from"} {
		if _, ok := m[k]; !ok {
			return it.errf("the flow has no %s", k)
		}
	}
	res, err := parseResources(m)
	if err != nil {
		return err
	}
	at := positions(m, it)
	x := &expander{}
	for _, f := range []string{"rbm", "thermometer", "from"} {
		alts, err := strChoices(m[f].val)
		if err != nil {
			return err
		}
		x.add(f, alts)
	}
	seeds := []choice{{text: "1", num: DefaultSeed}}
	if e, ok := m["seed"]; ok {
		if seeds, err = numChoices(e.val, true, 0); err != nil {
			return err
		}
	}
	x.add("seed", seeds)
	var where []grid.Axis
	if e, ok := m["where"]; ok {
		if where, err = e.val.axes(); err != nil {
			return err
		}
	}
	its, err := ParseIterations(DefaultIterations)
	if err != nil {
		return err
	}
	if e, ok := m["iterations"]; ok {
		if its, err = iterationsOf(e.val); err != nil {
			return err
		}
	}
	save := false
	if e, ok := m["save-configs"]; ok {
		if save, err = e.val.boolean(); err != nil {
			return err
		}
	}
	for _, a := range where {
		at["where."+a.Name] = at["where"]
	}
	return expand(x, m["name"], func(name string, b map[string]choice) error {
		s.Flows = append(s.Flows, FlowStep{
			Name: name, RBM: b["rbm"].text, Thermometer: b["thermometer"].text, From: b["from"].text,
			Where: where, Iterations: its, Seed: uint64(b["seed"].num), SaveConfigs: save, Resources: res, at: at,
		})
		return nil
	})
}

// iterationsOf reads the iteration counts of a flow: a list of
// non-negative integers or the CLI's "0,1,10,100", increasing.
func iterationsOf(n node) ([]int64, error) {
	items, isSeq, err := n.sequence()
	if err != nil {
		return nil, err
	}
	if !isSeq {
		s, err := n.str()
		if err != nil {
			return nil, n.errf("want a list of iteration counts, e.g. [0, 1, 10, 100]")
		}
		its, perr := ParseIterations(s)
		if perr != nil {
			return nil, n.errf("%v", perr)
		}
		return its, nil
	}
	if len(items) == 0 {
		return nil, n.errf("empty list: give at least one iteration count")
	}
	var its []int64
	for _, it := range items {
		v, err := it.number()
		if err != nil {
			return nil, err
		}
		if v < 0 || v != math.Trunc(v) || v > 1<<40 {
			return nil, it.errf("%v: want a non-negative integer", v)
		}
		if len(its) > 0 && int64(v) <= its[len(its)-1] {
			return nil, it.errf("iteration counts must increase (%v after %d)", v, its[len(its)-1])
		}
		its = append(its, int64(v))
	}
	return its, nil
}

func (s *Spec) parseAnalysis(it node) error {
	m, it, err := stepHead(it, analysisFields, "analysis")
	if err != nil {
		return err
	}
	if _, ok := m["analyzer"]; !ok {
		return it.errf("the analysis has no analyzer")
	}
	if m["model"].val.n == nil && m["data"].val.n == nil && m["flow"].val.n == nil {
		return it.errf("the analysis reads nothing: give a model, data or a flow")
	}
	res, err := parseResources(m)
	if err != nil {
		return err
	}
	at := positions(m, it)
	x := &expander{}
	for _, f := range []string{"analyzer", "model", "data", "flow"} {
		alts := []choice{{}}
		if e, ok := m[f]; ok {
			if alts, err = strChoices(e.val); err != nil {
				return err
			}
		}
		x.add(f, alts)
	}
	seeds := []choice{{text: "1", num: DefaultSeed}}
	if e, ok := m["seed"]; ok {
		if seeds, err = numChoices(e.val, true, 0); err != nil {
			return err
		}
	}
	x.add("seed", seeds)
	var where []grid.Axis
	if e, ok := m["where"]; ok {
		if where, err = e.val.axes(); err != nil {
			return err
		}
	}
	params, err := addSet(x, m, at)
	if err != nil {
		return err
	}
	for _, a := range where {
		at["where."+a.Name] = at["where"]
	}
	return expand(x, m["name"], func(name string, b map[string]choice) error {
		set := setOf(params, b)
		s.Analyses = append(s.Analyses, AnalysisStep{
			Name: name, Analyzer: b["analyzer"].text, Model: b["model"].text, Data: b["data"].text,
			Flow: b["flow"].text, Where: where, Set: set, Seed: uint64(b["seed"].num), Resources: res, at: at,
		})
		return nil
	})
}

// parseReport reads the report section: a mapping of title, out and
// judge, all optional (report: {} asks for the defaults, and no verdicts).
func parseReport(n node) (*ReportStep, error) {
	es, err := n.mapping(reportFields)
	if err != nil {
		return nil, err
	}
	r := &ReportStep{Title: "rgml report", Out: DefaultReportOut, at: map[string]Pos{"": n.pos()}}
	for _, e := range es {
		v, err := e.val.str()
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(v) == "" {
			return nil, e.val.errf("empty %s", e.key)
		}
		r.at[e.key] = e.keyAt.pos()
		switch e.key {
		case "title":
			r.Title = v
		case "out":
			r.Out = v
		case "judge":
			r.Judge = v
		}
	}
	return r, nil
}
