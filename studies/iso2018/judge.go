// Package iso2018 is the study of Iso, Shiba and Yokoo (2018): it
// registers the judge "iso2018", which reads the paper's quantities from a
// run's entries (the RBM types from the trainings' lineage, the flows'
// starts, the thermometer's history, the analyses) and judges the
// reproduction table of docs/reproduction.md with the criteria of
// studies/iso2018/reproduce. A spec asks for it with report: {judge:
// iso2018}; the host imports this package to make it available.
package iso2018

import (
	"context"
	"fmt"
	"math"
	"sort"

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

// Judge reads the paper's inputs from the entries (what is absent stays
// absent: its rows are missing) and judges every row of the table.
func (judge) Judge(ctx context.Context, in experiment.JudgeInput) ([]report.Verdict, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []report.Verdict
	for _, v := range reproduce.Judge(gather{in}.inputs(in.Entries)) {
		row := report.Verdict{Row: v.Row, Paper: v.Paper, Criterion: v.Criterion, Measured: v.Measured, Status: "FAIL"}
		switch {
		case v.Missing != nil:
			row.Status, row.Measured = "missing", v.Missing.Error()
		case v.Pass:
			row.Status = "pass"
		}
		out = append(out, row)
	}
	return out, nil
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

// inputs gathers what the reproduction verdicts read from the entries;
// what is absent stays absent (its rows are Missing).
func (g gather) inputs(entries []registry.Entry) reproduce.Inputs {
	in := reproduce.Inputs{TestReadings: map[float64]reproduce.Reading{}, Flows: map[reproduce.FlowKey]reproduce.Flow{}, EnergyT: map[reproduce.FlowKey][]float64{},
		WWT: map[int][]float64{}, DecaySingleT: map[float64][]float64{}, VWWV: map[int]reproduce.Curve{}, Eigen: map[reproduce.RBM][]float64{}}
	flowKey := func(fen registry.Entry) (reproduce.FlowKey, bool) {
		rbm, ok := g.Input(fen, "rbm")
		if !ok {
			return reproduce.FlowKey{}, false
		}
		c := g.classify(rbm)
		from, ok2 := g.flowStart(fen)
		return reproduce.FlowKey{RBM: c.RBM, From: from}, c.ok && ok2
	}
	for _, en := range entries {
		m := g.Manifest(en)
		switch en.Kind {
		case registry.Dataset:
			if in.Samples != nil {
				continue
			}
			d, _, err := experiment.LoadDataset(g.Store, en.Digest)
			T, ok := d.Labels["T"]
			if err != nil || !ok {
				continue
			}
			in.L, in.Samples = d.Size, map[float64][]int8{}
			sites := d.Sites()
			for i, t := range T {
				in.Samples[t] = append(in.Samples[t], d.Configs[i*sites:(i+1)*sites]...)
			}
		case registry.Model:
			if m.Lineage.Plugin == nil || m.Lineage.Plugin.Name != "thermometer" || in.LossEpochs != nil {
				continue
			}
			h, _, err := experiment.ReadHistory(g.Store, en.Digest)
			if err != nil || h.Len() == 0 {
				continue
			}
			// The test loss is measured every few epochs: judge the rows that have both.
			tr, te := h.Metrics["train_loss"], h.Metrics["test_loss"]
			for i, e := range h.Epoch {
				if i < len(tr) && i < len(te) && !math.IsNaN(tr[i]) && !math.IsNaN(te[i]) {
					in.LossEpochs = append(in.LossEpochs, float64(e))
					in.TrainLoss, in.TestLoss = append(in.TrainLoss, tr[i]), append(in.TestLoss, te[i])
				}
			}
		case registry.Flow:
			if k, ok := flowKey(en); ok {
				if fd, err := experiment.ReadFlowDistribution(g.Store, en); err == nil {
					f := reproduce.Flow(fd)
					in.Flows[k] = f
					// Iteration 0 is the thermometer's reading of the test
					// configurations themselves (Fig. 5).
					if f.Iterations[0] == 0 {
						in.TestReadings[k.From] = reproduce.Reading{Classes: f.Classes, Share: f.Distribution[0]}
					}
				}
			}
		case registry.Analysis:
			arrays, _, err := experiment.ReadAnalysis(g.Store, en)
			if err != nil || m.Lineage.Plugin == nil {
				continue
			}
			switch m.Lineage.Plugin.Name {
			case "correlations":
				if fen, ok := g.Input(en, "flow"); ok {
					if k, ok := flowKey(fen); ok && npz.Float64s(arrays, "T_energy") != nil {
						in.EnergyT[k] = npz.Float64s(arrays, "T_energy")
					}
				}
			case "spectrum":
				men, ok := g.Input(en, "model")
				if !ok {
					continue
				}
				c := g.classify(men)
				if !c.ok {
					continue
				}
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
	}
	if in.L == 0 {
		in.L = 10
	}
	return in
}
