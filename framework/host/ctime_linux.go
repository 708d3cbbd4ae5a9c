//go:build linux

package host

import (
	"os"
	"syscall"
)

// changeTime is the file's status change time (ctime), which every write,
// truncation, chmod or rename of the file moves and which, unlike the
// modification time, no unprivileged process can set back; ok is false
// when the file system gives none.
func changeTime(fi os.FileInfo) (sec, nsec int64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return st.Ctim.Sec, st.Ctim.Nsec, true
}
