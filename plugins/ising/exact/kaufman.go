package exact

import (
	"fmt"
	"math"
)

// Tc is the critical temperature of the infinite square lattice,
// 2/ln(1 + √2) (Kramers and Wannier 1941; Onsager 1944).
const Tc = 2.269185314213021968114490810306572475726

// Thermo holds exact thermodynamics of an L×L torus at one temperature.
type Thermo struct {
	T float64
	L int
	// LnZ is ln Z of the whole lattice.
	LnZ float64
	// Energy is ⟨E⟩/N = −(1/N) ∂ ln Z/∂β, N = L².
	Energy float64
	// SpecificHeat is C/N = (β²/N) ∂² ln Z/∂β².
	SpecificHeat float64
}

// lowTK is the coupling K = 1/T above which Kaufman returns the
// ground-state limit: the first excitation's weight, N·exp(−8K), is then
// below 10^-60 relative to the ground state for any L ≤ 10^5.
const lowTK = 20

// Kaufman returns ln Z, the energy and the specific heat per spin of the
// L×L Ising model with periodic boundaries (J = 1, k_B = 1, 2L² bonds) at
// temperature T > 0, from Kaufman's exact finite-lattice partition function
// (B. Kaufman, Phys. Rev. 76, 1232 (1949); in the notation of A. E.
// Ferdinand and M. E. Fisher, Phys. Rev. 185, 832 (1969), Eqs. (2.1)–(2.5)):
//
//	Z = ½ (2 sinh 2K)^(N/2) (Z1 + Z2 + Z3 + Z4),   K = 1/T,
//	Z1 = Π_{r=0}^{L−1} 2 cosh(L γ_{2r+1}/2),  Z2 = Π_{r=0}^{L−1} 2 sinh(L γ_{2r+1}/2),
//	Z3 = Π_{r=0}^{L−1} 2 cosh(L γ_{2r}/2),    Z4 = Π_{r=0}^{L−1} 2 sinh(L γ_{2r}/2),
//	cosh γ_l = cosh 2K coth 2K − cos(lπ/L)  (l ≠ 0),   γ_0 = 2K + ln tanh K.
//
// γ_0 keeps its sign: it is negative above T_c, where Z4 < 0, and positive
// below (the arccosh of the l = 0 formula would give |γ_0|, which is wrong
// above T_c; see also P. D. Beale, Phys. Rev. Lett. 76, 78 (1996)).
//
// The derivatives are analytic: every factor of every product is carried
// with its first and second K-derivatives (from sinh γ γ' = c', c = cosh 2K
// coth 2K = s + 1/s with s = sinh 2K), scaled by 1/(2 cosh(Lγ/2)) so that
// the products neither overflow nor divide by a vanishing factor at T_c.
// For K ≥ 20 the ground-state limit ln Z = 2NK + ln 2, E/N = −2, C = 0 is
// returned (exact to double precision).
func Kaufman(L int, T float64) (Thermo, error) {
	if L < 2 {
		return Thermo{}, fmt.Errorf("exact: Kaufman needs L ≥ 2, got %d", L)
	}
	if !(T > 0) || math.IsInf(T, 0) {
		return Thermo{}, fmt.Errorf("exact: temperature must be positive and finite, got %v", T)
	}
	K := 1 / T
	N := float64(L * L)
	if K >= lowTK {
		return Thermo{T: T, L: L, LnZ: 2*N*K + math.Ln2, Energy: -2, SpecificHeat: 0}, nil
	}
	lf := float64(L)
	s := math.Sinh(2 * K)
	ch := math.Cosh(2 * K)
	is := 1 / s
	// c = s + 1/s; dc/dK = 2 ch (1 − 1/s²); d²c/dK² = 4s − 4/s + 8 ch²/s³.
	c1 := 2 * ch * (1 - is*is)
	c2 := 4*s - 4*is + 8*ch*ch*is*is*is

	// Scaled products (value, first, second derivative) of the cosh and
	// sinh factors, odd l (Z1, Z2) and even l (Z3, Z4), and their scales.
	var pc, ps [2]triple
	var scale [2]float64
	for par := range pc {
		pc[par], ps[par] = triple{1, 0, 0}, triple{1, 0, 0}
	}
	for l := 0; l < 2*L; l++ {
		var g, g1, g2 float64 // γ_l and its K-derivatives
		if l == 0 {
			g = 2*K + math.Log(math.Tanh(K))
			g1 = 2 + 2*is
			g2 = -4 * ch * is * is
		} else {
			half := math.Sin(float64(l) * math.Pi / (2 * lf))
			um1 := (s-1)*(s-1)*is + 2*half*half // u − 1, u = cosh γ_l
			u := 1 + um1
			sh := math.Sqrt(um1 * (u + 1)) // sinh γ_l
			g = math.Log1p(um1 + sh)
			g1 = c1 / sh
			g2 = (c2 - u*g1*g1) / sh
		}
		x, x1, x2 := lf*g/2, lf*g1/2, lf*g2/2
		t := math.Tanh(x)
		par := 1 - l%2 // 0: odd l, 1: even l
		// 2cosh x → (1, t x', x'² + t x''); 2sinh x → (t, x', t x'² + x''),
		// both divided by 2 cosh x.
		pc[par] = pc[par].mul(triple{1, t * x1, x1*x1 + t*x2})
		ps[par] = ps[par].mul(triple{t, x1, t*x1*x1 + x2})
		ax := math.Abs(x)
		scale[par] += ax + math.Log1p(math.Exp(-2*ax))
	}
	top := math.Max(scale[0], scale[1])
	var q triple
	for par := range pc {
		f := math.Exp(scale[par] - top)
		q = q.add(pc[par].add(ps[par]).scale(f))
	}
	d1 := q.d1 / q.v
	lnZ := -math.Ln2 + N/2*math.Log(2*s) + top + math.Log(q.v)
	dlnZ := N*ch*is + d1
	d2lnZ := -2*N*is*is + q.d2/q.v - d1*d1
	return Thermo{
		T: T, L: L,
		LnZ:          lnZ,
		Energy:       -dlnZ / N,
		SpecificHeat: K * K * d2lnZ / N,
	}, nil
}

// triple is a value with its first and second derivatives.
type triple struct{ v, d1, d2 float64 }

func (a triple) mul(b triple) triple {
	return triple{a.v * b.v, a.d1*b.v + a.v*b.d1, a.d2*b.v + 2*a.d1*b.d1 + a.v*b.d2}
}

func (a triple) add(b triple) triple { return triple{a.v + b.v, a.d1 + b.d1, a.d2 + b.d2} }

func (a triple) scale(f float64) triple { return triple{a.v * f, a.d1 * f, a.d2 * f} }
