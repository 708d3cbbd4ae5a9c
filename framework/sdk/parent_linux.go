package sdk

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// setParentDeathSignal asks the kernel for SIGTERM when the process that
// started this plugin exits. The host already sets it at launch; a plugin
// started by another host gets it here. Any thread may set it: the kernel
// checks every thread of the orphan.
func setParentDeathSignal() {
	_ = unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0, 0, 0)
}
