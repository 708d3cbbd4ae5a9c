//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package registry

// lock is a no-op on platforms without flock: there, do not run GC while
// other processes write to the store.
func (s *Store) lock(exclusive bool) (unlock func(), err error) {
	if s.pg {
		return s.pgLock(exclusive)
	}
	return func() {}, nil
}
