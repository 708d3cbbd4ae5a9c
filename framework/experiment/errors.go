package experiment

import (
	"github.com/rgml/rgml/framework/experiment/spec"
)

// Names of the spec package that the engine and its callers use as
// this package's.
var ErrUsage = spec.ErrUsage

type (
	Pos   = spec.Pos
	Error = spec.Error
)
