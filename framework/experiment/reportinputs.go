package experiment

import (
	"fmt"
	"math"
	"sort"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/reproduce"
	"github.com/rgml/rgml/registry"
)

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
func (g *gather) classify(en registry.Entry) rbmClass {
	m := g.manifest(en)
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
	axes, err := ParseWhere(where)
	if err != nil || len(axes) != 1 || axes[0].Name != "T" {
		return rbmClass{}
	}
	ts := distinct(axes[0].Values)
	has := func(t float64) bool { return containsClose(ts, t) }
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
func (g *gather) datasetTemps(train registry.Entry) ([]float64, bool) {
	data, ok := g.input(train, "data")
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
	switch v := g.manifest(data).Lineage.Parameters["T"].(type) {
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
	return distinct(ts), len(ts) > 0
}

// flowStart is the one temperature a flow starts from, from its selection.
func (g *gather) flowStart(en registry.Entry) (float64, bool) {
	w, _ := g.manifest(en).Lineage.Extra["where"].([]any)
	var where []string
	for _, x := range w {
		if s, ok := x.(string); ok {
			where = append(where, s)
		}
	}
	axes, err := ParseWhere(where)
	if err != nil || len(axes) != 1 || axes[0].Name != "T" || len(distinct(axes[0].Values)) != 1 {
		return 0, false
	}
	return axes[0].Values[0], true
}

func floatsOf(arrays []npz.Array, name string) []float64 {
	a, ok := npz.Find(arrays, name)
	if !ok {
		return nil
	}
	v, _ := a.Data.([]float64)
	return v
}

// inputs gathers what the reproduction verdicts read from the entries;
// what is absent stays absent (its rows are Missing).
func (g *gather) inputs(entries []registry.Entry) reproduce.Inputs {
	in := reproduce.Inputs{TestReadings: map[float64]reproduce.Reading{}, Flows: map[reproduce.FlowKey]reproduce.Flow{}, EnergyT: map[reproduce.FlowKey][]float64{},
		WWT: map[int][]float64{}, DecaySingleT: map[float64][]float64{}, VWWV: map[int]reproduce.Curve{}, Eigen: map[reproduce.RBM][]float64{}}
	flowKey := func(fen registry.Entry) (reproduce.FlowKey, bool) {
		rbm, ok := g.input(fen, "rbm")
		if !ok {
			return reproduce.FlowKey{}, false
		}
		c := g.classify(rbm)
		from, ok2 := g.flowStart(fen)
		return reproduce.FlowKey{RBM: c.RBM, From: from}, c.ok && ok2
	}
	for _, en := range entries {
		m := g.manifest(en)
		switch en.Kind {
		case registry.Dataset:
			if in.Samples != nil {
				continue
			}
			d, _, err := LoadDataset(g.s, en.Digest)
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
			h, _, err := ReadHistory(g.s, en.Digest)
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
				if f, err := flowArrays(g.s, en); err == nil {
					in.Flows[k] = f
					// Iteration 0 is the thermometer's reading of the test
					// configurations themselves (Fig. 5).
					if f.Iterations[0] == 0 {
						in.TestReadings[k.From] = reproduce.Reading{Classes: f.Classes, Share: f.Distribution[0]}
					}
				}
			}
		case registry.Analysis:
			arrays, _, err := ReadAnalysis(g.s, en)
			if err != nil || m.Lineage.Plugin == nil {
				continue
			}
			switch m.Lineage.Plugin.Name {
			case "correlations":
				if fen, ok := g.input(en, "flow"); ok {
					if k, ok := flowKey(fen); ok && floatsOf(arrays, "T_energy") != nil {
						in.EnergyT[k] = floatsOf(arrays, "T_energy")
					}
				}
			case "spectrum":
				men, ok := g.input(en, "model")
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
				in.Eigen[c.RBM] = floatsOf(arrays, "eigenvalues")
				if c.RBM.Kind == reproduce.TypeV {
					in.WWT[c.RBM.Hidden] = floatsOf(arrays, "WWT")
					if T, v := floatsOf(arrays, "T"), floatsOf(arrays, "vWWv"); T != nil && v != nil && sort.Float64sAreSorted(T) {
						in.VWWV[c.RBM.Hidden] = reproduce.Curve{T: T, Value: v}
					}
					if c.RBM.Hidden == 16 {
						in.DecayV = floatsOf(arrays, "decay")
					}
				}
				if len(c.Single) == 1 && c.RBM.Hidden == 16 {
					in.DecaySingleT[c.Single[0]] = floatsOf(arrays, "decay")
				}
			}
		}
	}
	if in.L == 0 {
		in.L = 10
	}
	return in
}
