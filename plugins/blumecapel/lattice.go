package blumecapel

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/rgml/rgml/plugins/internal/mc"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// ZeroTemperature is the temperature the samplers use when asked for T = 0
// (as the Ising plugin and the paper's footnote 4 do).
const ZeroTemperature = mc.ZeroTemperature

// MaxSize is the largest linear size the samplers accept: L² ≤ 2^30 keeps
// site indices in int32 and the multiply-shift site choice well defined.
const MaxSize = mc.MaxSize

// EffectiveTemperature returns the temperature a sampler runs at for the
// parameter T: ZeroTemperature for T = 0, T otherwise.
func EffectiveTemperature(T float64) float64 { return mc.EffectiveTemperature(T) }

// Couplings are the parameters of one point: temperature, crystal field Δ
// and exchange J (> 0).
type Couplings struct {
	T, Delta, J float64
}

// Sums are the integer sums a configuration's energy and observables are
// made of: Bonds = Σ_<ij> s_i s_j (2L² bonds, each once), S2 = Σ_i s_i² (the
// number of non-zero spins) and M = Σ_i s_i.
type Sums struct {
	Bonds, S2, M int
}

// Energy returns H = −J·Bonds + Δ·S2.
func (s Sums) Energy(J, Delta float64) float64 {
	return -J*float64(s.Bonds) + Delta*float64(s.S2)
}

// Measure returns the sums of one L×L configuration in x-major order with
// periodic boundaries. It panics if len(spins) != L*L.
func Measure(L int, spins []int8) Sums {
	if len(spins) != L*L {
		panic(fmt.Sprintf("blumecapel: %d spins for an %d×%d lattice", len(spins), L, L))
	}
	var s Sums
	for x := 0; x < L; x++ {
		row := spins[x*L : x*L+L]
		down := spins[(x+1)%L*L : (x+1)%L*L+L]
		for y := 0; y < L; y++ {
			v := int(row[y])
			s.Bonds += v * (int(row[(y+1)%L]) + int(down[y]))
			s.S2 += v * v
			s.M += v
		}
	}
	return s
}

// Chain is a single Markov chain on an L×L periodic lattice of spins in
// {−1, 0, +1}: its generator, couplings and update kernels. A Chain is not
// safe for concurrent use.
type Chain struct {
	L     int
	Spins []int8
	nb    [][4]int32
	rng   xrand.RNG
	c     Couplings
	// Metropolis: the proposal for spin s and proposal bit b is
	// next[(s+1)<<1|b]; it is accepted iff the low 31 random bits are
	// below thr[(s+1)<<1|b)<<4 | (h+4)], h the sum of the neighbours.
	next  [8]int8
	thr   [128]uint64
	pAdd  uint64 // Wolff: add a bond iff 32 random bits < pAdd
	stack []int32
}

// NewChain returns a chain on an L×L lattice with all spins +1, its
// generator seeded with seed. It panics if L is out of [1, MaxSize] or the
// couplings are invalid (see SetCouplings).
func NewChain(L int, c Couplings, seed uint64) *Chain {
	if L < 1 || L > MaxSize {
		panic(fmt.Sprintf("blumecapel: lattice size %d out of range [1, %d]", L, MaxSize))
	}
	ch := &Chain{L: L, Spins: make([]int8, L*L), nb: mc.Neighbours(L)}
	for i := range ch.Spins {
		ch.Spins[i] = 1
	}
	// Proposals: from s, bit 0 goes to the next state up (cyclically),
	// bit 1 to the one after; each of the two other states with
	// probability ½, so the proposal is symmetric.
	for s := -1; s <= 1; s++ {
		for b := 0; b <= 1; b++ {
			ch.next[(s+1)<<1|b] = int8((s+1+1+b)%3 - 1)
		}
	}
	ch.rng.Seed(seed)
	ch.SetCouplings(c)
	return ch
}

// Reseed re-seeds the chain's generator.
func (ch *Chain) Reseed(seed uint64) { ch.rng.Seed(seed) }

// Couplings returns the couplings the chain runs at (T = 0 as
// ZeroTemperature).
func (ch *Chain) Couplings() Couplings { return ch.c }

