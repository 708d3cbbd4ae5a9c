//go:build openblas && cgo

package linalg

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/netlib/blas/netlib"
)

const backend = "openblas"

func use() { blas32.Use(netlib.Implementation{}) }
