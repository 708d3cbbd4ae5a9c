package exec

import (
	"context"
	"fmt"
	"sync"

	"github.com/rgml/rgml/framework/experiment/plan"
	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/registry"
)

// The executors run steps of every kind the same way; what differs by
// kind (its entry, whether it is made anew every run, how it runs) they
// ask the kinds table of the facade (framework/experiment's kinds.go),
// which registers it here: the executors import no step kind, so a new
// kind is an entry there and a package of its own, never an edit here.

// Env, Plan, Step and Kind are the engine's (steps, plan).
type (
	Env  = steps.Env
	Plan = plan.Plan
	Step = plan.Step
	Kind = plan.Kind
)

// KindRun makes one step's result through env; input gives the entry
// digest of a step it reads.
type KindRun func(ctx context.Context, env *Env, p *Plan, s *Step, input func(id string) string) (registry.Entry, error)

// KindInfo is what the executors know of one step kind.
type KindInfo struct {
	Entry registry.Kind // the registry kind of its result
	// Once: made anew every run, never looked up or leased by its key,
	// and never a batch job of its own (it reads what the run's jobs
	// make: `rgml report RUN` draws the report once they are done).
	Once bool
	Run  KindRun
}

var table struct {
	sync.RWMutex
	kinds map[Kind]KindInfo
}

// RegisterKind makes the executors run steps of kind k with info; the
// facade registers every kind of its table (a kind registered twice is a
// programming error).
func RegisterKind(k Kind, info KindInfo) {
	table.Lock()
	defer table.Unlock()
	if table.kinds == nil {
		table.kinds = map[Kind]KindInfo{}
	}
	if _, dup := table.kinds[k]; dup {
		panic(fmt.Sprintf("exec: step kind %q registered twice", k))
	}
	table.kinds[k] = info
}

// kindOf is k's entry; a kind nobody registered is a bug of the facade,
// not of a spec (the planner makes only steps of its table's kinds).
func kindOf(k Kind) KindInfo {
	table.RLock()
	defer table.RUnlock()
	info, ok := table.kinds[k]
	if !ok {
		panic(fmt.Sprintf("exec: step kind %q is not registered", k))
	}
	return info
}

// RegistryKind is the kind of entry a step of kind k makes.
func RegistryKind(k Kind) registry.Kind { return kindOf(k).Entry }
