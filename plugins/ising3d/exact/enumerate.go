// Package exact holds exact results for the Ising model on small periodic
// simple cubic lattices, against which the samplers of package ising3d are
// tested: the joint density of states g(E, M) of the L×L×L torus by
// enumerating all 2^(L³) configurations (L = 2: 256 states; L = 3:
// 2^27 ≈ 1.3·10^8, about a second), and the thermal averages it gives.
//
// The energy is H = −Σ_i s_i (s_(x+1,y,z) + s_(x,y+1,z) + s_(x,y,z+1)),
// 3L³ bonds counted once (for L = 2 each neighbouring pair is joined by
// two bonds), as in package ising3d.
package exact

import (
	"fmt"
	"math"
	"math/bits"
)

// Spectrum is the joint density of states of the L×L×L torus: Count[e][m]
// configurations have energy E = e − 3L³ and magnetisation M = m − L³.
type Spectrum struct {
	L     int
	Count [][]int64
}

// Enumerate returns the spectrum of the L×L×L torus for L = 2 or 3,
// walking all configurations in Gray-code order (one spin flipped per
// step, its energy change read from its six neighbours).
func Enumerate(L int) (*Spectrum, error) {
	if L < 2 || L > 3 {
		return nil, fmt.Errorf("exact: enumeration of L = %d: only L = 2 and 3 (2^(L³) states)", L)
	}
	N := L * L * L
	nb := neighbours(L)
	s := make([]int, N)
	for i := range s {
		s[i] = -1
	}
	count := make([][]int64, 6*N+1)
	for e := range count {
		count[e] = make([]int64, 2*N+1)
	}
	E, M := -3*N, -N
	count[E+3*N][M+N]++
	for k := uint64(1); k < 1<<uint(N); k++ {
		i := bits.TrailingZeros64(k)
		h := 0
		for _, j := range nb[i] {
			h += s[j]
		}
		E += 2 * s[i] * h
		M -= 2 * s[i]
		s[i] = -s[i]
		count[E+3*N][M+N]++
	}
	return &Spectrum{L: L, Count: count}, nil
}

// neighbours: (x±1, y, z), (x, y±1, z), (x, y, z±1) of each site (x, y, z)
// at index (x·L + y)·L + z.
func neighbours(L int) [][6]int {
	at := func(x, y, z int) int { return ((x%L)*L+y%L)*L + z%L }
	nb := make([][6]int, L*L*L)
	for x := 0; x < L; x++ {
		for y := 0; y < L; y++ {
			for z := 0; z < L; z++ {
				nb[at(x, y, z)] = [6]int{at(x+1, y, z), at(x+L-1, y, z), at(x, y+1, z), at(x, y+L-1, z), at(x, y, z+1), at(x, y, z+L-1)}
			}
		}
	}
	return nb
}

// Thermo holds exact thermal averages per spin at one temperature.
type Thermo struct {
	Energy           float64 // ⟨E⟩/N
	SpecificHeat     float64 // (⟨E²⟩ − ⟨E⟩²)/(N T²)
	AbsMagnetization float64 // ⟨|M|⟩/N
	Magnetization2   float64 // ⟨M²⟩/N²
}

// At returns the thermal averages at temperature T > 0 (T = +Inf: every
// configuration equally likely).
func (sp *Spectrum) At(T float64) (Thermo, error) {
	if !(T > 0) {
		return Thermo{}, fmt.Errorf("exact: temperature %v: must be > 0", T)
	}
	N := sp.L * sp.L * sp.L
	var z, e1, e2, am, m2 float64
	for e, row := range sp.Count {
		E := float64(e - 3*N)
		w := math.Exp(-(E + 3*float64(N)) / T) // shifted by the ground state energy
		for m, c := range row {
			if c == 0 {
				continue
			}
			M := float64(m - N)
			x := float64(c) * w
			z += x
			e1 += x * E
			e2 += x * E * E
			am += x * math.Abs(M)
			m2 += x * M * M
		}
	}
	n := float64(N)
	e1, e2, am, m2 = e1/z, e2/z, am/z, m2/z
	return Thermo{Energy: e1 / n, SpecificHeat: (e2 - e1*e1) / (n * T * T), AbsMagnetization: am / n, Magnetization2: m2 / (n * n)}, nil
}
