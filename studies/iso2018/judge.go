// Package iso2018 is the study of Iso, Shiba and Yokoo (2018): it
// registers the judge "iso2018", which reads the paper's quantities from a
// run's entries (the RBM types from the trainings' lineage, the flows'
// starts, the thermometer's history, the analyses), one set per seed, and
// judges the reproduction table of docs/reproduction.md with the criteria
// of studies/iso2018/reproduce, a row passing only if every seed passes.
// A spec asks for it with report: {judge:
// iso2018}; the host imports this package to make it available.
package iso2018

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/registry"
	"github.com/rgml/rgml/studies/iso2018/reproduce"
)

// Name is what a spec writes to have its report judged by this study
// (report: {judge: iso2018}).
const Name = "iso2018"

func init() { experiment.RegisterJudge(judge{}) }

type judge struct{}

func (judge) Name() string { return Name }

// figureRE finds the paper's figure an analyzer's title names, e.g.
// "WWᵀ (Fig. 12)".
var figureRE = regexp.MustCompile(`\((Figs?\. [^)]*)\)`)

// LabelFigure says which of the paper's figures a report's figure
// corresponds to: Fig. 1 the samples, Fig. 4 a history with a test loss
// (the thermometer's), a flow the figure that shows its RBM's type, N_h
// and start (reproduce.FlowFigure; none for a flow the paper does not
// show), Sec. 5 the flows on the (T, Δ) plane, and an analyzer's figure
// by the figure its title names.
func (judge) LabelFigure(f experiment.ReportFigure) string {
	switch f.Kind {
	case "samples":
		return "Fig. 1"
	case "history":
		if slices.Contains(f.Metrics, "test_loss") {
			return "Fig. 4"
		}
	case "flow":
		if f.In.Store == nil {
			return "" // no registry to read the flow's RBM from
		}
		g := gather{f.In}
		rbm, ok := g.Input(f.Entry, "rbm")
		from, known := g.flowStart(f.Entry)
		if c := g.classify(rbm); ok && known && c.ok {
			return reproduce.FlowFigure(reproduce.FlowKey{RBM: c.RBM, From: from})
		}
	case "flow-grid", "flow-paths":
		return "Sec. 5"
	case "analysis":
		if p := figureRE.FindStringSubmatch(f.Title); p != nil {
			return p[1]
		}
	}
	return ""
}

// SampleValues are the temperatures of the paper's Fig. 1, for a
// dataset's samples figure drawn along its temperatures.
func (judge) SampleValues(label string) []float64 {
	if label == "T" {
		return reproduce.Fig1Temperatures
	}
	return nil
}

// Judge reads the paper's inputs from the entries, one set per seed (a
// training's seed; a flow's and an analysis's are their RBM's), judges
// every row for each seed and combines them: a row passes only if it
// passes for every seed whose entries have it. Rows that no seed's
// entries can judge are marked not in this study.
func (judge) Judge(ctx context.Context, in experiment.JudgeInput) ([]report.Verdict, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	reps, commits, err := gather{in}.replicas(in.Entries)
	if err != nil {
		return nil, err
	}
	per := map[uint64][]reproduce.Verdict{}
	for seed, ri := range reps {
		per[seed] = reproduce.Judge(*ri)
	}
	if len(per) == 0 {
		per[0] = reproduce.Judge(newInputs())
	}
	var out []report.Verdict
	for _, v := range reproduce.AcrossSeeds(per) {
		row := report.Verdict{Row: v.Row, Paper: v.Paper, Says: v.Says, Criterion: v.Criterion, Measured: v.Measured,
			Beyond: v.Beyond, Spread: v.Spread, Status: "FAIL"}
		switch {
		case v.Absent:
			row.Status, row.Measured = report.NotInStudy, v.Missing.Error()
		case v.Missing != nil:
			row.Status, row.Measured = "missing", v.Missing.Error()
		case v.Pass:
			row.Status = "pass"
		}
		if !v.Absent {
			row.Seeds = fmt.Sprintf("%d/%d", v.Passed, len(v.Seeds))
			row.Provenance = provenance(v.Seeds, commits)
		}
		out = append(out, row)
	}
	return out, nil
}

