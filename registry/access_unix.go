//go:build unix

package registry

import "golang.org/x/sys/unix"

// canWrite reports whether this process may create files in dir (false on a
// read-only mount even for root).
func canWrite(dir string) bool { return unix.Access(dir, unix.W_OK) == nil }

// processGone reports whether no process pid exists on this machine.
func processGone(pid int) bool {
	return pid > 0 && unix.Kill(pid, 0) == unix.ESRCH
}
