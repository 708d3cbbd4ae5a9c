//go:build !openblas || !cgo

package blasthreads

// Serial does nothing without OpenBLAS: gonum's blas32 runs a product on
// the calling goroutine when it is small (see thermometer's chunkRows).
func Serial() {}
