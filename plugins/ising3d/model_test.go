package ising3d

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// Energy against the neighbour table (half the sum of s_i s_j over each
// site's six neighbours) on random configurations, and on the ordered and
// the checkerboard states (−3N and +3N for even L).
func TestEnergyAgainstNeighbours(t *testing.T) {
	for _, L := range []int{2, 3, 4, 5} {
		c := NewChain(L, 1, uint64(L))
		nb := Neighbours(L)
		for k := 0; k < 20; k++ {
			c.Randomize()
			want := 0
			for i, s := range c.Spins {
				for _, j := range nb[i] {
					want -= int(s) * int(c.Spins[j])
				}
			}
			if got := Energy(L, c.Spins); 2*got != want {
				t.Fatalf("L = %d: Energy %d, half the neighbour sum %d/2", L, got, want)
			}
		}
		for i := range c.Spins {
			c.Spins[i] = 1
		}
		if got := Energy(L, c.Spins); got != -3*Sites(L) {
			t.Errorf("L = %d: ordered energy %d, want %d", L, got, -3*Sites(L))
		}
		if L%2 == 0 {
			for x := 0; x < L; x++ {
				for y := 0; y < L; y++ {
					for z := 0; z < L; z++ {
						c.Spins[(x*L+y)*L+z] = int8(1 - 2*((x+y+z)%2))
					}
				}
			}
			if got := Energy(L, c.Spins); got != 3*Sites(L) {
				t.Errorf("L = %d: checkerboard energy %d, want %d", L, got, 3*Sites(L))
			}
		}
	}
}

// The neighbours of a site are its six lattice neighbours in the site
// order the description states.
func TestNeighbours(t *testing.T) {
	const L = 4
	nb := Neighbours(L)
	i := (1*L+2)*L + 3 // (1, 2, 3)
	want := [6]int32{(2*L+2)*L + 3, (0*L+2)*L + 3, (1*L+3)*L + 3, (1*L+1)*L + 3, (1*L+2)*L + 0, (1*L+2)*L + 2}
	if nb[i] != want {
		t.Errorf("neighbours of (1, 2, 3): %v, want %v", nb[i], want)
	}
}

func TestObservables(t *testing.T) {
	m := New()
	c := NewChain(3, 1, 7)
	c.Randomize()
	cfg := append([]int8(nil), c.Spins...)
	obs, err := m.Observables(context.Background(), sdk.Params{"T": 4}, 3, cfg)
	if err != nil {
		t.Fatal(err)
	}
	M := float64(Magnetization(cfg)) / 27
	if obs["energy"][0] != float64(Energy(3, cfg))/27 || obs["magnetization"][0] != M || obs["abs_magnetization"][0] != math.Abs(M) {
		t.Errorf("observables %v", obs)
	}
	for _, bad := range []struct {
		size int
		cfg  []int8
		want string
	}{
		{3, cfg[:26], "configurations"}, {1, cfg[:1], "lattice size"}, {3, append(append([]int8(nil), cfg[:26]...), 0), "0"},
	} {
		if _, err := m.Observables(context.Background(), sdk.Params{"T": 4}, bad.size, bad.cfg); err == nil {
			t.Errorf("Observables(L = %d, %d values) accepted", bad.size, len(bad.cfg))
		}
	}
}

// The declared reference is Ferrenberg, Xu and Landau's K_c.
func TestReference(t *testing.T) {
	d := Description()
	if d.Dimension != 3 || d.Lattice != sdk.LatticeHypercubic || len(d.StateSpace) != 2 {
		t.Errorf("description: dimension %d, lattice %q, states %v", d.Dimension, d.Lattice, d.StateSpace)
	}
	if len(d.References) != 1 || math.Abs(d.References[0].Points[0]["T"]-4.5115232) > 1e-6 ||
		!strings.Contains(d.References[0].Source, "Phys. Rev. E 97, 043301") {
		t.Errorf("references %+v", d.References)
	}
	if err := d.CheckReferences(); err != nil {
		t.Error(err)
	}
}

// The same request gives the same bytes on 1 and 3 workers and for any
// chunk size.
func TestReproducible(t *testing.T) {
	req := sdk.SampleRequest{Points: points([]float64{3, 5}), Size: 4, PerPoint: 20, Seed: 5}
	for _, algo := range []string{AlgorithmMetropolis, AlgorithmWolff} {
		req.Algorithm = algo
		a := collect(t, NewWithOptions(Options{Workers: 1}), req)
		b := collect(t, NewWithOptions(Options{Workers: 3, ChunkBytes: 100}), req)
		for p := range a {
			if string(asBytes(a[p])) != string(asBytes(b[p])) {
				t.Errorf("%s point %d: configurations differ with the number of workers", algo, p)
			}
		}
	}
}

func asBytes(x []int8) []byte {
	b := make([]byte, len(x))
	for i, v := range x {
		b[i] = byte(v)
	}
	return b
}
