//go:build !openblas || !cgo

package linalg

const backend = "gonum"

// use keeps gonum's pure-Go blas32, the default.
func use() {}