// provenance says which seeds, host commits and criteria produced a
// verdict: the commits are those recorded in the lineage of the seeds'
// entries.
func provenance(seeds []uint64, commits map[uint64]map[string]bool) string {
	ss := make([]string, len(seeds))
	set := map[string]bool{}
	for i, s := range seeds {
		ss[i] = fmt.Sprint(s)
		for c := range commits[s] {
			set[c] = true
		}
	}
	cs := make([]string, 0, len(set))
	for c := range set {
		if len(c) > 12 {
			c = c[:12]
		}
		cs = append(cs, c)
	}
	sort.Strings(cs)
	commit := "commit " + strings.Join(cs, ", ")
	if len(cs) == 0 {
		commit = "no host commit recorded"
	} else if len(cs) > 1 {
		commit = "commits " + strings.Join(cs, ", ")
	}
	word := "seed"
	if len(seeds) > 1 {
		word = "seeds"
	}
	return fmt.Sprintf("judged on %s %s · %s · criteria %s", word, strings.Join(ss, ", "), commit, reproduce.CriteriaVersion)
}

// gather reads the paper's quantities from the entries' lineage.
type gather struct{ experiment.JudgeInput }

// rbmClass is what the reproduction table calls an RBM, read from its
// lineage: Single holds the temperature of an RBM trained on one.
type rbmClass struct {
	RBM    reproduce.RBM
	Single []float64
	ok     bool
}

// classify tells an RBM's kind from its lineage: random weights (0
// epochs), type V (no selection), L (T = 0), H (T ≥ 4 only), 0-inf
// (T = 0 and ∞), V-no-Tc (neither 2.25 nor 2.5, several others); a single
// temperature is kept in Single. Other learners and selections are not in
// the table.
func (g gather) classify(en registry.Entry) rbmClass {
	m := g.Manifest(en)
	if m.Lineage.Plugin == nil || m.Lineage.Plugin.Name != "rbm" {
		return rbmClass{}
	}
	hidden, ok := m.Lineage.HyperParameters["hidden"].(float64)
	if !ok {
		return rbmClass{}
	}
	c := rbmClass{RBM: reproduce.RBM{Hidden: int(hidden)}, ok: true}
	if e, ok := m.Lineage.HyperParameters["epochs"].(float64); ok && e == 0 {
		c.RBM.Kind = reproduce.RandomWeights
		return c
	}
	var where []string
	if w, ok := m.Lineage.Extra["where"].([]any); ok {
		for _, x := range w {
			if s, ok := x.(string); ok {
				where = append(where, s)
			}
		}
	}
	if len(where) == 0 {
		// No selection: the training set's own grid decides (an RBM
		// trained on a T = 0 and ∞ set is the control, not type V).
		c.RBM.Kind = reproduce.TypeV
		if ts, ok := g.datasetTemps(en); ok && len(ts) == 2 && ts[0] == 0 && math.IsInf(ts[1], 1) {
			c.RBM.Kind = reproduce.ZeroInf
		}
		return c
	}
	axes, err := experiment.ParseWhere(where)
	if err != nil || len(axes) != 1 || axes[0].Name != "T" {
		return rbmClass{}
	}
	ts := grid.Distinct(axes[0].Values)
	has := func(t float64) bool { return grid.Contains(ts, t) }
	switch {
	case len(ts) == 1:
		c.Single = ts
		if ts[0] == 0 {
			c.RBM.Kind = reproduce.TypeL
		} else {
			c.RBM.Kind = reproduce.Kind(fmt.Sprintf("T%g", ts[0]))
		}
	case len(ts) == 2 && has(0) && math.IsInf(ts[1], 1):
		c.RBM.Kind = reproduce.ZeroInf
	case ts[0] >= 4:
		c.RBM.Kind = reproduce.TypeH
	case !has(2.25) && !has(2.5) && len(ts) > 2:
		c.RBM.Kind = reproduce.TypeVNoTc
	default:
		return rbmClass{}
	}
	return c
}

// datasetTemps is the sorted, distinct temperatures of the grid a
// training's dataset was sampled on (its lineage parameter T; "inf" for
// T = ∞), if the lineage says.
func (g gather) datasetTemps(train registry.Entry) ([]float64, bool) {
	data, ok := g.Input(train, "data")
	if !ok {
		return nil, false
	}
	var ts []float64
	add := func(v any) bool {
		switch x := v.(type) {
		case float64:
			ts = append(ts, x)
		case string:
			if x != "inf" {
				return false
			}
			ts = append(ts, math.Inf(1))
		default:
			return false
		}
		return true
	}
	switch v := g.Manifest(data).Lineage.Parameters["T"].(type) {
	case []any:
		for _, x := range v {
			if !add(x) {
				return nil, false
			}
		}
	case nil:
		return nil, false
	default:
		if !add(v) {
			return nil, false
		}
	}
	return grid.Distinct(ts), len(ts) > 0
}

