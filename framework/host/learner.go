package host

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rgml/rgml/framework/sdk"
)

// Learner is a running learner plugin, with its description.
type Learner struct {
	*Plugin
	Desc    sdk.LearnerDescription
	learner sdk.Learner
}

var _ sdk.Learner = (*Learner)(nil)

// Learner launches the plugin called name and returns it as a learner.
func (h *Host) Learner(ctx context.Context, name string) (*Learner, error) {
	p, err := h.Launch(ctx, name)
	if err != nil {
		return nil, err
	}
	l, err := p.asLearner(ctx)
	if err != nil {
		p.Kill()
		if errors.Is(err, sdk.ErrUnimplemented) {
			return nil, fmt.Errorf("plugin %q is not a learner plugin", name)
		}
		return nil, err
	}
	return l, nil
}

// asLearner talks to p as a learner; a plugin of another kind gives an
// error wrapping sdk.ErrUnimplemented.
func (p *Plugin) asLearner(ctx context.Context) (*Learner, error) {
	raw, err := p.proto.Dispense(sdk.KindLearner)
	if err != nil {
		return nil, p.failure("starting", err)
	}
	l := &Learner{Plugin: p, learner: raw.(sdk.Learner)}
	cctx, cancel := context.WithTimeout(ctx, p.host.cfg.CallTimeout)
	defer cancel()
	l.Desc, err = l.learner.Describe(cctx)
	if errors.Is(err, sdk.ErrUnimplemented) {
		return nil, err
	}
	if err != nil {
		return nil, p.failure("describing itself", err)
	}
	return l, nil
}

// Describe asks the plugin for its description again.
func (l *Learner) Describe(ctx context.Context) (sdk.LearnerDescription, error) {
	ctx, cancel := context.WithTimeout(ctx, l.host.cfg.CallTimeout)
	defer cancel()
	d, err := l.learner.Describe(ctx)
	return d, l.failure("describing itself", err)
}

// watch runs call under the idle watchdog: kick restarts it; if it fires,
// the plugin is killed and a Stalled error returned.
func (p *Plugin) watch(ctx context.Context, op string, call func(ctx context.Context, kick func()) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	idle := p.host.cfg.IdleTimeout
	stalled := errors.New("stalled")
	timer := time.AfterFunc(idle, func() { cancel(stalled) })
	defer timer.Stop()
	start := time.Now()
	err := call(ctx, func() { timer.Reset(idle) })
	p.host.cfg.Observer.ObserveRPC(p.Name, op, time.Since(start))
	if errors.Is(context.Cause(ctx), stalled) {
		p.Kill()
		p.host.cfg.Observer.PluginCrashed(p.Name)
		return &Error{Plugin: p.Name, Op: op, Stalled: true,
			Err: fmt.Errorf("no message for %v", idle), Detail: fmt.Sprintf("no message for %v", idle)}
	}
	return p.failure(op, err)
}

type kickEvents struct {
	sdk.TrainEvents
	kick func()
}

func (k kickEvents) Progress(p sdk.Progress) error {
	k.kick()
	return k.TrainEvents.Progress(p)
}

func (k kickEvents) Checkpoint(c sdk.Checkpoint) error {
	k.kick()
	return k.TrainEvents.Checkpoint(c)
}

// Train runs a training under the watchdog: a learner must report
// progress at least every IdleTimeout.
func (l *Learner) Train(ctx context.Context, req sdk.TrainRequest, events sdk.TrainEvents) ([]sdk.Tensor, error) {
	var out []sdk.Tensor
	err := l.watch(ctx, "training", func(ctx context.Context, kick func()) error {
		var err error
		out, err = l.learner.Train(ctx, req, kickEvents{events, kick})
		return err
	})
	return out, err
}

// Apply runs an operation under the watchdog; the plugin's SDK sends
// heartbeats while the operation runs.
func (l *Learner) Apply(ctx context.Context, req sdk.ApplyRequest) ([]sdk.Tensor, error) {
	var out []sdk.Tensor
	err := l.watch(ctx, "applying "+req.Operation, func(ctx context.Context, kick func()) error {
		var err error
		out, err = l.learner.Apply(sdk.WithHeartbeat(ctx, kick), req)
		return err
	})
	return out, err
}
