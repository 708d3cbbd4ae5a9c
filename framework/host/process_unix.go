//go:build unix

package host

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// processAlive reports whether a process with this id exists (EPERM: it
// does, it is another user's).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// setProcessGroup puts the plugin in a process group of its own, so that
// killing the group takes the children of a wrapper script along.
func setProcessGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
}

// killGroup sends SIGKILL to the plugin's process group (its id is the
// plugin's pid), and to the plugin itself should it have left the group.
func killGroup(p *os.Process) {
	syscall.Kill(-p.Pid, syscall.SIGKILL)
	p.Kill()
}