// flowStart is the one temperature a flow starts from, from its selection.
func (g gather) flowStart(en registry.Entry) (float64, bool) {
	w, _ := g.Manifest(en).Lineage.Extra["where"].([]any)
	var where []string
	for _, x := range w {
		if s, ok := x.(string); ok {
			where = append(where, s)
		}
	}
	axes, err := experiment.ParseWhere(where)
	if err != nil || len(axes) != 1 || axes[0].Name != "T" || len(grid.Distinct(axes[0].Values)) != 1 {
		return 0, false
	}
	return axes[0].Values[0], true
}

func newInputs() reproduce.Inputs {
	return reproduce.Inputs{TestReadings: map[float64]reproduce.Reading{}, Flows: map[reproduce.FlowKey]reproduce.Flow{}, EnergyT: map[reproduce.FlowKey][]float64{},
		WWT: map[int][]float64{}, DecaySingleT: map[float64][]float64{}, VWWV: map[int]reproduce.Curve{}, Eigen: map[reproduce.RBM][]float64{}}
}

// seeds are the inputs of one run split by seed, and the host commits
// each seed's entries were made by.
type seeds struct {
	g       gather
	in      map[uint64]*reproduce.Inputs
	commits map[uint64]map[string]bool
}

// of returns the inputs of seed, noting that en (made by a commit) feeds
// them.
func (s *seeds) of(seed uint64, en registry.Entry) *reproduce.Inputs {
	if s.in[seed] == nil {
		in := newInputs()
		s.in[seed], s.commits[seed] = &in, map[string]bool{}
	}
	if h := s.g.Manifest(en).Lineage.Host; h != nil && h.Commit != "" {
		s.commits[seed][h.Commit] = true
	}
	return s.in[seed]
}

// seedOf is the seed of the training behind en under role (a flow's
// "rbm" or "thermometer", an analysis's "model").
func (g gather) seedOf(en registry.Entry, role string) (registry.Entry, uint64, bool) {
	tr, ok := g.Input(en, role)
	return tr, g.Manifest(tr).Lineage.Seed, ok
}

// replicas gathers what the reproduction verdicts read from the entries,
// one set per seed; what is absent stays absent (its rows are not in the
// study, or Missing).
func (g gather) replicas(entries []registry.Entry) (map[uint64]*reproduce.Inputs, map[uint64]map[string]bool, error) {
	s := &seeds{g: g, in: map[uint64]*reproduce.Inputs{}, commits: map[uint64]map[string]bool{}}
	flowKey := func(fen registry.Entry) (reproduce.FlowKey, uint64, bool) {
		rbm, seed, ok := g.seedOf(fen, "rbm")
		if !ok {
			return reproduce.FlowKey{}, 0, false
		}
		c := g.classify(rbm)
		from, ok2 := g.flowStart(fen)
		return reproduce.FlowKey{RBM: c.RBM, From: from}, seed, c.ok && ok2
	}
	thermometers := map[uint64]registry.Entry{}
	var firstData *registry.Entry
	for _, en := range entries {
		m := g.Manifest(en)
		switch en.Kind {
		case registry.Dataset:
			if firstData == nil {
				firstData = &en
			}
		case registry.Model:
			if m.Lineage.Plugin == nil || m.Lineage.Plugin.Name != "thermometer" {
				continue
			}
			if _, seen := thermometers[m.Lineage.Seed]; !seen {
				thermometers[m.Lineage.Seed] = en
				g.losses(s.of(m.Lineage.Seed, en), en)
			}
		case registry.Flow:
			k, seed, ok := flowKey(en)
			if !ok {
				continue
			}
			ff, err := experiment.ReadFlow(g.Store, en)
			if err != nil {
				// A damaged flow must not turn its rows into "not in this
				// study" and let the other seeds pass them.
				return nil, nil, err
			}
			if p := ff.Params(); len(p) != 1 || p[0] != "T" {
				continue // a reading of two parameters, or of another than T, is none of the paper's flows
			}
			fd, err := experiment.ReadFlowDistribution(g.Store, en)
			if err != nil {
				return nil, nil, err
			}
			f := reproduce.Flow{Iterations: fd.Iterations, Classes: fd.Classes, Distribution: fd.Distribution}
			s.of(seed, en).Flows[k] = f
			// Iteration 0 is the thermometer's reading of the test
			// configurations themselves (Fig. 5).
			if _, th, ok := g.seedOf(en, "thermometer"); ok && f.Iterations[0] == 0 {
				s.of(th, en).TestReadings[k.From] = reproduce.Reading{Classes: f.Classes, Share: f.Distribution[0]}
			}
		case registry.Analysis:
			g.analysis(s, en, flowKey)
		}
	}
	// Fig. 1's samples are each thermometer's training set; without a
	// thermometer, the run's first dataset stands for the lowest seed's
	// (judged once: one dataset is not several seeds).
	for seed, th := range thermometers {
		if data, ok := g.Input(th, "data"); ok {
			g.samples(s.in[seed], data)
		}
	}
	if len(thermometers) == 0 && firstData != nil {
		seed, found := g.Manifest(*firstData).Lineage.Seed, false
		for sd := range s.in {
			if !found || sd < seed {
				seed, found = sd, true
			}
		}
		g.samples(s.of(seed, *firstData), *firstData)
	}
	for _, in := range s.in {
		if in.L == 0 {
			in.L = 10
		}
	}
	return s.in, s.commits, nil
}

