//go:build unix

package registry

import "golang.org/x/sys/unix"

// canWrite reports whether this process may create files in dir (false on a
// read-only mount even for root).
func canWrite(dir string) bool { return unix.Access(dir, unix.W_OK) == nil }
