// Package blasthreads makes the BLAS backend of package linalg run each
// call on its calling thread. The thermometer parallelises over chunks of
// configurations itself, one chunk's products on one goroutine; OpenBLAS's
// own threads would only compete with those goroutines. It is a package of
// its own because a Go package with cgo cannot also hold Go assembly.
package blasthreads
