package exact

import (
	"math"
	"testing"
)

func relDiff(a, b float64) float64 {
	return math.Abs(a-b) / math.Max(math.Abs(b), 1e-300)
}

// TestKaufmanMatchesEnumeration compares the two exact routes, which share
// no code, for L = 2…5 on both sides of T_c.
func TestKaufmanMatchesEnumeration(t *testing.T) {
	temps := []float64{0.5, 1, 1.5, 2, 2.269, Tc, 2.5, 3, 4, 5, 6, 10, 100}
	for _, L := range []int{2, 3, 4, 5} {
		spec, err := Enumerate(L)
		if err != nil {
			t.Fatal(err)
		}
		for _, T := range temps {
			a, err := spec.At(T)
			if err != nil {
				t.Fatal(err)
			}
			k, err := Kaufman(L, T)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name          string
				enum, kaufman float64
			}{
				{"ln Z", a.LnZ, k.LnZ},
				{"E/N", a.Energy, k.Energy},
				{"C/N", a.SpecificHeat, k.SpecificHeat},
			} {
				if d := relDiff(c.kaufman, c.enum); d > 1e-9 {
					t.Errorf("L=%d T=%g %s: Kaufman %.15g, enumeration %.15g (rel. diff %.2g)", L, T, c.name, c.kaufman, c.enum, d)
				}
			}
		}
	}
}

func TestEnumerationBasics(t *testing.T) {
	for _, L := range []int{2, 3, 4} {
		spec, err := Enumerate(L)
		if err != nil {
			t.Fatal(err)
		}
		n := L * L
		var total uint64
		for E := -2 * n; E <= 2*n; E++ {
			for M := -n; M <= n; M++ {
				total += spec.States(E, M)
			}
		}
		if total != 1<<n {
			t.Errorf("L=%d: %d states counted, want 2^%d", L, total, n)
		}
		if g := spec.States(-2*n, n); g != 1 {
			t.Errorf("L=%d: %d all-up ground states", L, g)
		}
		// Infinite temperature: ⟨m²⟩ = 1/N exactly (uncorrelated spins).
		a, _ := spec.At(1e12)
		if math.Abs(a.Magnetization2-1/float64(n)) > 1e-9 {
			t.Errorf("L=%d: ⟨m²⟩ at T=∞ is %g, want %g", L, a.Magnetization2, 1/float64(n))
		}
		// The zero-temperature stand-in T = 1e-6 is the ground state.
		a, _ = spec.At(1e-6)
		if a.Energy != -2 || a.AbsMagnetization != 1 || a.Magnetization2 != 1 || a.SpecificHeat != 0 {
			t.Errorf("L=%d T=1e-6: %+v, want the ground state", L, a)
		}
		if math.Abs(a.LnZ-(2e6*float64(n)+math.Ln2)) > 1e-9*a.LnZ {
			t.Errorf("L=%d T=1e-6: ln Z = %g", L, a.LnZ)
		}
	}
	// L = 2, T = 1 by hand: 8 bonds (each neighbouring pair twice); the 16
	// states have E = −8 (2 states), 0 (12 states: 8 with one or three
	// spins flipped, 4 with a flipped neighbouring pair) and +8 (the 2
	// checkerboards), so Z = 2e^8 + 12 + 2e^−8.
	a, _ := EnumerateAt(2, 1)
	z := 2*math.Exp(8) + 12 + 2*math.Exp(-8)
	if relDiff(a.LnZ, math.Log(z)) > 1e-14 {
		t.Errorf("L=2 T=1: ln Z = %.17g, want %.17g", a.LnZ, math.Log(z))
	}
	if _, err := Enumerate(6); err == nil {
		t.Error("Enumerate(6) did not fail")
	}
	if _, err := EnumerateAt(3, 0); err == nil {
		t.Error("At(0) did not fail")
	}
}

