package experiment

import (
	"io"

	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/progress"
	"github.com/rgml/rgml/registry"
)

// Env is what the steps work with (steps.Env). It is a type of its own
// over the same struct, not an alias, so that callers keep writing
// experiment.Env{…} and this package keeps the short method names its
// files use; (*steps.Env)(e) is the same value.
type Env steps.Env

// BuildInfo identifies the host build in lineage records.
type BuildInfo = steps.BuildInfo

// base is e as the steps package's Env.
func (e *Env) base() *steps.Env { return (*steps.Env)(e) }

func (e *Env) hostRef() *registry.HostRef      { return e.base().HostRef() }
func (e *Env) store() (*registry.Store, error) { return e.base().Registry() }
func (e *Env) tracker() progress.Tracker       { return e.base().Tracker() }
func (e *Env) stderr() io.Writer               { return e.base().ErrWriter() }
func (e *Env) host() (*host.Host, func())      { return e.base().PluginHost() }
func (e *Env) holder() string                  { return e.base().HolderID() }
func refErr(err error) error                   { return steps.RefErr(err) }

// Usage marks err as a usage error (errors.Is(err, ErrUsage)), keeping it.
func Usage(err error) error { return steps.Usage(err) }

// RegisteredBut reports work that failed after en was registered, so the
// user knows the result is not lost and how to get its files.
func RegisteredBut(en registry.Entry, step string, err error) error {
	return steps.RegisteredBut(en, step, err)
}
