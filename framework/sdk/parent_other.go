//go:build !linux

package sdk

// setParentDeathSignal: no parent-death signal here; watchHost polls.
func setParentDeathSignal() {}
