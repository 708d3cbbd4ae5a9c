package host

import (
	"context"
	"errors"
	"fmt"

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
	raw, err := p.proto.Dispense(sdk.KindModel)
	if err != nil {
		return nil, p.failure("starting", err)
	}
	m := &Model{Plugin: p, model: raw.(sdk.Model)}
	m.Desc, err = describe(ctx, p, m.model.Describe)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// launchAs launches the plugin called name and talks to it as the given
// kind, killing it if it is not one.
func launchAs[T any](h *Host, ctx context.Context, name, kind string, as func(*Plugin, context.Context) (T, error)) (T, error) {
	p, err := h.Launch(ctx, name)
	if err != nil {
		var zero T
		return zero, err
	}
	v, err := as(p, ctx)
	if err != nil {
		p.Kill()
		if errors.Is(err, sdk.ErrUnimplemented) {
			err = unknownPlugin("plugin %q is not a %s plugin", name, kind)
		}
	}
	return v, err
}

// describe asks a freshly started plugin for its description within the
// host's CallTimeout. ErrUnimplemented (a plugin of another kind) is
// returned as it is; a timeout names the plugin.
func describe[D any](ctx context.Context, p *Plugin, call func(context.Context) (D, error)) (D, error) {
	cctx, cancel := context.WithTimeout(ctx, p.host.cfg.CallTimeout)
	defer cancel()
	d, err := call(cctx)
	switch {
	case err == nil || errors.Is(err, sdk.ErrUnimplemented):
		return d, err
	case cctx.Err() != nil && ctx.Err() == nil:
		return d, &Error{Plugin: p.Name, Op: "describing itself", Err: fmt.Errorf("no answer within %v", p.host.cfg.CallTimeout)}
	}
	return d, p.failure("describing itself", err)
}

// Open launches the plugin called name and returns it as whatever kind it
// is: exactly one of the results is non-nil.
func (h *Host) Open(ctx context.Context, name string) (*Model, *Learner, error) {
	p, err := h.Launch(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	m, err := p.asModel(ctx)
	if err == nil {
		return m, nil, nil
	}
	if !errors.Is(err, sdk.ErrUnimplemented) {
		p.Kill()
		return nil, nil, err
	}
	l, err := p.asLearner(ctx)
	if err != nil {
		p.Kill()
		if errors.Is(err, sdk.ErrUnimplemented) {
			return nil, nil, fmt.Errorf("plugin %q serves no kind this host knows (model, learner)", name)
		}
		return nil, nil, err
	}
	return nil, l, nil
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

// Describe asks the plugin for its description again.
func (m *Model) Describe(ctx context.Context) (sdk.ModelDescription, error) {
	return describe(ctx, m.Plugin, m.model.Describe)
}

var _ sdk.Model = (*Model)(nil)
