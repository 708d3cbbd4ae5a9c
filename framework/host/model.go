package host

import (
	"context"

	"github.com/rgml/rgml/framework/sdk"
)

// Model is a running model plugin, with its description.
type Model struct {
	*Plugin
	Desc  sdk.ModelDescription
	model sdk.Model
}

// Model launches the plugin called name and returns it as a model.
func (h *Host) Model(ctx context.Context, name string) (*Model, error) {
	return launchAs(h, ctx, name, "model", (*Plugin).asModel)
}

// asModel talks to p as a model; a plugin of another kind gives an error
// wrapping sdk.ErrUnimplemented.
func (p *Plugin) asModel(ctx context.Context) (*Model, error) {
	impl, d, err := dispense(ctx, p, sdk.KindModel, sdk.Model.Describe)
	if err != nil {
		return nil, err
	}
	return &Model{Plugin: p, Desc: d, model: impl}, nil
}

// Sample runs the model's Sample with a watchdog: if the plugin sends
// nothing for the host's IdleTimeout, it is killed and Sample returns an
// *Error with Stalled set.
func (m *Model) Sample(ctx context.Context, req sdk.SampleRequest, emit sdk.Emit) error {
	return m.watch(ctx, "sampling", func(ctx context.Context) error {
		return m.model.Sample(ctx, req, func(c sdk.SampleChunk) error { return fromHost(emit(c)) })
	})
}

// Observables computes the model's observables of configs at point, under
// the idle watchdog.
func (m *Model) Observables(ctx context.Context, point sdk.Params, size int, configs []int8) (map[string][]float64, error) {
	var obs map[string][]float64
	err := m.watch(ctx, "computing observables", func(ctx context.Context) error {
		var err error
		obs, err = m.model.Observables(ctx, point, size, configs)
		return err
	})
	return obs, err
}

// ExactCurve asks the model for the exact curve of an observable at size
// (sdk.ExactModel) under the idle watchdog; a plugin that knows none gives
// an error wrapping sdk.ErrUnimplemented.
func (m *Model) ExactCurve(ctx context.Context, size int, observable string) (sdk.ExactCurve, error) {
	em, ok := m.model.(sdk.ExactModel)
	if !ok {
		return sdk.ExactCurve{}, sdk.Unimplemented("model %s knows no exact curves", m.Desc.Name)
	}
	var c sdk.ExactCurve
	err := m.watch(ctx, "computing an exact curve", func(ctx context.Context) error {
		var err error
		c, err = em.ExactCurve(ctx, size, observable)
		return err
	})
	return c, err
}

// Describe asks the plugin for its description again.
func (m *Model) Describe(ctx context.Context) (sdk.ModelDescription, error) {
	return describe(ctx, m.Plugin, m.model.Describe)
}

var _ sdk.ExactModel = (*Model)(nil)
