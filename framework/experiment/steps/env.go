// Package steps is what the engine's step kinds share: the Env they work
// with and how their errors say whose fault they are.
package steps

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/hashicorp/go-hclog"

	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/metrics"
	"github.com/rgml/rgml/framework/progress"
	"github.com/rgml/rgml/registry"
)

// Env is what the steps work with, passed in explicitly: nothing in this
// package reaches for globals, so a test or another program runs the same
// steps as `rgml` does.
type Env struct {
	// Host launches the plugins. When Threads is set, a step runs its
	// plugins on a host of the same configuration whose plugins see
	// GOMAXPROCS=Threads (every rgml plugin sizes its worker pools from it).
	Host  *host.Host
	Store *registry.Store
	// OpenStore, if Store is nil, opens it when a step first needs it:
	// after the step's input is checked, so a mistake writes nothing.
	OpenStore func() (*registry.Store, error)
	// Metrics receives the steps' operational metrics (never nil).
	Metrics *metrics.Metrics
	// Progress shows each step's advance; nil shows nothing.
	Progress progress.Tracker
	Build    BuildInfo
	Stdout   io.Writer
	Stderr   io.Writer
	Logger   hclog.Logger
	// Threads is the number of threads a step may use (0: no limit).
	Threads int
	// Holder is the id under which this process holds the leases of the
	// steps it runs, and names its trainings' checkpoint folders
	// (registry.NewHolder if empty).
	Holder string
	// ReportOut, if set, is where a spec's report step writes the report
	// instead of the folder the spec names (rgml run --report).
	ReportOut string
}

// BuildInfo identifies the host build in lineage records.
type BuildInfo struct {
	Version, Commit string
}

// HostRef is this build on this machine, for lineage records.
func (e *Env) HostRef() *registry.HostRef {
	h, _ := os.Hostname()
	return &registry.HostRef{Version: e.Build.Version, Commit: e.Build.Commit, Machine: h}
}

// Registry returns the registry, opening it if need be.
func (e *Env) Registry() (*registry.Store, error) {
	if e.Store == nil {
		if e.OpenStore == nil {
			return nil, errors.New("experiment: Env has no registry")
		}
		s, err := e.OpenStore()
		if err != nil {
			return nil, err
		}
		e.Store = s
	}
	return e.Store, nil
}

// Tracker is where a step shows its advance (never nil).
func (e *Env) Tracker() progress.Tracker {
	if e.Progress == nil {
		return progress.Discard
	}
	return e.Progress
}

// ErrWriter is where a step writes notes for the user (never nil).
func (e *Env) ErrWriter() io.Writer {
	if e.Stderr == nil {
		return io.Discard
	}
	return e.Stderr
}

// PluginHost returns the host a step launches its plugins on and a function to
// release it: e.Host itself, or with a thread budget a host of the same
// configuration whose plugins get GOMAXPROCS (and OpenBLAS's thread count)
// set to it, sharing e.Host's private copies of the plugin binaries.
func (e *Env) PluginHost() (*host.Host, func()) {
	if e.Threads <= 0 {
		return e.Host, func() {}
	}
	cfg := e.Host.Config()
	n := strconv.Itoa(e.Threads)
	cfg.Env = append(append([]string(nil), cfg.Env...), "GOMAXPROCS="+n, "OPENBLAS_NUM_THREADS="+n)
	h := e.Host.WithConfig(cfg)
	return h, h.Close
}

// RefErr marks a reference the user got wrong (no such entry, an
// ambiguous prefix, a bad name, an entry others still need) as a usage
// error.
func RefErr(err error) error {
	for _, s := range []error{registry.ErrBadRef, registry.ErrNotFound, registry.ErrAmbiguous, registry.ErrInvalidName, registry.ErrInUse} {
		if errors.Is(err, s) {
			return usageWrap{err}
		}
	}
	return err
}

// usageWrap is an error that is the caller's fault, keeping its cause.
type usageWrap struct{ err error }

func (e usageWrap) Error() string        { return e.err.Error() }
func (e usageWrap) Unwrap() error        { return e.err }
func (e usageWrap) Is(target error) bool { return target == spec.ErrUsage }

// Usage marks err as a usage error (errors.Is(err, ErrUsage)), keeping it.
func Usage(err error) error {
	if err == nil {
		return nil
	}
	return usageWrap{err}
}

// RegisteredBut reports work that failed after en was registered, so the
// user knows the result is not lost and how to get its files.
func RegisteredBut(en registry.Entry, step string, err error) error {
	return fmt.Errorf("%s failed: %w; %s was registered, get its files with `rgml %s export %s DIR`", step, err, en, en.Kind.Plural(), en.Ref())
}

// HolderID returns the lease holder id of this process's steps, which
// also names the folders of their training checkpoints.
func (e *Env) HolderID() string {
	if e.Holder == "" {
		e.Holder = registry.NewHolder()
	}
	return e.Holder
}

// UnwrapPath drops the *os.PathError around err: a message that names
// the file already does not need it twice.
func UnwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