// TestKaufmanLimits checks Kaufman against the low- and high-temperature
// limits for lattices too big to enumerate.
func TestKaufmanLimits(t *testing.T) {
	for _, L := range []int{5, 8, 10, 32, 100} {
		n := float64(L * L)
		// Low T: Z = 2e^{2NK}(1 + N e^{−8K} + …), so E/N = −2 + 8 e^{−8K}
		// to leading order.
		for _, T := range []float64{0.3, 0.5, 1e-6} {
			k, err := Kaufman(L, T)
			if err != nil {
				t.Fatal(err)
			}
			K := 1 / T
			if want := -2 + 8*math.Exp(-8*K); math.Abs(k.Energy-want) > 1e-6 {
				t.Errorf("L=%d T=%g: E/N = %.10g, want ≈ %.10g", L, T, k.Energy, want)
			}
			if want := 2*n*K + math.Ln2; relDiff(k.LnZ, want) > 1e-6 {
				t.Errorf("L=%d T=%g: ln Z = %.10g, want ≈ %.10g", L, T, k.LnZ, want)
			}
		}
		// High T: ln Z/N = ln 2 + 2 ln cosh K + tanh⁴K + 2 tanh⁶K + …
		// for L ≥ 7 (on smaller tori, loops winding around the torus
		// contribute at order tanh^L), hence
		// E/N = −2 tanh K − 4 tanh³K sech²K + O(tanh⁵K).
		if L < 7 {
			continue
		}
		for _, T := range []float64{10, 20, 50} {
			k, err := Kaufman(L, T)
			if err != nil {
				t.Fatal(err)
			}
			th := math.Tanh(1 / T)
			want := -2*th - 4*th*th*th*(1-th*th)
			if math.Abs(k.Energy-want) > 20*math.Pow(th, 5) {
				t.Errorf("L=%d T=%g: E/N = %.10g, want ≈ %.10g", L, T, k.Energy, want)
			}
			lnz := math.Ln2 + 2*math.Log(math.Cosh(1/T)) + th*th*th*th
			if math.Abs(k.LnZ/n-lnz) > 10*math.Pow(th, 6) {
				t.Errorf("L=%d T=%g: ln Z/N = %.12g, want ≈ %.12g", L, T, k.LnZ/n, lnz)
			}
		}
		// The specific heat peaks near T_c and is positive.
		k, _ := Kaufman(L, Tc)
		if k.SpecificHeat < 0.5 {
			t.Errorf("L=%d: C/N(T_c) = %g", L, k.SpecificHeat)
		}
	}
	// Continuity across the ground-state cut-off at K = 20.
	a, _ := Kaufman(10, 1/19.999)
	b, _ := Kaufman(10, 1/20.001)
	if math.Abs(a.Energy-b.Energy) > 1e-12 || math.Abs(a.SpecificHeat-b.SpecificHeat) > 1e-9 {
		t.Errorf("discontinuity at K = 20: %+v vs %+v", a, b)
	}
	if _, err := Kaufman(1, 1); err == nil {
		t.Error("Kaufman(1, 1) did not fail")
	}
	if _, err := Kaufman(4, -1); err == nil {
		t.Error("Kaufman(4, −1) did not fail")
	}
}

// TestKaufmanLargeL: the infinite-lattice energy at T_c is −√2 (Onsager);
// at L = 512 the finite-size correction is below 1%.
func TestKaufmanLargeL(t *testing.T) {
	k, err := Kaufman(512, Tc)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(k.Energy+math.Sqrt2) > 0.01 {
		t.Errorf("L=512: E/N(T_c) = %g, want ≈ −√2", k.Energy)
	}
	if math.IsNaN(k.SpecificHeat) || k.SpecificHeat < 2 {
		t.Errorf("L=512: C/N(T_c) = %g", k.SpecificHeat)
	}
}

func TestTc(t *testing.T) {
	if want := 2 / math.Log(1+math.Sqrt2); math.Abs(Tc-want) > 1e-15 {
		t.Errorf("Tc = %.17g, want %.17g", Tc, want)
	}
}
