package kernels

import (
	"slices"
	"testing"

	"github.com/rgml/rgml/plugins/internal/xrand"
)

// tileGo, generic's products where gonum has no assembly (arm64 and the
// other architectures, -tags noasm), against the same float64 references
// on amd64 too.
func TestGenericScalarTiles(t *testing.T) {
	if !gonumAsm {
		t.Skip("tileGo computes generic's products in this build: TestGemm tests it")
	}
	genGer = false
	defer func() { genGer = gonumAsm }()
	TestGemm(t)
	TestRowsParts(t)
}

// A product of one block of terms, alpha = 1, not accumulated, which
// gerTile sums in C itself, gives the bits of the same product added to a
// zero C (summed in the tile buffer).
func TestGerDirectSameBits(t *testing.T) {
	restore, err := Force("generic")
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	r := xrand.New(5)
	for _, sz := range [][3]int{{64, 64, 100}, {64, 400, 100}, {37, 100, gerBlock}, {8, 16, 1}} {
		m, n, k := sz[0], sz[1], sz[2]
		a, b := randMat(r, Pad4(m), k, k), randMat(r, k, Pad16(n), n)
		direct, tiled := make([]float32, Pad4(m)*Pad16(n)), make([]float32, Pad4(m)*Pad16(n))
		for i := range direct {
			direct[i] = 7 // overwritten
		}
		Gemm(m, n, k, 1, a, k, b, Pad16(n), false, direct, Pad16(n))
		Gemm(m, n, k, 1, a, k, b, Pad16(n), true, tiled, Pad16(n))
		if !slices.Equal(direct, tiled) {
			t.Errorf("%d×%d×%d: C = A·B differs from C = 0 + A·B", m, n, k)
		}
	}
}
