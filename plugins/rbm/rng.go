package rbm

// The random number generator of plugins/ising, copied.

import "math/bits"

// SplitMix64 is the output function of Steele, Lea and Flood's SplitMix64
// generator ("Fast splittable pseudorandom number generators", OOPSLA 2014):
// it adds the golden-ratio increment to x and mixes the result. It is a
// bijection of uint64, used here to hash seeds.
func SplitMix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// DeriveSeed returns the seed of one random stream: a seed and two
// indices (here a stream kind and a block, epoch or step) hashed together
// with SplitMix64. Different indices get unrelated streams; nothing
// depends on the number of workers.
func DeriveSeed(seed uint64, i, j int) uint64 {
	h := SplitMix64(seed)
	h = SplitMix64(h ^ uint64(i))
	return SplitMix64(h ^ uint64(j))
}

// RNG is a xoshiro256** pseudo-random generator (Blackman and Vigna,
// "Scrambled linear pseudorandom number generators", ACM TOMS 47, 2021):
// 256 bits of state, period 2^256 − 1, all 64 output bits of good quality.
// The zero value is not usable; create one with NewRNG or Seed it. An RNG is
// not safe for concurrent use.
type RNG struct {
	s [4]uint64
}

// NewRNG returns a generator seeded with seed (see Seed).
func NewRNG(seed uint64) *RNG {
	r := new(RNG)
	r.Seed(seed)
	return r
}

// Seed fills the state with four consecutive SplitMix64 outputs started at
// seed, as recommended by the xoshiro authors; the state is never all zero.
func (r *RNG) Seed(seed uint64) {
	for i := range r.s {
		seed += 0x9e3779b97f4a7c15
		z := seed
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		r.s[i] = z ^ (z >> 31)
	}
	if r.s == [4]uint64{} {
		r.s[0] = 1
	}
}

// Uint64 returns the next 64 random bits.
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

// Below returns a uniform integer in [0, n) by Lemire's multiply-shift on 32
// random bits (bias below n/2^32, negligible for lattice sizes). n must be
// in (0, 2^32).
func (r *RNG) Below(n int) int {
	return int((r.Uint64() >> 32) * uint64(n) >> 32)
}

// Float64 returns a uniform float64 in [0, 1) with 53 random bits.
func (r *RNG) Float64() float64 {
	return float64(r.Uint64()>>11) * 0x1p-53
}
