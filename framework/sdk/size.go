package sdk

import "math/bits"

// MaxInt is the largest magnitude of an Int parameter: integers carried as
// float64 are exact up to 2^53, and past it "epochs=1e19" would wrap when
// converted to int.
const MaxInt = 1 << 53

// Product returns the product of non-negative sizes, and false if a factor
// is negative or the product does not fit in an int. Size guards must use
// it: a guard computed after the product wrapped lets anything through.
func Product(factors ...int) (int, bool) {
	p := uint64(1)
	for _, f := range factors {
		if f < 0 {
			return 0, false
		}
		hi, lo := bits.Mul64(p, uint64(f))
		if hi != 0 || lo > 1<<63-1 {
			return 0, false
		}
		p = lo
	}
	return int(p), true
}
