package analyze

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rgml/rgml/framework/experiment/steps/stepdata"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// measured is a set of configurations that Analyze sends under prefix
// (data/PREFIXconfigs) and that the data's model measures: at the point
// of each configuration's labels (nil: at fixed for all).
type measured struct {
	prefix  string
	configs []int8
	labels  map[string][]float64
	fixed   sdk.Params
}

// fixedLabels are the labels that take one value over the whole dataset:
// the parameters a flow from it keeps while its configurations change.
func fixedLabels(d sdk.Dataset) sdk.Params {
	p := sdk.Params{}
	for name, v := range d.Labels {
		if len(v) > 0 && !slices.ContainsFunc(v, func(x float64) bool { return x != v[0] }) {
			p[name] = v[0]
		}
	}
	return p
}

// addModelObservables hands the analyzer what the data's model says about
// them, so that no analyzer assumes a model: the model's lattice and
// state space, each configuration's observables measured by the model's
// own Observables (as data/PREFIXobservables/NAME, where the analyzer
// reads them) and the model's exact curves (data/exact/PARAM and
// data/exact/NAME). Data whose model is unknown (imported) get none.
func (in *analyzeInputs) addModelObservables(ctx context.Context, h *host.Host) error {
	name := ""
	for _, m := range in.models {
		if name != "" && m != name {
			return usagef("the flow and the reference were sampled by different models (%s, %s): give a reference of the flow's model", name, m)
		}
		name = m
	}
	if name == "" {
		return nil
	}
	m, err := h.Model(ctx, name)
	if err != nil {
		return err
	}
	defer m.Kill()
	if err := in.spec.Planned.Check(name, m.SHA256); err != nil {
		return err
	}
	in.req.Lattice, in.req.StateSpace = m.Desc.Lattice, slices.Clone(m.Desc.StateSpace)
	for _, set := range in.measure {
		if err := in.observe(ctx, m, set); err != nil {
			return err
		}
	}
	return in.exactCurves(ctx, m)
}

// observe measures one set of configurations with the model.
func (in *analyzeInputs) observe(ctx context.Context, m *host.Model, set measured) error {
	var wanted []string
	for _, o := range m.Desc.Observables {
		if in.rule.reads("data/" + set.prefix + "observables/" + o.Name) {
			wanted = append(wanted, o.Name)
		}
	}
	if len(wanted) == 0 {
		return nil
	}
	sites := sdk.LatticeSites(in.L, sdk.Dim(in.D))
	n := len(set.configs) / sites
	out := map[string][]float64{}
	for _, w := range wanted {
		out[w] = make([]float64, n)
	}
	for _, grp := range pointGroups(set, m.Desc.Parameters, n) {
		cs := make([]int8, 0, len(grp.rows)*sites)
		for _, i := range grp.rows {
			cs = append(cs, set.configs[i*sites:(i+1)*sites]...)
		}
		obs, err := m.Observables(ctx, grp.point, in.L, cs)
		if err != nil {
			return fmt.Errorf("model %s measuring %sconfigurations: %w", m.Desc.Name, set.prefix, err)
		}
		for _, w := range wanted {
			v := obs[w]
			if len(v) != len(grp.rows) {
				return fmt.Errorf("model %s returned %d values of %s for %d configurations", m.Desc.Name, len(v), w, len(grp.rows))
			}
			// An observable of one configuration (an energy, a
			// magnetisation) is always a number; the analyzer would
			// average a NaN into every statistic it draws.
			if k, ok := stepdata.NonFinite(v); ok {
				return fmt.Errorf("model %s returned %v as %s of %sconfiguration %d", m.Desc.Name, v[k], w, set.prefix, grp.rows[k])
			}
			for k, i := range grp.rows {
				out[w][i] = v[k]
			}
		}
	}
	for _, w := range wanted {
		in.req.Data = append(in.req.Data, sdk.Tensor{Name: set.prefix + "observables/" + w, Shape: []int{n}, Data: out[w]})
	}
	return nil
}

