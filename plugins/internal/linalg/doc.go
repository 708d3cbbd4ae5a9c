// Package linalg selects the float32 BLAS the learner plugins run on.
//
// By default gonum's pure-Go implementation serves blas32. Built with the
// tag `openblas` (and cgo, with CGO_LDFLAGS=-lopenblas; the Makefile does
// this when it finds libopenblas), Init switches blas32 to OpenBLAS through
// gonum.org/v1/netlib. Debian's OpenBLAS 0.3.21 mis-detects recent CPUs
// and runs several times slower unless OPENBLAS_CORETYPE is set; the rgml
// host sets it for the plugins it launches (see framework/host).
package linalg
