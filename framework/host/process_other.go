//go:build !unix

package host

// processAlive cannot tell here, so every directory is kept.
func processAlive(int) bool { return true }