// samples reads the configurations of a dataset labelled by T (Fig. 1).
func (g gather) samples(in *reproduce.Inputs, data registry.Entry) {
	d, _, err := experiment.LoadDataset(g.Store, data.Digest)
	T, ok := d.Labels["T"]
	if err != nil || !ok {
		return
	}
	in.L, in.Samples = d.Size, map[float64][]int8{}
	sites := d.Sites()
	for i, t := range T {
		in.Samples[t] = append(in.Samples[t], d.Configs[i*sites:(i+1)*sites]...)
	}
}

// losses reads a thermometer's history (Fig. 4). The test loss is
// measured every few epochs: the rows that have both are judged.
func (g gather) losses(in *reproduce.Inputs, en registry.Entry) {
	h, _, err := experiment.ReadHistory(g.Store, en.Digest)
	if err != nil || h.Len() == 0 {
		return
	}
	tr, te := h.Metrics["train_loss"], h.Metrics["test_loss"]
	for i, e := range h.Epoch {
		if i < len(tr) && i < len(te) && !math.IsNaN(tr[i]) && !math.IsNaN(te[i]) {
			in.LossEpochs = append(in.LossEpochs, float64(e))
			in.TrainLoss, in.TestLoss = append(in.TrainLoss, tr[i]), append(in.TestLoss, te[i])
		}
	}
}

// analysis reads a correlations analysis of a flow (the controls) or a
// spectrum analysis of an RBM (Figs. 12–17) into its seed's inputs.
func (g gather) analysis(s *seeds, en registry.Entry, flowKey func(registry.Entry) (reproduce.FlowKey, uint64, bool)) {
	m := g.Manifest(en)
	arrays, _, err := experiment.ReadAnalysis(g.Store, en)
	if err != nil || m.Lineage.Plugin == nil {
		return
	}
	switch m.Lineage.Plugin.Name {
	case "correlations":
		if fen, ok := g.Input(en, "flow"); ok {
			if k, seed, ok := flowKey(fen); ok && npz.Float64s(arrays, "T_energy") != nil {
				s.of(seed, en).EnergyT[k] = npz.Float64s(arrays, "T_energy")
			}
		}
	case "spectrum":
		men, seed, ok := g.seedOf(en, "model")
		if !ok {
			return
		}
		c := g.classify(men)
		if !c.ok {
			return
		}
		in := s.of(seed, en)
		if in.L == 0 {
			if l, ok := m.Lineage.Parameters["L"].(float64); ok {
				in.L = int(l)
			}
		}
		in.Eigen[c.RBM] = npz.Float64s(arrays, "eigenvalues")
		if c.RBM.Kind == reproduce.TypeV {
			in.WWT[c.RBM.Hidden] = npz.Float64s(arrays, "WWT")
			if T, v := npz.Float64s(arrays, "T"), npz.Float64s(arrays, "vWWv"); T != nil && v != nil && sort.Float64sAreSorted(T) {
				in.VWWV[c.RBM.Hidden] = reproduce.Curve{T: T, Value: v}
			}
			if c.RBM.Hidden == 16 {
				in.DecayV = npz.Float64s(arrays, "decay")
			}
		}
		if len(c.Single) == 1 && c.RBM.Hidden == 16 {
			in.DecaySingleT[c.Single[0]] = npz.Float64s(arrays, "decay")
		}
	}
}
