package flow

import (
	"context"
	"fmt"
	"slices"

	"github.com/rgml/rgml/framework/experiment/steps/stepdata"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// observer is the model that sampled a flow's starting dataset,
// started to measure a two-parameter read-out's observables at the
// flow's start (point).
type observer struct {
	m     *host.Model
	point sdk.Params
}

// startObserver starts the model that sampled the flow's starting
// dataset (entry from; data the flow's selection of it) when the
// thermometer learned two labels, before any work is done, and finds the
// flow's start: the values data holds of the model's parameters. It is
// nil for a thermometer of one label and for data no model sampled
// (imported: their read-out has no observables). A start that varies in
// a parameter of the model is refused: the model measures at one point,
// and any one would be wrong for part of the configurations.
func startObserver(ctx context.Context, h *host.Host, s *registry.Store, flow string, labels []string, from registry.Entry, data sdk.Dataset) (*observer, error) {
	name := stepdata.SampledBy(s, from)
	if len(labels) != 2 || name == "" {
		return nil, nil
	}
	m, err := h.Model(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("asking model %s, which sampled %s, to measure the flowed configurations: %w", name, from, err)
	}
	point, err := startPoint(flow, labels, m.Desc.Parameters, data)
	if err != nil {
		m.Kill()
		return nil, err
	}
	return &observer{m: m, point: point}, nil
}

// kill stops the model.
func (o *observer) kill() {
	if o != nil {
		o.m.Kill()
	}
}

// observe has the model measure the two-parameter read-out's observables
// (TwoParamReadout.Observe) of the flowed configurations fconfigs of
// data against all, the whole starting dataset.
func (res *FlowResult) observe(ctx context.Context, o *observer, fconfigs []int8, data, all sdk.Dataset) error {
	if res.Joint == nil || o == nil {
		return nil
	}
	if err := res.Joint.Observe(ctx, o.m, o.m.Desc.Observables, o.point, fconfigs, data.Len(), all, res.Labels[0], res.Labels[1]); err != nil {
		return fmt.Errorf("model %s: %w", o.m.Desc.Name, err)
	}
	return nil
}

// startPoint is the point of the model's parameters (params) that the
// configurations data hold, each label of a parameter at one value; an
// error naming the flow and the label when one varies.
func startPoint(flow string, learned []string, params []sdk.ParamSpec, data sdk.Dataset) (sdk.Params, error) {
	p := sdk.Params{}
	for _, ps := range params {
		v := data.Labels[ps.Name]
		if len(v) == 0 {
			continue
		}
		if slices.ContainsFunc(v, func(x float64) bool { return x != v[0] }) {
			return nil, usagef("flow %s starts from configurations at several values of %s: the model measures the observables of its (%s, %s) read-out at one point (flow from one, where: %s=…)",
				flow, ps.Name, learned[0], learned[1], ps.Name)
		}
		p[ps.Name] = v[0]
	}
	return p, nil
}
