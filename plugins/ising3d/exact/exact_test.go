package exact

import (
	"math"
	"testing"
)

// The Gray-code walk against a direct count of every L = 2 configuration's
// energy (each of the 3·8 bonds summed from scratch), and sum rules of the
// L = 3 spectrum: 2^27 states, 2 ground states at E = −81 (all up, all
// down), the first excitation 27·2 single flips at E = −81 + 12, symmetry
// under M → −M.
func TestEnumerate(t *testing.T) {
	sp, err := Enumerate(2)
	if err != nil {
		t.Fatal(err)
	}
	want := make(map[[2]int]int64)
	nb := neighbours(2)
	for k := 0; k < 256; k++ {
		s := make([]int, 8)
		M := 0
		for i := range s {
			s[i] = int(k>>i&1)*2 - 1
			M += s[i]
		}
		E := 0
		for i := range s {
			// bonds to (x+1), (y+1), (z+1): entries 0, 2 and 4
			E -= s[i] * (s[nb[i][0]] + s[nb[i][2]] + s[nb[i][4]])
		}
		want[[2]int{E, M}]++
	}
	for e, row := range sp.Count {
		for m, c := range row {
			if w := want[[2]int{e - 24, m - 8}]; c != w {
				t.Errorf("L = 2: g(E = %d, M = %d) = %d, direct count %d", e-24, m-8, c, w)
			}
		}
	}
	if testing.Short() {
		return
	}
	sp3, err := Enumerate(3)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for e, row := range sp3.Count {
		for m, c := range row {
			total += c
			if c != row[len(row)-1-m] {
				t.Errorf("L = 3: g(%d, %d) = %d ≠ g(%d, %d) = %d", e-81, m-27, c, e-81, 27-m, row[len(row)-1-m])
			}
		}
	}
	if total != 1<<27 || sp3.Count[0][0] != 1 || sp3.Count[0][54] != 1 {
		t.Errorf("L = 3: %d states, ground states %d, %d", total, sp3.Count[0][0], sp3.Count[0][54])
	}
	var first int64
	for _, c := range sp3.Count[12] {
		first += c
	}
	if first != 54 {
		t.Errorf("L = 3: %d states at E = −69, want 54 single flips", first)
	}
}

// Limits: T → 0 gives e = −3 and |m| = 1; T = ∞ gives e = 0, ⟨m²⟩ = 1/N;
// the specific heat is the derivative of the energy (finite difference).
func TestAtLimits(t *testing.T) {
	sp, err := Enumerate(2)
	if err != nil {
		t.Fatal(err)
	}
	cold, _ := sp.At(0.05)
	hot, _ := sp.At(math.Inf(1))
	if math.Abs(cold.Energy+3) > 1e-9 || math.Abs(cold.AbsMagnetization-1) > 1e-9 {
		t.Errorf("T = 0.05: %+v", cold)
	}
	if math.Abs(hot.Energy) > 1e-12 || math.Abs(hot.Magnetization2-1.0/8) > 1e-12 {
		t.Errorf("T = ∞: %+v", hot)
	}
	const T, h = 4.5, 1e-4
	a, _ := sp.At(T - h)
	b, _ := sp.At(T + h)
	c, _ := sp.At(T)
	if d := (b.Energy - a.Energy) / (2 * h); math.Abs(d-c.SpecificHeat) > 1e-6 {
		t.Errorf("C(%g) = %g, dE/dT = %g", T, c.SpecificHeat, d)
	}
	if _, err := Enumerate(4); err == nil {
		t.Error("Enumerate(4) accepted")
	}
}
