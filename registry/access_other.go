//go:build !unix

package registry

// canWrite assumes a writable directory where access(2) is not available.
func canWrite(string) bool { return true }

// processGone cannot tell here: a lease's holder is waited for until its
// lease expires.
func processGone(pid int) bool { return false }
