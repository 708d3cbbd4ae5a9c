package experiment

import (
	"math"
	"strings"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
)

// ImportArrays checks the arrays of an .npz file a user hands us and makes
// a dataset of them:
//
//   - configs: int8, shape [N, L·L] or [N, L, L], N ≥ 1, every value in
//     {−1, +1} or {−1, 0, +1};
//   - every other array is a per-configuration label (e.g. T): float64,
//     shape [N], finite;
//   - L: if L > 0 it must match the shape; if L = 0 it is read from an
//     [N, L, L] shape or inferred from a square number of sites, and a
//     non-square number of sites is an error asking for L.
//
// Each problem is one error saying what to fix (wrapping ErrUsage).
func ImportArrays(arrays []npz.Array, L int) (sdk.Dataset, error) {
	c, ok := npz.Find(arrays, "configs")
	if !ok {
		names := make([]string, len(arrays))
		for i, a := range arrays {
			names[i] = a.Name
		}
		return sdk.Dataset{}, usagef("no array named configs (the file has: %s)", strings.Join(names, ", "))
	}
	configs, isInt8 := c.Data.([]int8)
	if !isInt8 {
		return sdk.Dataset{}, usagef("configs is %T, want int8: save it with configs.astype(numpy.int8)", c.Data)
	}
	var n, sites, size int
	switch len(c.Shape) {
	case 2:
		n, sites = c.Shape[0], c.Shape[1]
		if L > 0 {
			if L*L != sites {
				return sdk.Dataset{}, usagef("configs has %d sites per configuration, L = %d needs %d", sites, L, L*L)
			}
			size = L
		} else {
			size = int(math.Round(math.Sqrt(float64(sites))))
			if size*size != sites || sites == 0 {
				return sdk.Dataset{}, usagef("configs has %d sites per configuration, not a square number: give the lattice size L", sites)
			}
		}
	case 3:
		if c.Shape[1] != c.Shape[2] {
			return sdk.Dataset{}, usagef("configs has shape %v: an L×L lattice needs [N, L, L]", c.Shape)
		}
		n, size = c.Shape[0], c.Shape[1]
		sites = size * size
		if L > 0 && L != size {
			return sdk.Dataset{}, usagef("configs has shape %v, not L = %d", c.Shape, L)
		}
	default:
		return sdk.Dataset{}, usagef("configs has shape %v: want [N, sites] or [N, L, L]", c.Shape)
	}
	if n == 0 {
		return sdk.Dataset{}, usagef("configs holds no configuration")
	}
	if size < 2 {
		return sdk.Dataset{}, usagef("configs has %d site(s) per configuration: the lattice needs L >= 2", sites)
	}
	for i, v := range configs {
		if v < -1 || v > 1 {
			return sdk.Dataset{}, usagef("configs[%d][%d] = %d: spins must be −1, +1 (or 0 for spin-1 models)", i/sites, i%sites, v)
		}
	}
	d := sdk.Dataset{Size: size, Configs: configs, Labels: map[string][]float64{}}
	for _, a := range arrays {
		if a.Name == "configs" {
			continue
		}
		v, isF64 := a.Data.([]float64)
		if !isF64 {
			return sdk.Dataset{}, usagef("label %s is %T, want float64 (one value per configuration): save it with .astype(numpy.float64)", a.Name, a.Data)
		}
		if len(a.Shape) != 1 || a.Shape[0] != n {
			return sdk.Dataset{}, usagef("label %s has shape %v, want [%d]: one value per configuration", a.Name, a.Shape, n)
		}
		for i, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return sdk.Dataset{}, usagef("label %s[%d] = %v: labels must be finite", a.Name, i, x)
			}
		}
		d.Labels[a.Name] = v
	}
	return d, nil
}
