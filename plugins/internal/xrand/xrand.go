package xrand

import (
	"fmt"
	"math"
	"math/bits"
)

// golden is SplitMix64's increment, 2^64/φ rounded to odd.
const golden = 0x9e3779b97f4a7c15

// SplitMix64 is the output function of SplitMix64: it adds the golden-ratio
// increment to x and mixes the result. It is a bijection of uint64, used to
// expand and hash seeds.
func SplitMix64(x uint64) uint64 {
	x += golden
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Derive returns the seed of one random stream: seed and the indices i and
// j hashed together with SplitMix64. Different (seed, i, j) give unrelated
// streams.
func Derive(seed uint64, i, j int) uint64 {
	h := SplitMix64(seed)
	h = SplitMix64(h ^ uint64(i))
	return SplitMix64(h ^ uint64(j))
}

// RNG is a xoshiro256** generator. The zero value is not usable: create one
// with New or Seed it. An RNG is not safe for concurrent use; copying one
// copies its stream.
type RNG struct {
	s [4]uint64
}

// New returns a generator seeded with seed (see Seed).
func New(seed uint64) *RNG {
	r := new(RNG)
	r.Seed(seed)
	return r
}

// Seed sets the state to four consecutive SplitMix64 outputs started at
// seed: SplitMix64(seed + k·golden) for k = 0, …, 3. The state is never all
// zero.
func (r *RNG) Seed(seed uint64) {
	for i := range r.s {
		r.s[i] = SplitMix64(seed)
		seed += golden
	}
	if r.s == [4]uint64{} {
		r.s[0] = 1
	}
}

// Uint64 returns the next 64 random bits. It inlines (cost 79 of the
// compiler's budget of 80 in Go 1.26: keep it so); MetropolisAttempts in
// plugins/ising repeats its step on a state held in registers.
func (r *RNG) Uint64() uint64 {
	s0, s1, s2, s3 := r.s[0], r.s[1], r.s[2], r.s[3]
	out := bits.RotateLeft64(s1*5, 7) * 9
	t := s1 << 17
	s2 ^= s0
	s3 ^= s1
	s1 ^= s2
	s0 ^= s3
	s2 ^= t
	s3 = bits.RotateLeft64(s3, 45)
	r.s = [4]uint64{s0, s1, s2, s3}
	return out
}

// Below returns an integer in [0, n), the high word of the 128-bit product
// of n and one random word (Lemire's multiply-shift; bias below n/2^64).
// It panics if n ≤ 0.
func (r *RNG) Below(n int) int {
	if n <= 0 {
		panic("xrand: Below of a non-positive n")
	}
	hi, _ := bits.Mul64(r.Uint64(), uint64(n))
	return int(hi)
}

// Float64 returns a uniform float64 in [0, 1) with 53 random bits.
func (r *RNG) Float64() float64 {
	return float64(r.Uint64()>>11) * 0x1p-53
}

// Normal returns a standard normal variate by the Box–Muller transform.
// The second variate of the pair is discarded, so that every call consumes
// exactly two words.
func (r *RNG) Normal() float64 {
	u := 1 - r.Float64() // (0, 1]
	v := r.Float64()
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*v)
}

// ShuffleInt32 permutes p uniformly (Fisher–Yates, one Below per element
// after the first, from the end).
func (r *RNG) ShuffleInt32(p []int32) {
	for i := len(p) - 1; i > 0; i-- {
		j := r.Below(i + 1)
		p[i], p[j] = p[j], p[i]
	}
}

// State returns the generator's state.
func (r *RNG) State() [4]uint64 { return r.s }

// SetState sets the generator's state, one that State returned (or that
// the xoshiro256** recurrence reached from one). It panics on the all-zero
// state, a fixed point of the recurrence.
func (r *RNG) SetState(s [4]uint64) {
	if s == [4]uint64{} {
		panic("xrand: all-zero state")
	}
	r.s = s
}

// StateInt64 returns the state as four int64s, the uint64 words bit for
// bit, for a checkpoint's tensor.
func (r *RNG) StateInt64() []int64 {
	return []int64{int64(r.s[0]), int64(r.s[1]), int64(r.s[2]), int64(r.s[3])}
}

// SetStateInt64 restores a state saved by StateInt64. It leaves r alone
// and returns an error unless s is four words, not all zero.
func (r *RNG) SetStateInt64(s []int64) error {
	if len(s) != 4 {
		return fmt.Errorf("xoshiro256** state of %d words, want 4", len(s))
	}
	st := [4]uint64{uint64(s[0]), uint64(s[1]), uint64(s[2]), uint64(s[3])}
	if st == [4]uint64{} {
		return fmt.Errorf("all-zero xoshiro256** state")
	}
	r.s = st
	return nil
}

// Domain returns the seed of a named use of a request's seed: SplitMix64 of
// the seed xor'ed with an FNV-1a hash of name. Plugins give every purpose
// its own name ("rbm/train", "rbm/flow", "ising/wolff/L=10/T=2.25", …) so
// that one user seed never feeds two purposes the same random numbers.
func Domain(seed uint64, name string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	return SplitMix64(seed ^ h)
}
