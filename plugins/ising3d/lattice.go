package ising3d

import (
	"fmt"
	"math/bits"

	"github.com/rgml/rgml/plugins/internal/mc"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// MaxSize is the largest linear size the samplers accept: L³ ≤ 2^30 keeps
// site indices in int32 and the multiply-shift site choice well defined.
const MaxSize = 1 << 10

// Sites returns L³.
func Sites(L int) int { return L * L * L }

// Neighbours returns the neighbour table of an L×L×L periodic simple cubic
// lattice in x-major order (site (x, y, z) at index (x·L + y)·L + z): for
// every site, (x±1, y, z), (x, y±1, z), (x, y, z±1), in that order. For
// L = 2 the two neighbours along an axis coincide: each neighbouring pair
// is then joined by two bonds.
func Neighbours(L int) [][6]int32 {
	nb := make([][6]int32, Sites(L))
	at := func(x, y, z int) int32 { return int32(((x%L)*L+y%L)*L + z%L) }
	for x := 0; x < L; x++ {
		for y := 0; y < L; y++ {
			for z := 0; z < L; z++ {
				nb[(x*L+y)*L+z] = [6]int32{
					at(x+1, y, z), at(x+L-1, y, z),
					at(x, y+1, z), at(x, y+L-1, z),
					at(x, y, z+1), at(x, y, z+L-1),
				}
			}
		}
	}
	return nb
}

// Energy returns the total energy H = −Σ_i s_i (s_(x+1,y,z) + s_(x,y+1,z)
// + s_(x,y,z+1)) of one L×L×L configuration in x-major order with
// periodic boundaries (3L³ bonds, each counted once). It panics if
// len(spins) != L³.
func Energy(L int, spins []int8) int {
	if len(spins) != Sites(L) {
		panic(fmt.Sprintf("ising3d: %d spins for an L = %d cube", len(spins), L))
	}
	e := 0
	for x := 0; x < L; x++ {
		xp := (x + 1) % L
		for y := 0; y < L; y++ {
			yp := (y + 1) % L
			row := spins[(x*L+y)*L : (x*L+y)*L+L]
			right := spins[(xp*L+y)*L : (xp*L+y)*L+L]
			down := spins[(x*L+yp)*L : (x*L+yp)*L+L]
			s := 0
			for z := 0; z < L; z++ {
				zp := z + 1
				if zp == L {
					zp = 0
				}
				s += int(row[z]) * (int(right[z]) + int(down[z]) + int(row[zp]))
			}
			e -= s
		}
	}
	return e
}

// Magnetization returns Σ_i s_i of a configuration.
func Magnetization(spins []int8) int {
	m := 0
	for _, s := range spins {
		m += int(s)
	}
	return m
}

// Chain is a single Markov chain on an L×L×L lattice: spins, a
// temperature and a random generator, with the Metropolis and Wolff update
// kernels. A Chain is not safe for concurrent use.
type Chain struct {
	L     int
	Spins []int8 // L³ values, each −1 or +1
	nb    [][6]int32
	rng   xrand.RNG
	temp  float64
	thr   [16]uint64 // Metropolis: accept iff low 32 random bits < thr[s_i·h_i + 6]
	pAdd  uint64     // Wolff: add a bond iff 32 random bits < pAdd
	stack []int32
}

// NewChain returns a chain on an L×L×L lattice at temperature T (T = 0 is
// run as mc.ZeroTemperature), its generator seeded with seed, its spins all
// +1 (call Randomize for a random start). It panics on L outside
// [1, MaxSize] or T < 0.
func NewChain(L int, T float64, seed uint64) *Chain {
	if L < 1 || L > MaxSize {
		panic(fmt.Sprintf("ising3d: lattice size %d out of range [1, %d]", L, MaxSize))
	}
	c := &Chain{L: L, Spins: make([]int8, Sites(L)), nb: Neighbours(L)}
	for i := range c.Spins {
		c.Spins[i] = 1
	}
	c.rng.Seed(seed)
	c.SetTemperature(T)
	return c
}

// Reseed re-seeds the chain's generator.
func (c *Chain) Reseed(seed uint64) { c.rng.Seed(seed) }

// Randomize sets every spin to ±1 with probability ½ each, one random bit
// per site (an infinite-temperature start).
func (c *Chain) Randomize() {
	var w uint64
	for i := range c.Spins {
		if i&63 == 0 {
			w = c.rng.Uint64()
		}
		c.Spins[i] = int8(w&1)*2 - 1
		w >>= 1
	}
}

// Temperature returns the temperature the chain runs at.
func (c *Chain) Temperature() float64 { return c.temp }

// SetTemperature sets the temperature (T = 0 is run as mc.ZeroTemperature)
// and rebuilds the acceptance tables: thr[k] = round(2^32 · min(1,
// exp(−2(k−6)/T))) for the energy change dE = 2 s_i h_i = 2(k−6), and the
// Wolff bond probability p_add = 1 − exp(−2/T) as a 32-bit threshold.
// T = +Inf is β = 0: every move accepted, p_add = 0. It panics if T is
// negative or NaN.
func (c *Chain) SetTemperature(T float64) {
	if !(T >= 0) {
		panic(fmt.Sprintf("ising3d: temperature %v", T))
	}
	T = mc.EffectiveTemperature(T)
	c.temp = T
	c.thr, c.pAdd = mc.SpinThresholds(T, 6)
}

// MetropolisAttempts performs n single-spin Metropolis attempts at
// uniformly random sites and returns how many were accepted. Each attempt
// draws one 64-bit random number: its high 32 bits choose the site
// ((r>>32)·N>>32), its low 32 bits are compared with the threshold of
// dE = 2 s_i Σ_nn s_j, so the flip is accepted with probability
// min(1, exp(−dE/T)) (to 2^-32). The update is branch-free.
func (c *Chain) MetropolisAttempts(n int64) int64 {
	sp := c.Spins
	nb := c.nb
	thr := &c.thr
	size := uint64(len(sp))
	st := c.rng.State()
	s0, s1, s2, s3 := st[0], st[1], st[2], st[3]
	var acc uint64
	for ; n > 0; n-- {
		// xoshiro256** (xrand.RNG.Uint64) inlined on the state in registers.
		r := bits.RotateLeft64(s1*5, 7) * 9
		t := s1 << 17
		s2 ^= s0
		s3 ^= s1
		s1 ^= s2
		s0 ^= s3
		s2 ^= t
		s3 = bits.RotateLeft64(s3, 45)

		i := (r >> 32) * size >> 32
		q := &nb[i]
		h := int(sp[q[0]]) + int(sp[q[1]]) + int(sp[q[2]]) + int(sp[q[3]]) + int(sp[q[4]]) + int(sp[q[5]])
		s := sp[i]
		a := (uint64(uint32(r)) - thr[(int(s)*h+6)&15]) >> 63 // 1: accept
		sp[i] = s ^ int8(uint8(-a)&0xfe)                      // ±1 ↔ ∓1
		acc += a
	}
	c.rng.SetState([4]uint64{s0, s1, s2, s3})
	return int64(acc)
}

// WolffCluster grows one Wolff cluster (U. Wolff, Phys. Rev. Lett. 62, 361
// (1989)) from a uniformly random seed site, flipping it, and returns its
// size. A neighbour with the cluster's (old) spin joins with probability
// p_add = 1 − exp(−2/T), once per bond (for L = 2 the doubled bonds each
// get their chance, as they must).
func (c *Chain) WolffCluster() int {
	sp := c.Spins
	nb := c.nb
	pAdd := c.pAdd
	rng := &c.rng
	seed := int32(rng.Below(len(sp)))
	s0 := sp[seed]
	sp[seed] = -s0
	stack := append(c.stack[:0], seed)
	n := 1
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		q := &nb[i]
		for k := 0; k < 6; k++ {
			j := q[k]
			if sp[j] == s0 && rng.Uint64()>>32 < pAdd {
				sp[j] = -s0
				stack = append(stack, j)
				n++
			}
		}
	}
	c.stack = stack
	return n
}
