//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package registry

import "context"

// lock is a no-op on platforms without flock: there, do not run GC while
// other processes write to the store.
func (s *Store) lock(ctx context.Context, exclusive bool) (unlock func(), err error) {
	if s.pg {
		return s.pgLock(ctx, exclusive)
	}
	return func() {}, nil
}