// GroupPoints is pointGroups of the configurations labelled labels (and
// the values fixed): each point with its rows, so that a test outside
// this package pins the grouping an analysis records.
func GroupPoints(labels map[string][]float64, fixed sdk.Params, params []sdk.ParamSpec, n int) (points []sdk.Params, rows [][]int) {
	for _, g := range pointGroups(measured{labels: labels, fixed: fixed}, params, n) {
		points, rows = append(points, g.point), append(rows, g.rows)
	}
	return points, rows
}

type pointGroup struct {
	point sdk.Params
	rows  []int
}

// pointGroups groups the configurations of set by their point: the
// values of the model's parameters among their labels (or set.fixed).
func pointGroups(set measured, params []sdk.ParamSpec, n int) []pointGroup {
	var names []string
	for _, p := range params {
		if _, ok := set.labels[p.Name]; ok {
			names = append(names, p.Name)
		} else if _, ok := set.fixed[p.Name]; ok {
			names = append(names, p.Name)
		}
	}
	var groups []pointGroup
	at := map[string]int{}
	for i := 0; i < n; i++ {
		pt := sdk.Params{}
		var key strings.Builder
		for _, name := range names {
			v, ok := set.fixed[name]
			if l, has := set.labels[name]; has {
				v, ok = l[i], true
			}
			if ok {
				pt[name] = v
				fmt.Fprintf(&key, "%s=%v;", name, v)
			}
		}
		g, ok := at[key.String()]
		if !ok {
			g = len(groups)
			at[key.String()] = g
			groups = append(groups, pointGroup{point: pt})
		}
		groups[g].rows = append(groups[g].rows, i)
	}
	return groups
}

// exactCurves sends the model's exact curve of each observable the
// analyzer reads as data/exact/NAME, over a parameter it reads as
// data/exact/PARAM; a model without exact curves sends none.
func (in *analyzeInputs) exactCurves(ctx context.Context, m *host.Model) error {
	sent := map[string]bool{}
	for _, o := range m.Desc.Observables {
		if !in.rule.reads("data/exact/" + o.Name) {
			continue
		}
		c, err := m.ExactCurve(ctx, in.L, o.Name)
		if errors.Is(err, sdk.ErrUnimplemented) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("model %s: exact curve of %s: %w", m.Desc.Name, o.Name, err)
		}
		if len(c.Values) == 0 || !in.rule.reads("data/exact/"+c.Parameter) || (len(sent) > 0 && !sent[c.Parameter]) {
			continue
		}
		if !sent[c.Parameter] {
			in.req.Data = append(in.req.Data, sdk.Tensor{Name: "exact/" + c.Parameter, Shape: []int{len(c.At)}, Data: c.At})
			sent[c.Parameter] = true
		}
		in.req.Data = append(in.req.Data, sdk.Tensor{Name: "exact/" + o.Name, Shape: []int{len(c.Values)}, Data: c.Values})
	}
	return nil
}

// flowStart is the point of the model's parameters the flow fen started
// from: the labels of its starting dataset den, selected as the flow
// recorded, each of one value. The model measures every flowed
// configuration there; a start that still varies in a label would have
// it measured at one value (or the model's default) it was not at, so it
// is refused.
func flowStart(s *registry.Store, fen, den registry.Entry) (sdk.Params, error) {
	d, _, err := stepdata.LoadDataset(s, den.Digest)
	if err != nil {
		return nil, err
	}
	m, err := s.Manifest(fen)
	if err != nil {
		return nil, err
	}
	var where []string
	if w, ok := m.Lineage.Extra["where"].([]any); ok {
		for _, v := range w {
			where = append(where, fmt.Sprint(v))
		}
	}
	axes, err := stepdata.ParseWhere(where)
	if err != nil {
		return nil, fmt.Errorf("%s: its recorded selection: %w", fen, err)
	}
	if d, err = stepdata.FilterRecorded(d, axes); err != nil {
		return nil, fmt.Errorf("%s: its recorded selection: %w", fen, err)
	}
	fixed := fixedLabels(d)
	for _, name := range sortedKeys(d.Labels) {
		if _, ok := fixed[name]; !ok {
			return nil, usagef("%s started from configurations at several values of %s: its model can measure them only at one point (flow from one, where: %s=…)", fen, name, name)
		}
	}
	return fixed, nil
}
