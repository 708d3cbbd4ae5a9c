package exact

import (
	"fmt"
	"math"
)

// MaxL is the largest lattice Enumerate accepts (3^25 states at L = 5
// would take minutes).
const MaxL = 4

// Histogram counts the states of an L×L periodic lattice by (B, S2, M).
type Histogram struct {
	L int
	N int      // L² sites
	n []uint64 // index ((B+2N)·(N+1) + S2)·(2N+1) + M+N
}

func (h *Histogram) index(B, S2, M int) int {
	return ((B+2*h.N)*(h.N+1)+S2)*(2*h.N+1) + M + h.N
}

// States returns the number of states with bond sum B, S2 non-zero spins
// and magnetisation M (0 outside the possible ranges).
func (h *Histogram) States(B, S2, M int) uint64 {
	if B < -2*h.N || B > 2*h.N || S2 < 0 || S2 > h.N || M < -h.N || M > h.N {
		return 0
	}
	return h.n[h.index(B, S2, M)]
}

// Enumerate builds the histogram of the L×L lattice, 2 ≤ L ≤ MaxL. (For
// L = 2 each neighbouring pair is joined by two bonds, as on the samplers'
// lattice.)
func Enumerate(L int) (*Histogram, error) {
	if L < 2 || L > MaxL {
		return nil, fmt.Errorf("exact: L = %d: enumeration needs 2 ≤ L ≤ %d", L, MaxL)
	}
	N := L * L
	h := &Histogram{L: L, N: N, n: make([]uint64, (4*N+1)*(N+1)*(2*N+1))}
	R := 1
	for i := 0; i < L; i++ {
		R *= 3
	}
	rows := make([][]int, R)
	intra := make([]int, R) // in-row bonds (y, y+1 mod L)
	s2 := make([]int, R)
	mag := make([]int, R)
	for r := range rows {
		s := make([]int, L)
		for y, v := 0, r; y < L; y, v = y+1, v/3 {
			s[y] = v%3 - 1
		}
		rows[r] = s
		for y := 0; y < L; y++ {
			intra[r] += s[y] * s[(y+1)%L]
			s2[r] += s[y] * s[y]
			mag[r] += s[y]
		}
	}
	inter := make([]int, R*R) // bonds between vertically adjacent rows
	for a := range rows {
		for b := range rows {
			for y := 0; y < L; y++ {
				inter[a*R+b] += rows[a][y] * rows[b][y]
			}
		}
	}
	// Rows 0..L−1: fix the first, recurse over the middle ones, close the
	// last onto the first. Partial sums carry B, S2 and M.
	var walk func(first, prev, depth, B, S, M int)
	walk = func(first, prev, depth, B, S, M int) {
		if depth == L-1 {
			base := inter[prev*R:]
			for r := 0; r < R; r++ {
				b := B + intra[r] + base[r] + inter[r*R+first]
				h.n[h.index(b, S+s2[r], M+mag[r])]++
			}
			return
		}
		base := inter[prev*R:]
		for r := 0; r < R; r++ {
			walk(first, r, depth+1, B+intra[r]+base[r], S+s2[r], M+mag[r])
		}
	}
	for f := 0; f < R; f++ {
		walk(f, f, 1, intra[f], s2[f], mag[f])
	}
	return h, nil
}

// Averages are exact equilibrium averages per site.
type Averages struct {
	Energy  float64 // ⟨E⟩/N, E = −J·B + Δ·S2
	Energy2 float64 // ⟨(E/N)²⟩
	S2      float64 // ⟨S2⟩/N, the density of non-zero spins ⟨s²⟩
	AbsM    float64 // ⟨|M|⟩/N
	M2      float64 // ⟨(M/N)²⟩
	M4      float64 // ⟨(M/N)⁴⟩
}

// Binder returns U = 1 − ⟨m⁴⟩/(3⟨m²⟩²).
func (a Averages) Binder() float64 { return 1 - a.M4/(3*a.M2*a.M2) }

// At returns the averages at temperature T > 0, crystal field Δ and
// exchange J.
func (h *Histogram) At(T, Delta, J float64) (Averages, error) {
	if !(T > 0) || math.IsInf(T, 0) || math.IsNaN(Delta) || math.IsInf(Delta, 0) || math.IsNaN(J) || math.IsInf(J, 0) {
		return Averages{}, fmt.Errorf("exact: T = %v, Δ = %v, J = %v: need finite values and T > 0", T, Delta, J)
	}
	N := h.N
	// Weights relative to the lowest energy present, so nothing overflows.
	emin := math.Inf(1)
	for B := -2 * N; B <= 2*N; B++ {
		for S := 0; S <= N; S++ {
			for M := -N; M <= N; M++ {
				if h.n[h.index(B, S, M)] != 0 {
					emin = math.Min(emin, -J*float64(B)+Delta*float64(S))
					break
				}
			}
		}
	}
	var z, e, e2, s2, am, m2, m4 float64
	n := float64(N)
	for B := -2 * N; B <= 2*N; B++ {
		for S := 0; S <= N; S++ {
			E := -J*float64(B) + Delta*float64(S)
			w := math.Exp(-(E - emin) / T)
			for M := -N; M <= N; M++ {
				c := h.n[h.index(B, S, M)]
				if c == 0 {
					continue
				}
				wc := w * float64(c)
				m := float64(M) / n
				z += wc
				e += wc * E / n
				e2 += wc * (E / n) * (E / n)
				s2 += wc * float64(S) / n
				am += wc * math.Abs(m)
				m2 += wc * m * m
				m4 += wc * m * m * m * m
			}
		}
	}
	return Averages{Energy: e / z, Energy2: e2 / z, S2: s2 / z, AbsM: am / z, M2: m2 / z, M4: m4 / z}, nil
}
