package ising

import (
	"fmt"
	"math/bits"

	"github.com/rgml/rgml/plugins/internal/mc"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// ZeroTemperature is the temperature the samplers use when asked for T = 0,
// as in the paper's footnote 4 ("For T = 0, we practically set T = 10^-6").
// At this temperature exp(−4/T) underflows to 0: only moves that lower or
// keep the energy are accepted.
const ZeroTemperature = mc.ZeroTemperature

// MaxSize is the largest linear size the samplers accept (see mc.MaxSize:
// L² ≤ 2^30 keeps site indices in int32 and the site choice well defined).
const MaxSize = mc.MaxSize

// EffectiveTemperature returns the temperature a sampler runs at for the
// parameter T: ZeroTemperature for T = 0, T otherwise.
func EffectiveTemperature(T float64) float64 { return mc.EffectiveTemperature(T) }

// Lattice is an L×L square lattice of ±1 spins with periodic boundaries, in
// the paper's site order: site (x, y) at index x*L + y. Its neighbour table
// lists, for every site, the sites (x+1, y), (x−1, y), (x, y+1), (x, y−1).
type Lattice struct {
	L     int
	Spins []int8 // L*L values, each −1 or +1
	nb    [][4]int32
}

// NewLattice returns an L×L lattice with all spins +1. It panics if L < 1
// or L > MaxSize.
func NewLattice(L int) *Lattice {
	if L < 1 || L > MaxSize {
		panic(fmt.Sprintf("ising: lattice size %d out of range [1, %d]", L, MaxSize))
	}
	lat := &Lattice{L: L, Spins: make([]int8, L*L), nb: mc.Neighbours(L)}
	for i := range lat.Spins {
		lat.Spins[i] = 1
	}
	return lat
}

// Index returns the index of site (x, y), with x and y taken modulo L.
func (lat *Lattice) Index(x, y int) int {
	L := lat.L
	return ((x%L+L)%L)*L + (y%L+L)%L
}

// Neighbours returns the indices of the four neighbours of site i:
// (x+1, y), (x−1, y), (x, y+1), (x, y−1). For L = 2 the first two (and the
// last two) coincide: each pair of sites is then joined by two bonds.
func (lat *Lattice) Neighbours(i int) [4]int {
	q := lat.nb[i]
	return [4]int{int(q[0]), int(q[1]), int(q[2]), int(q[3])}
}

// Randomize sets every spin to ±1 with probability ½ each, one random bit
// per site.
func (lat *Lattice) Randomize(rng *xrand.RNG) {
	var w uint64
	for i := range lat.Spins {
		if i&63 == 0 {
			w = rng.Uint64()
		}
		lat.Spins[i] = int8(w&1)*2 - 1
		w >>= 1
	}
}

// Energy returns the total energy H = −Σ_<ij> s_i s_j of the lattice, each
// of the 2L² bonds (to (x+1, y) and to (x, y+1)) counted once.
func (lat *Lattice) Energy() int { return Energy(lat.L, lat.Spins) }

// Magnetization returns the total magnetisation Σ_i s_i.
func (lat *Lattice) Magnetization() int { return Magnetization(lat.Spins) }

// Energy returns the total energy H = −Σ_i s_i (s_(x+1,y) + s_(x,y+1)) of
// one L×L configuration in x-major order with periodic boundaries (2L²
// bonds, each counted once). It panics if len(spins) != L*L.
func Energy(L int, spins []int8) int {
	if len(spins) != L*L {
		panic(fmt.Sprintf("ising: %d spins for an %d×%d lattice", len(spins), L, L))
	}
	e := 0
	for x := 0; x < L; x++ {
		row := spins[x*L : x*L+L]
		down := spins[(x+1)%L*L : (x+1)%L*L+L]
		s := 0
		for y := 0; y < L-1; y++ {
			s += int(row[y]) * (int(row[y+1]) + int(down[y]))
		}
		s += int(row[L-1]) * (int(row[0]) + int(down[L-1]))
		e -= s
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

// Chain is a single Markov chain: a lattice, a temperature and a random
// generator, with the Metropolis and Wolff update kernels. A Chain is not
// safe for concurrent use.
type Chain struct {
	*Lattice
	rng   xrand.RNG
	temp  float64
	thr   [16]uint64 // Metropolis: accept iff low 32 random bits < thr[s_i·h_i + 4]
	pAdd  uint64     // Wolff: add a bond iff 32 random bits < pAdd
	stack []int32
}

// NewChain returns a chain on an L×L lattice at temperature T (T = 0 is run
// as ZeroTemperature), its generator seeded with seed, its spins all +1
// (call Randomize for a random start). It panics on a bad L or T < 0.
func NewChain(L int, T float64, seed uint64) *Chain {
	c := &Chain{Lattice: NewLattice(L)}
	c.rng.Seed(seed)
	c.SetTemperature(T)
	return c
}

// Reseed re-seeds the chain's generator.
func (c *Chain) Reseed(seed uint64) { c.rng.Seed(seed) }

// Randomize draws a uniformly random configuration from the chain's
// generator (an infinite-temperature start).
func (c *Chain) Randomize() { c.Lattice.Randomize(&c.rng) }

// RNG returns the chain's generator.
func (c *Chain) RNG() *xrand.RNG { return &c.rng }

// Temperature returns the temperature the chain runs at.
func (c *Chain) Temperature() float64 { return c.temp }

// SetTemperature sets the temperature (T = 0 is run as ZeroTemperature) and
// rebuilds the acceptance tables: thr[k] = round(2^32 · min(1, exp(−2(k−4)/T)))
// for the energy change dE = 2 s_i h_i = 2(k−4), and the Wolff bond
// probability p_add = 1 − exp(−2/T) as a 32-bit threshold. T = +Inf is β = 0:
// every move accepted, p_add = 0. It panics if T is negative or NaN.
func (c *Chain) SetTemperature(T float64) {
	if !(T >= 0) {
		panic(fmt.Sprintf("ising: temperature %v", T))
	}
	T = EffectiveTemperature(T)
	c.temp = T
	c.thr, c.pAdd = mc.SpinThresholds(T, 4)
}

// MetropolisAttempts performs n single-spin Metropolis attempts and returns
// how many were accepted. Each attempt draws one 64-bit random number: its
// high 32 bits choose the site i uniformly ((r>>32)·N>>32), its low 32 bits
// are compared with the threshold of dE = 2 s_i Σ_nn s_j, so the flip is
// accepted with probability min(1, exp(−dE/T)) (to 2^-32). The update is
// branch-free.
func (c *Chain) MetropolisAttempts(n int64) int64 {
	sp := c.Spins
	nb := c.nb
	thr := &c.thr
	size := uint64(len(sp))
	st := c.rng.State()
	s0, s1, s2, s3 := st[0], st[1], st[2], st[3]
	var acc uint64
	for ; n > 0; n-- {
		// xoshiro256** (xrand.RNG.Uint64; a call would keep the state
		// in memory), inlined on the state in registers.
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
		h := int(sp[q[0]]) + int(sp[q[1]]) + int(sp[q[2]]) + int(sp[q[3]])
		s := sp[i]
		a := (uint64(uint32(r)) - thr[(int(s)*h+4)&15]) >> 63 // 1: accept
		sp[i] = s ^ int8(uint8(-a)&0xfe)                      // ±1 ↔ ∓1
		acc += a
	}
	c.rng.SetState([4]uint64{s0, s1, s2, s3})
	return int64(acc)
}

// MetropolisStep performs one Metropolis attempt, like MetropolisAttempts(1),
// and reports the site tried, the energy change of the flip and whether it
// was accepted. It is slow; it exists for tests.
func (c *Chain) MetropolisStep() (site, dE int, accepted bool) {
	r := c.rng.Uint64()
	i := int((r >> 32) * uint64(len(c.Spins)) >> 32)
	q := c.nb[i]
	sp := c.Spins
	h := int(sp[q[0]]) + int(sp[q[1]]) + int(sp[q[2]]) + int(sp[q[3]])
	dE = 2 * int(sp[i]) * h
	if uint64(uint32(r)) < c.thr[(int(sp[i])*h+4)&15] {
		sp[i] = -sp[i]
		accepted = true
	}
	return i, dE, accepted
}

// WolffCluster grows one Wolff cluster (U. Wolff, Phys. Rev. Lett. 62, 361
// (1989)) from a uniformly random seed site, flipping it, and returns its
// size. A neighbour with the cluster's (old) spin joins with probability
// p_add = 1 − exp(−2/T), once per bond (for L = 2 the doubled bonds each get
// their chance, as they must).
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
		for k := 0; k < 4; k++ {
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
