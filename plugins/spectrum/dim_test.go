package spectrum

import (
	"math"
	"testing"
)

// On a 4×4×4 lattice whose WWᵀ couples each site only to the sites along
// z (e^{−|Δz|}, periodic), the decay along z is e^{−r}, along x and y
// nothing beyond r = 0, and their mean is the average of the three.
func TestDecayAxesThreeDimensions(t *testing.T) {
	const L, d = 4, 3
	n := L * L * L
	s := &Spectrum{Nv: n, WWT: make([]float64, n*n)}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i/L != j/L { // x and y differ
				continue
			}
			dz := min((i-j+L)%L, (j-i+L)%L)
			s.WWT[i*n+j] = math.Exp(-float64(dz))
		}
	}
	axes, mean, err := s.DecayAxes(L, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(axes) != 3 || len(mean) != L/2+1 {
		t.Fatalf("%d axes, %d distances", len(axes), len(mean))
	}
	for r := 0; r <= L/2; r++ {
		want := [3]float64{0, 0, math.Exp(-float64(r))}
		if r == 0 {
			want = [3]float64{1, 1, 1}
		}
		for a := range 3 {
			if math.Abs(axes[a][r]-want[a]) > 1e-12 {
				t.Errorf("axis %d, r = %d: %g, want %g", a, r, axes[a][r], want[a])
			}
		}
		if m := (want[0] + want[1] + want[2]) / 3; math.Abs(mean[r]-m) > 1e-12 {
			t.Errorf("mean at r = %d: %g, want %g", r, mean[r], m)
		}
	}
	if _, _, err := s.DecayAxes(5, 2); err == nil {
		t.Error("a 5×5 lattice for N_v = 64: accepted")
	}
	// One dimension: the chain's only axis is the lattice's.
	c := &Spectrum{Nv: L, WWT: make([]float64, L*L)}
	for i := 0; i < L; i++ {
		for j := 0; j < L; j++ {
			c.WWT[i*L+j] = math.Exp(-float64(min((i-j+L)%L, (j-i+L)%L)))
		}
	}
	axes, mean, err = c.DecayAxes(L, 1)
	if err != nil || len(axes) != 1 || math.Abs(mean[1]-math.Exp(-1)) > 1e-12 {
		t.Errorf("chain: %v %v %v", axes, mean, err)
	}
}
