package exact

import (
	"math"
	"testing"

	"github.com/rgml/rgml/plugins/blumecapel"
	isingexact "github.com/rgml/rgml/plugins/ising/exact"
)

func relDiff(a, b float64) float64 {
	return math.Abs(a-b) / math.Max(1e-300, math.Max(math.Abs(a), math.Abs(b)))
}

// The row-transfer histogram against brute force over all states, each
// measured by the sampler's own blumecapel.Measure.
func TestHistogramMatchesBruteForce(t *testing.T) {
	for _, L := range []int{2, 3} {
		h, err := Enumerate(L)
		if err != nil {
			t.Fatal(err)
		}
		N := L * L
		want := make(map[[3]int]uint64)
		spins := make([]int8, N)
		total := 1
		for i := 0; i < N; i++ {
			total *= 3
		}
		for k := 0; k < total; k++ {
			for i, v := 0, k; i < N; i, v = i+1, v/3 {
				spins[i] = int8(v%3 - 1)
			}
			s := blumecapel.Measure(L, spins)
			want[[3]int{s.Bonds, s.S2, s.M}]++
		}
		var sum uint64
		for B := -2 * N; B <= 2*N; B++ {
			for S := 0; S <= N; S++ {
				for M := -N; M <= N; M++ {
					got := h.States(B, S, M)
					sum += got
					if got != want[[3]int{B, S, M}] {
						t.Fatalf("L = %d: n(B=%d, S2=%d, M=%d) = %d, brute force %d", L, B, S, M, got, want[[3]int{B, S, M}])
					}
				}
			}
		}
		if sum != uint64(total) {
			t.Fatalf("L = %d: %d states, want %d", L, sum, total)
		}
	}
}

// L = 4: 3^16 states, the ground states (all +1, all −1: B = 32, S2 = 16),
// the empty state, and symmetry under M → −M.
func TestHistogramL4(t *testing.T) {
	h, err := Enumerate(4)
	if err != nil {
		t.Fatal(err)
	}
	var sum uint64
	for _, c := range h.n {
		sum += c
	}
	if sum != 43046721 {
		t.Fatalf("%d states, want 3^16 = 43046721", sum)
	}
	if h.States(32, 16, 16) != 1 || h.States(32, 16, -16) != 1 || h.States(0, 0, 0) != 1 {
		t.Errorf("ground or empty states miscounted: %d %d %d", h.States(32, 16, 16), h.States(32, 16, -16), h.States(0, 0, 0))
	}
	for B := -32; B <= 32; B++ {
		for S := 0; S <= 16; S++ {
			for M := 1; M <= 16; M++ {
				if h.States(B, S, M) != h.States(B, S, -M) {
					t.Fatalf("n(%d, %d, %d) != n(%d, %d, %d)", B, S, M, B, S, -M)
				}
			}
		}
	}
	if _, err := Enumerate(5); err == nil {
		t.Errorf("Enumerate(5) should refuse")
	}
}

// Δ → −∞ freezes out the zeros: at Δ = −20 and T ≤ T_c (a zero then costs
// e^(−20/T) ≤ 10^-4) the averages are the Ising model's (Ising exact
// enumeration), the bond energy being E − Δ⟨S2⟩.
func TestIsingLimit(t *testing.T) {
	for _, L := range []int{3, 4} {
		h, err := Enumerate(L)
		if err != nil {
			t.Fatal(err)
		}
		for _, T := range []float64{1, 2.269} {
			a, err := h.At(T, -20, 1)
			if err != nil {
				t.Fatal(err)
			}
			want, err := isingexact.EnumerateAt(L, T)
			if err != nil {
				t.Fatal(err)
			}
			if relDiff(a.Energy+20*a.S2, want.Energy) > 1e-3 || relDiff(a.AbsM, want.AbsMagnetization) > 1e-3 || relDiff(a.M2, want.Magnetization2) > 1e-3 || a.S2 < 0.999 {
				t.Errorf("L = %d, T = %g: BC(Δ=−20) E−ΔS2 = %.6f |m| = %.6f m² = %.6f s² = %.6f; Ising E = %.6f |m| = %.6f m² = %.6f",
					L, T, a.Energy+20*a.S2, a.AbsM, a.M2, a.S2, want.Energy, want.AbsMagnetization, want.Magnetization2)
			}
		}
	}
}

// Large Δ empties the lattice; T → ∞ makes every state equally likely
// (⟨s²⟩ = 2/3, ⟨E⟩ = Δ·2/3).
func TestLimits(t *testing.T) {
	h, err := Enumerate(3)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := h.At(0.3, 3, 1)
	if a.S2 > 1e-3 {
		t.Errorf("Δ = 3, T = 0.3: ⟨s²⟩ = %g, want ≈ 0", a.S2)
	}
	a, _ = h.At(1e9, 0.5, 1)
	if math.Abs(a.S2-2.0/3) > 1e-6 || math.Abs(a.Energy-0.5*2/3) > 1e-6 {
		t.Errorf("T → ∞: ⟨s²⟩ = %g, E = %g", a.S2, a.Energy)
	}
	if _, err := h.At(0, 0, 1); err == nil {
		t.Errorf("T = 0 accepted")
	}
}
