package kernels

import (
	"fmt"
	"os"
	"slices"
)

// Implementations. The vector passes (tanh, exp) of avx2, avx512 and
// neon are one algorithm with the same fused multiply-adds, as are their
// products' sums, so all three give the same bits.
const (
	generic = iota
	avx2
	avx512
	neon
)

var names = [...]string{generic: "generic", avx2: "avx2", avx512: "avx512", neon: "neon"}

// level is the implementation in use; runs those this CPU runs, best last.
var (
	level int
	runs  []int
)

// envErr is the error of a bad RGML_KERNELS.
var envErr error

func init() {
	runs = []int{generic}
	switch {
	case hasNEON:
		runs = append(runs, neon)
	case hasAVX512:
		runs = append(runs, avx2, avx512)
	case hasAVX2:
		runs = append(runs, avx2)
	}
	level = runs[len(runs)-1]
	if v := os.Getenv("RGML_KERNELS"); v != "" {
		l, err := parse(v)
		if err != nil {
			envErr = fmt.Errorf("RGML_KERNELS: %w", err)
			return
		}
		level = l
	}
}

// best is the best implementation this CPU runs.
func best() int { return runs[len(runs)-1] }

func parse(name string) (int, error) {
	for l, n := range names {
		if n == name {
			if !slices.Contains(runs, l) {
				return 0, fmt.Errorf("this CPU cannot run the %s kernels (it runs: %v)", name, Available())
			}
			return l, nil
		}
	}
	return 0, fmt.Errorf("unknown kernels %q (want one of %v)", name, Available())
}

// Err reports a bad RGML_KERNELS; the learners refuse to work with it.
func Err() error { return envErr }

// Name names the implementation in use: "avx512", "avx2", "neon" or
// "generic".
func Name() string { return names[level] }

// Available lists the implementations this CPU runs, best last.
func Available() []string {
	out := make([]string, len(runs))
	for i, l := range runs {
		out[i] = names[l]
	}
	return out
}

// Vector lists the implementations this CPU runs that are assembly, best
// last: those that give the same bits as each other (Available without
// generic).
func Vector() []string { return Available()[1:] }

// Force makes the named implementation the one in use and returns a
// function restoring the previous one. For tests: not safe while
// products run.
func Force(name string) (restore func(), err error) {
	l, err := parse(name)
	if err != nil {
		return nil, err
	}
	old := level
	level = l
	return func() { level = old }, nil
}

// Pad16 rounds n up to a multiple of 16, Pad4 to a multiple of 4.
func Pad16(n int) int { return (n + 15) &^ 15 }
func Pad4(n int) int  { return (n + 3) &^ 3 }

// RowStride is a row stride for matrices of width n that the products
// read: Pad16(n), plus 16 when that is a multiple of 256 values (1 KiB).
// With such a stride the rows of a product's panel of B (32 columns of
// each of k rows) fall into a quarter or less of the L1 and L2 cache sets
// and evict each other, so that the panel, meant to stay in L1 while it
// serves every block of rows, streams from memory instead (N_v = 1024,
// the L = 32 lattice: the panel of Wᵀ in the RBM step's h·Wᵀ). The stride
// changes no result: the products compute Pad16(n) columns either way.
func RowStride(n int) int {
	p := Pad16(n)
	if p%256 == 0 {
		p += 16
	}
	return p
}
