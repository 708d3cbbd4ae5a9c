package exec

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rgml/rgml/registry"
)

// One running step per key: before a step runs, its process claims the
// step key in the registry (registry.Store.Claim). Another process
// running the same spec (a second `rgml run`, a Slurm job of a
// resubmission) then waits for the holder's result and reuses it; the
// wait ends with the run's context, or when the holder stops renewing
// its lease (it died), in which case the waiter takes the step over.

// withLease runs do under the lease of step s, or returns the step's
// entry when it exists or another process registers it meanwhile
// (found). A lease lost while do runs (this process froze past the
// lease's TTL and another took the step over) stops do, and the step's
// entry is then the new holder's. The lease is released with last (see
// graceful).
func withLease(ctx, last context.Context, env *Env, store *registry.Store, s *Step, do func(ctx context.Context) (registry.Entry, error)) (en registry.Entry, found bool, err error) {
	kind := RegistryKind(s.Kind)
	for {
		l, en, found, err := store.Claim(ctx, kind, s.Key, env.HolderID(), registry.LeaseTTL, func(cur registry.LeaseState) {
			fmt.Fprintf(env.ErrWriter(), "%s: another process (%s) is running it: waiting for its result\n", s.ID, cur.Holder)
		})
		if err != nil || found {
			return en, found, err
		}
		work, stop := l.Keep(ctx)
		en, err = do(work)
		stop()
		lost := errors.Is(context.Cause(work), registry.ErrLeaseLost)
		l.Release(last)
		if err != nil && lost && ctx.Err() == nil {
			continue
		}
		return en, false, err
	}
}

// lastWords is how long the last words of a run (releasing its leases,
// registering the run) may take after Ctrl-C: milliseconds on a database
// that answers; a lease left unreleased expires by itself.
const lastWords = 500 * time.Millisecond

// graceful returns a context for the last words of work whose ctx may be
// cancelled (releasing a lease, registering a stopped run): it outlives
// ctx by grace, counted from ctx's end, so a Ctrl-C'd run still records
// what it did but a database that does not answer holds it no longer
// than that, however many last words it has.
func graceful(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	g, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(grace, cancel) })
	return g, func() { stop(); cancel() }
}
