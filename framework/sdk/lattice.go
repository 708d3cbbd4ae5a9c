package sdk

import (
	"strconv"
	"strings"
)

// MaxDimension is the highest lattice dimension learners, analyzers and
// figures take: the report draws a configuration as a strip (d = 1), an
// image (d = 2) or slices of planes (d = 3).
const MaxDimension = 3

// Dim returns the lattice dimension d as a request or dataset records it:
// 0 is 2, because before the dimension was sent (protocol fields ≥ 30)
// every configuration was an L×L square lattice.
func Dim(d int) int {
	if d == 0 {
		return 2
	}
	return d
}

// LatticeSites returns size^dim, the sites of a configuration (dim 0 is
// 2, see Dim); 0 when it overflows an int or size or dim is not positive.
func LatticeSites(size, dim int) int {
	if size < 1 || dim < 0 {
		return 0
	}
	n, ok := Product(repeat(size, Dim(dim))...)
	if !ok {
		return 0
	}
	return n
}

// Shape writes a lattice's shape as messages give it: "6×6×6" for
// L = 6, d = 3, "64" for a chain of 64 sites.
func Shape(size, dim int) string {
	parts := make([]string, Dim(dim))
	for i := range parts {
		parts[i] = strconv.Itoa(size)
	}
	return strings.Join(parts, "×")
}

// Lattice names a lattice in messages: "6×6×6 lattice", "L = 64 chain".
func Lattice(size, dim int) string {
	if Dim(dim) == 1 {
		return "L = " + strconv.Itoa(size) + " chain"
	}
	return Shape(size, dim) + " lattice"
}

// CheckDimension reports an InvalidArgument error for a dimension outside
// 1…MaxDimension (0 is 2, see Dim).
func CheckDimension(dim int) error {
	if d := Dim(dim); d < 1 || d > MaxDimension {
		return InvalidArgument("lattice dimension %d: learners and analyzers take d = 1 … %d", dim, MaxDimension)
	}
	return nil
}