// SetCouplings sets T (0 is run as ZeroTemperature), Δ and J and rebuilds
// the tables: the Metropolis threshold round(2^31·min(1, exp(−dE/T))) of
// every move s → s' with dE = −J(s'−s)h + Δ(s'²−s²), and the Wolff bond
// probability p_add = 1 − exp(−2J/T) as a 32-bit threshold. It panics if T
// is negative or not finite, Δ is not finite, or J is not positive and
// finite.
func (ch *Chain) SetCouplings(c Couplings) {
	if !(c.T >= 0) || math.IsInf(c.T, 0) || math.IsNaN(c.Delta) || math.IsInf(c.Delta, 0) || !(c.J > 0) || math.IsInf(c.J, 0) {
		panic(fmt.Sprintf("blumecapel: couplings %+v", c))
	}
	c.T = EffectiveTemperature(c.T)
	ch.c = c
	ch.thr = [128]uint64{}
	for s := -1; s <= 1; s++ {
		for b := 0; b <= 1; b++ {
			k := (s+1)<<1 | b
			ns := int(ch.next[k])
			for h := -4; h <= 4; h++ {
				dE := -c.J*float64((ns-s)*h) + c.Delta*float64(ns*ns-s*s)
				p := 1.0
				if dE > 0 {
					p = math.Exp(-dE / c.T)
				}
				ch.thr[k<<4|(h+4)] = uint64(math.Round(p * (1 << 31)))
			}
		}
	}
	ch.pAdd = uint64(math.Round(-math.Expm1(-2*c.J/c.T) * (1 << 32)))
}

// Randomize draws every spin uniformly from {−1, 0, +1}: an
// infinite-temperature start.
func (ch *Chain) Randomize() {
	var r uint64
	for i := range ch.Spins {
		if i&1 == 0 {
			r = ch.rng.Uint64()
		} else {
			r <<= 32
		}
		ch.Spins[i] = int8((r>>32)*3>>32) - 1
	}
}

// MetropolisAttempts performs n single-site Metropolis attempts and returns
// how many were accepted. Each attempt draws one 64-bit random number: its
// high 32 bits choose the site i uniformly ((r>>32)·L²>>32), bit 31 chooses
// which of the two other states is proposed, and the low 31 bits are
// compared with the threshold of the move, so it is accepted with
// probability min(1, exp(−dE/T)) (to 2^-31). The update is branch-free.
func (ch *Chain) MetropolisAttempts(n int64) int64 {
	sp := ch.Spins
	nb := ch.nb
	thr := &ch.thr
	next := &ch.next
	size := uint64(len(sp))
	st := ch.rng.State()
	s0, s1, s2, s3 := st[0], st[1], st[2], st[3]
	var acc uint64
	for ; n > 0; n-- {
		// xoshiro256** inlined on the state in registers, as in the
		// Ising kernel.
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
		k := int(s+1)<<1 | int(r>>31)&1
		a := (r&0x7fffffff - thr[(k<<4|(h+4))&127]) >> 63 // 1: accept
		sp[i] = s + (next[k&7]-s)&int8(-a)
		acc += a
	}
	ch.rng.SetState([4]uint64{s0, s1, s2, s3})
	return int64(acc)
}

// WolffCluster grows one Wolff cluster (U. Wolff, Phys. Rev. Lett. 62, 361
// (1989)) over the non-zero spins from a uniformly random seed site,
// flips it, and returns its size: a neighbour with the seed's spin joins
// with probability p_add = 1 − exp(−2J/T), once per bond. Flipping the
// signs of a cluster leaves Σ s_i² unchanged and zeros interact with
// nobody, so this is Wolff's algorithm for the Ising model on the
// non-zero sites, exact for the Blume-Capel weights; it does not change
// which sites are zero (the Metropolis moves do). A zero seed gives an
// empty cluster (size 0).
func (ch *Chain) WolffCluster() int {
	sp := ch.Spins
	nb := ch.nb
	pAdd := ch.pAdd
	rng := &ch.rng
	seed := int32(rng.Below(len(sp)))
	s0 := sp[seed]
	if s0 == 0 {
		return 0
	}
	sp[seed] = -s0
	stack := append(ch.stack[:0], seed)
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
	ch.stack = stack
	return n
}
