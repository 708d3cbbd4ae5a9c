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
	return launchAs(h, ctx, name, "learner", (*Plugin).asLearner)
}

// asLearner talks to p as a learner; a plugin of another kind gives an
// error wrapping sdk.ErrUnimplemented.
func (p *Plugin) asLearner(ctx context.Context) (*Learner, error) {
	impl, d, err := dispense(ctx, p, sdk.KindLearner, sdk.Learner.Describe)
	if err != nil {
		return nil, err
	}
	return &Learner{Plugin: p, Desc: d, learner: impl}, nil
}

// Describe asks the plugin for its description again.
func (l *Learner) Describe(ctx context.Context) (sdk.LearnerDescription, error) {
	return describe(ctx, l.Plugin, l.learner.Describe)
}

// watch runs call under the idle watchdog: every message the SDK client
// receives (data, progress or heartbeat) restarts it; if it fires, the
// plugin is killed and a Stalled error returned.
func (p *Plugin) watch(ctx context.Context, op string, call func(ctx context.Context) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	idle := p.host.cfg.IdleTimeout
	stalled := errors.New("stalled")
	timer := time.AfterFunc(idle, func() { cancel(stalled) })
	start := time.Now()
	err := call(sdk.WithHeartbeat(ctx, func() { timer.Reset(idle) }))
	timer.Stop()
	p.host.cfg.Observer.ObserveRPC(p.Name, op, time.Since(start))
	if err != nil && errors.Is(context.Cause(ctx), stalled) {
		// A plugin that stopped answering will not answer a shutdown
		// request either (SIGSTOP, a stuck library): kill it outright.
		p.forceKill()
		p.Kill()
		p.host.cfg.Observer.PluginCrashed(p.Name)
		detail := fmt.Sprintf("nothing from it for %v (--plugin-timeout)", idle)
		return &Error{Plugin: p.Name, Op: op, Stalled: true, Err: errors.New(detail), Detail: detail}
	}
	return p.failure(op, err)
}

// hostEvents marks the errors of the host's event callbacks as the host's.
type hostEvents struct{ sdk.TrainEvents }

func (h hostEvents) Progress(p sdk.Progress) error { return fromHost(h.TrainEvents.Progress(p)) }

func (h hostEvents) Checkpoint(c sdk.Checkpoint) error {
	return fromHost(h.TrainEvents.Checkpoint(c))
}

// Train runs a training under the watchdog: a learner must report
// progress at least every IdleTimeout.
func (l *Learner) Train(ctx context.Context, req sdk.TrainRequest, events sdk.TrainEvents) ([]sdk.Tensor, error) {
	var out []sdk.Tensor
	err := l.watch(ctx, "training", func(ctx context.Context) error {
		var err error
		out, err = l.learner.Train(ctx, req, hostEvents{events})
		return err
	})
	return out, err
}

// Apply runs an operation under the watchdog; the plugin's SDK sends
// heartbeats while the operation runs.
func (l *Learner) Apply(ctx context.Context, req sdk.ApplyRequest) ([]sdk.Tensor, error) {
	var out []sdk.Tensor
	err := l.watch(ctx, "applying "+req.Operation, func(ctx context.Context) error {
		var err error
		out, err = l.learner.Apply(ctx, req)
		return err
	})
	return out, err
}
