package report

import (
	"bytes"
	"testing"

	"github.com/rgml/rgml/framework/npz"
)

// A 3D configuration is drawn as its planes z = 0 and z = L/2, a 1D one
// as a strip; the figure's data are the whole configurations, and each
// figure passes the checks every figure of the report passes.
func TestLatticeConfigurations(t *testing.T) {
	const L = 4
	cube := make([]int8, L*L*L)
	for i := range cube {
		cube[i] = 1
		if z := i % L; z == L/2 {
			cube[i] = -1 // the plane z = L/2 is all −1, z = 0 all +1
		}
	}
	f, err := LatticeConfigurations(L, 3, [][]int8{cube}, []string{"T = 1"})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := npz.Find(f.Data, "configs")
	if len(d.Shape) != 2 || d.Shape[0] != 1 || d.Shape[1] != L*L*L || !bytes.Equal(int8Bytes(d.Data.([]int8)), int8Bytes(cube)) {
		t.Errorf("3D data %v", d.Shape)
	}
	if hm := f.Plot; hm.Title.Text != "sample configurations (planes z = 0 and z = L/2)" {
		t.Errorf("title %q", hm.Title.Text)
	}
	chain := []int8{1, -1, 1, 1, -1, -1, 1, -1}
	g, err := LatticeConfigurations(len(chain), 1, [][]int8{chain, chain}, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := npz.Find(g.Data, "configs"); len(d.Shape) != 2 || d.Shape[0] != 2 || d.Shape[1] != len(chain) {
		t.Errorf("1D data %v", d.Shape)
	}
	// Four small cubes: two rows of panels keep the data area as high as
	// the cells are square (one row of eight panels was too wide).
	four, err := LatticeConfigurations(L, 3, [][]int8{cube, cube, cube, cube}, []string{"a", "b", "c", "d"})
	if err != nil {
		t.Fatal(err)
	}
	for name, fig := range map[string]*Figure{"cube": f, "chain": g, "four cubes": four} {
		if _, err := Save(t.TempDir(), name, fig); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		for _, p := range Check(fig) {
			t.Errorf("%s: %s", name, p)
		}
	}
	if _, err := LatticeConfigurations(L, 3, [][]int8{cube[:L*L]}, []string{"x"}); err == nil {
		t.Error("a 4×4 configuration drawn as 4×4×4")
	}
	if _, err := LatticeConfigurations(L, 4, [][]int8{make([]int8, L*L*L*L)}, []string{"x"}); err == nil {
		t.Error("a 4D configuration drawn")
	}
}
