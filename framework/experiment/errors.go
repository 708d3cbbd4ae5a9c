package experiment

import (
	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/host"
)

// ErrUnknownPlugin is what a Catalog returns (wrapped) for a plugin name it
// does not have, or that names a plugin of another kind; validation turns
// it into a usage error at the field that names the plugin. Any other
// Catalog error is a failure of the work (a plugin that crashed while
// describing itself) and is returned as is. It is the host's sentinel, so
// the host's own errors need no translation.
var ErrUnknownPlugin = host.ErrUnknownPlugin

// Names of the spec package that the engine and its callers use as
// this package's.
var ErrUsage = spec.ErrUsage

type (
	Pos   = spec.Pos
	Error = spec.Error
)

func errAt(p Pos, field, format string, args ...any) *Error {
	return spec.At(p, field, format, args...)
}

func usagef(format string, args ...any) error { return spec.Usagef(format, args...) }
