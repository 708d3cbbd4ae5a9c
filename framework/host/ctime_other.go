//go:build !linux

package host

import "os"

// changeTime is not read on this system: without it a plugin's copy is
// never reused (stage copies the binary at every launch).
func changeTime(os.FileInfo) (sec, nsec int64, ok bool) { return 0, 0, false }
