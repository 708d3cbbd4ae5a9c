package host

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/go-plugin"

	"github.com/rgml/rgml/framework/sdk"
)

// kinds are the plugin kinds this host speaks, in the order Open tries
// them. A new kind is one entry here, one typed wrapper (like Analyzer)
// and its sdk shims; launching, the lock check, describing and crash
// handling are shared.
var kinds = []struct {
	name string
	glue func() plugin.Plugin
	open func(p *Plugin, ctx context.Context, o *Opened) error
}{
	{sdk.KindModel, func() plugin.Plugin { return &sdk.ModelPlugin{} }, func(p *Plugin, ctx context.Context, o *Opened) (err error) {
		o.Model, err = p.asModel(ctx)
		return err
	}},
	{sdk.KindLearner, func() plugin.Plugin { return &sdk.LearnerPlugin{} }, func(p *Plugin, ctx context.Context, o *Opened) (err error) {
		o.Learner, err = p.asLearner(ctx)
		return err
	}},
	{sdk.KindAnalyzer, func() plugin.Plugin { return &sdk.AnalyzerPlugin{} }, func(p *Plugin, ctx context.Context, o *Opened) (err error) {
		o.Analyzer, err = p.asAnalyzer(ctx)
		return err
	}},
}

// Opened is a plugin opened as whatever kind it is: exactly one of Model,
// Learner and Analyzer is set.
type Opened struct {
	Plugin   *Plugin
	Kind     string // sdk.KindModel, sdk.KindLearner or sdk.KindAnalyzer
	Version  string
	Model    *Model
	Learner  *Learner
	Analyzer *Analyzer
}

// Kill stops the plugin.
func (o *Opened) Kill() { o.Plugin.Kill() }

// Open launches the plugin called name and returns it as whatever kind it
// is.
func (h *Host) Open(ctx context.Context, name string) (*Opened, error) {
	p, err := h.Launch(ctx, name)
	if err != nil {
		return nil, err
	}
	known := make([]string, len(kinds))
	for i, k := range kinds {
		known[i] = k.name
		o := &Opened{Plugin: p, Kind: k.name}
		err := k.open(p, ctx, o)
		if errors.Is(err, sdk.ErrUnimplemented) {
			continue
		}
		if err != nil {
			p.Kill()
			return nil, err
		}
		switch {
		case o.Model != nil:
			o.Version = o.Model.Desc.Version
		case o.Learner != nil:
			o.Version = o.Learner.Desc.Version
		case o.Analyzer != nil:
			o.Version = o.Analyzer.Desc.Version
		}
		return o, nil
	}
	p.Kill()
	return nil, fmt.Errorf("plugin %q serves no kind this host knows (%s)", name, strings.Join(known, ", "))
}

// dispense talks to p as the given kind and asks for its description
// (within CallTimeout); a plugin of another kind gives an error wrapping
// sdk.ErrUnimplemented.
func dispense[I any, D any](ctx context.Context, p *Plugin, kind string, describeOf func(I, context.Context) (D, error)) (I, D, error) {
	var impl I
	var d D
	raw, err := p.proto.Dispense(kind)
	if err != nil {
		return impl, d, p.failure("starting", err)
	}
	impl, ok := raw.(I)
	if !ok {
		return impl, d, fmt.Errorf("plugin %q: the %s glue returned %T", p.Name, kind, raw)
	}
	d, err = describe(ctx, p, func(ctx context.Context) (D, error) { return describeOf(impl, ctx) })
	return impl, d, err
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
	case err == nil:
		return d, checkName(p, d)
	case errors.Is(err, sdk.ErrUnimplemented):
		return d, err
	case cctx.Err() != nil && ctx.Err() == nil:
		return d, &Error{Plugin: p.Name, Op: "describing itself", Err: fmt.Errorf("no answer within %v", p.host.cfg.CallTimeout)}
	}
	return d, p.failure("describing itself", err)
}

// checkName refuses a description whose name is not the plugin's, which
// is its binary's (rgml-plugin-NAME): lineage records the described name,
// and one of "../../etc" or another plugin's would be believed.
func checkName[D any](p *Plugin, d D) error {
	var name string
	switch d := any(d).(type) {
	case sdk.ModelDescription:
		name = d.Name
	case sdk.LearnerDescription:
		name = d.Name
	case sdk.AnalyzerDescription:
		name = d.Name
	default:
		return nil
	}
	if name != p.Name {
		return &Error{Plugin: p.Name, Op: "describing itself", Err: fmt.Errorf("it calls itself %q: a plugin's name is its binary's, rgml-plugin-%s", name, p.Name)}
	}
	return nil
}
