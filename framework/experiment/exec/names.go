package exec

import (
	"github.com/rgml/rgml/framework/experiment/plan"
	"github.com/rgml/rgml/framework/experiment/spec"
)

// The spec's and the planner's names the executors' files use.
type Pos = spec.Pos

// KindReport is the kind of the report step, which a batch system does
// not run (it reads every job's result; `rgml report RUN` draws it).
const KindReport = plan.KindReport

// ValidTime reports whether s is a time limit in one of Slurm's forms.
func ValidTime(s string) bool { return spec.ValidTime(s) }

func usagef(format string, args ...any) error { return spec.Usagef(format, args...) }
