// Package linalg is the learners' OpenBLAS path: the float32 BLAS of
// gonum's blas32, and Gemm, a product with the arguments of package
// plugins/internal/kernels' products on top of it.
//
// The learners use it only in a build with OpenBLAS on a CPU where none of
// the kernels' assembly runs: elsewhere the kernels are faster
// (docs/learners.md has the measurements). Built with the tag `openblas`
// (and cgo, with CGO_LDFLAGS=-lopenblas; the Makefile does this when it
// finds libopenblas), Init switches blas32 to OpenBLAS through
// gonum.org/v1/netlib; otherwise blas32 is gonum's pure Go, which no
// learner uses any more (it summed long products in one float32).
// Debian's OpenBLAS 0.3.21 mis-detects recent CPUs and runs several times
// slower unless OPENBLAS_CORETYPE is set; the rgml host sets it for the
// plugins it launches (see framework/host).
package linalg
