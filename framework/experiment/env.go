package experiment

import (
	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/registry"
)

// Env is what the steps work with (steps.Env): one type for the facade,
// the step kinds and the executors (package exec), so that callers write
// experiment.Env{…} and every part takes it as it is.
type Env = steps.Env

// BuildInfo identifies the host build in lineage records.
type BuildInfo = steps.BuildInfo

// Usage marks err as a usage error (errors.Is(err, ErrUsage)), keeping it.
func Usage(err error) error { return steps.Usage(err) }

// RegisteredBut reports work that failed after en was registered, so the
// user knows the result is not lost and how to get its files.
func RegisteredBut(en registry.Entry, step string, err error) error {
	return steps.RegisteredBut(en, step, err)
}

// RefError marks a reference the user got wrong (no such entry, an
// ambiguous prefix, a bad name, an entry others still need) as a usage
// error, for callers outside the package that resolve references
// themselves (steps.RefErr).
func RefError(err error) error { return steps.RefErr(err) }
