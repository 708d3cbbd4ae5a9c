//go:build !unix

package host

import (
	"os"
	"os/exec"
)

// processAlive cannot tell here, so every directory is kept.
func processAlive(int) bool { return true }

func setProcessGroup(*exec.Cmd) {}

// killGroup kills the plugin; its children are on their own here.
func killGroup(p *os.Process) { p.Kill() }
