//go:build !unix

package sdk

// processAlive cannot ask here: the parent pid check and SIGTERM remain.
func processAlive(int) bool { return true }
