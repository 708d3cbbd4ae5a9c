//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package registry

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
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
		f, err = os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if errors.Is(err, fs.ErrNotExist) {
			return func() {}, nil
		}
	} else {
		// Non-blocking, so that a lock file replaced by a FIFO is not
		// waited on; flock works on any descriptor.
		f, err = os.OpenFile(p, os.O_RDWR|os.O_CREATE|syscall.O_NONBLOCK, 0o644)
	}
	if err != nil {
		return nil, fmt.Errorf("registry: lock %s: %w", p, err)
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	// flock(2) itself cannot be interrupted by ctx, so the lock is tried
	// without blocking, with a growing pause between tries, until ctx
	// ends (lockDeadline): a GC or a writer that holds it for long (or a
	// process stopped with SIGSTOP) costs a deadline, never a hang or an
	// ignored Ctrl-C.
	ctx, cancel := lockDeadline(ctx, s.readOnly)
	defer cancel()
	start, pause, told := time.Now(), 5*time.Millisecond, false
	holder := func() string {
		if pids := lockHolders(f); len(pids) > 0 {
			return "pid " + strings.Join(pids, ", pid ")
		}
		return "another process"
	}
	for {
		err = syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if err == syscall.EINTR {
			continue
		}
		if err != syscall.EWOULDBLOCK {
			f.Close()
			return nil, fmt.Errorf("registry: lock %s: %w", p, err)
		}
		if !told && s.lockWaiting != nil && time.Since(start) >= LockNotice {
			s.lockWaiting(holder())
			told = true
		}
		select {
		case <-ctx.Done():
			who := holder()
			f.Close()
			return nil, fmt.Errorf("registry: gave up after %s waiting for the store lock %s, held by %s (a gc holds it alone, puts and verify share it): %w",
				time.Since(start).Round(time.Millisecond), p, who, context.Cause(ctx))
		case <-time.After(pause):
		}
		pause = min(2*pause, 250*time.Millisecond)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// lockHolders returns the pids that hold a flock on f's file according to
// /proc/locks (Linux; elsewhere, or if it cannot be read, none). A waiter
// ("->") is not a holder.
func lockHolders(f *os.File) []string {
	var st syscall.Stat_t
	if syscall.Fstat(int(f.Fd()), &st) != nil {
		return nil
	}
	data, err := readRegular("/proc/locks", 16<<20)
	if err != nil {
		return nil
	}
	want := fmt.Sprintf("%02x:%02x:%d", unix.Major(uint64(st.Dev)), unix.Minor(uint64(st.Dev)), st.Ino)
	var pids []string
	for _, line := range strings.Split(string(data), "\n") {
		fs := strings.Fields(line)
		// "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"
		if len(fs) < 6 || fs[1] != "FLOCK" || fs[5] != want || slices.Contains(pids, fs[4]) {
			continue
		}
		pid := fs[4]
		if pid == strconv.Itoa(os.Getpid()) {
			pid += " (this process)"
		}
		pids = append(pids, pid)
	}
	return pids
}
