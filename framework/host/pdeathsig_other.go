//go:build !linux

package host

import "os/exec"

// setParentDeathSignal: only Linux has a parent-death signal; the SDK's
// parent watch stops Go plugins elsewhere.
func setParentDeathSignal(*exec.Cmd) {}
