package exec

import (
	"github.com/rgml/rgml/framework/experiment/spec"
)

// The spec's names the executors' files use.
type Pos = spec.Pos

// ValidTime reports whether s is a time limit in one of Slurm's forms.
func ValidTime(s string) bool { return spec.ValidTime(s) }

func usagef(format string, args ...any) error { return spec.Usagef(format, args...) }
