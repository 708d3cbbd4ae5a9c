package thermometer

import (
	"math"
	"math/bits"
)

// rng is a xoshiro256** generator (Blackman and Vigna, "Scrambled linear
// pseudorandom number generators", ACM TOMS 47, 2021). Its whole state is
// four words, which a checkpoint stores as the int64 tensor "rng".
type rng struct{ s [4]uint64 }

// newRNG seeds the state with four SplitMix64 outputs started at seed.
func newRNG(seed uint64) *rng {
	r := new(rng)
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
	return r
}

func (r *rng) uint64() uint64 {
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

// float64 returns a uniform number in [0, 1) with 53 random bits.
func (r *rng) float64() float64 { return float64(r.uint64()>>11) * 0x1p-53 }

// below returns a uniform integer in [0, n) (Lemire's multiply-shift on 64
// bits; bias below n/2⁶⁴).
func (r *rng) below(n int) int {
	hi, _ := bits.Mul64(r.uint64(), uint64(n))
	return int(hi)
}

// normal returns a standard normal variate by the Box–Muller transform
// (one of the pair; the other is discarded so that the state advances by
// exactly two words per variate).
func (r *rng) normal() float64 {
	u := 1 - r.float64() // (0, 1]
	v := r.float64()
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*v)
}

// shuffle permutes p uniformly (Fisher–Yates).
func (r *rng) shuffle(p []int32) {
	for i := len(p) - 1; i > 0; i-- {
		j := r.below(i + 1)
		p[i], p[j] = p[j], p[i]
	}
}

// state returns the state as int64s, for a checkpoint.
func (r *rng) state() []int64 {
	out := make([]int64, 4)
	for i, w := range r.s {
		out[i] = int64(w)
	}
	return out
}

// setState restores a state saved by state.
func (r *rng) setState(s []int64) {
	for i := range r.s {
		r.s[i] = uint64(s[i])
	}
}
