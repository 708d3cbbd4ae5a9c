package host

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal has the kernel send the plugin SIGTERM when the
// host dies, even by kill -9, whatever language the plugin is written in
// (the SDK also watches its parent, for other systems).
func setParentDeathSignal(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGTERM
}

// The signal fires when the host *thread* that forked the plugin exits;
// the Go runtime only ends a thread when a goroutine locked to it returns,
// which the host never does around a launch.
