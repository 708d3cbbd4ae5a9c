//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package registry

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// lock takes the store's advisory lock: shared for writers (Put), exclusive
// for GC, so GC never sweeps a blob that a Put has written but not yet
// committed. The kernel drops the lock when the process dies.
func (s *Store) lock(ctx context.Context, exclusive bool) (unlock func(), err error) {
	if s.pg {
		return s.pgLock(ctx, exclusive)
	}
	p := filepath.Join(s.root, lockFileName)
	var f *os.File
	if s.readOnly {
		// Readers create nothing; with no lock file no writer or GC has
		// ever run here, and a shared lock only keeps GC out.
		f, err = os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			return func() {}, nil
		}
	} else {
		f, err = os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
	}
	if err != nil {
		return nil, fmt.Errorf("registry: lock %s: %w", p, err)
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("registry: lock %s: %w", p, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
