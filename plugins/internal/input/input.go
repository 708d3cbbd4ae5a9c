package input

import (
	"strings"

	"github.com/rgml/rgml/framework/sdk"
)

// Floats returns t's elements as float64 (float32 and float64 tensors).
func Floats(t sdk.Tensor) ([]float64, error) {
	switch v := t.Data.(type) {
	case []float64:
		return v, nil
	case []float32:
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out, nil
	}
	return nil, sdk.InvalidArgument("tensor %s is %T, want float32 or float64", t.Name, t.Data)
}

// Matrix returns the 2-D tensor t as row-major float64 with its rows and
// columns; rows must equal wantRows when that is positive.
func Matrix(t sdk.Tensor, wantRows int, what string) (v []float64, rows, cols int, err error) {
	if len(t.Shape) != 2 || (wantRows > 0 && t.Shape[0] != wantRows) {
		want := "[rows, cols]"
		if wantRows > 0 {
			want = "[" + itoa(wantRows) + ", N_h]"
		}
		return nil, 0, 0, sdk.InvalidArgument("%s %s has shape %v, want %s", what, t.Name, t.Shape, want)
	}
	v, err = Floats(t)
	return v, t.Shape[0], t.Shape[1], err
}

// Configs returns the configurations in t (int8, [N, L²] or [N, L, L], every
// value ±1) and their number: LatticeConfigs of the square lattice.
func Configs(t sdk.Tensor, L int) ([]int8, int, error) { return LatticeConfigs(t, L, 2) }

// LatticeConfigs returns the configurations in t (int8, [N, L^d] or
// [N, L, …, L] with d L's, every value ±1) and their number.
func LatticeConfigs(t sdk.Tensor, L, d int) ([]int8, int, error) {
	c, ok := t.Data.([]int8)
	if !ok {
		return nil, 0, sdk.InvalidArgument("configurations %s are %T, want int8", t.Name, t.Data)
	}
	sites := sdk.LatticeSites(L, d)
	if !flatOrCube(t.Shape, L, d, sites) {
		cube := "[N" + strings.Repeat(", "+itoa(L), d) + "]"
		return nil, 0, sdk.InvalidArgument("configurations %s have shape %v; for the %s want [N, %d] or %s (a dataset of another lattice?)",
			t.Name, t.Shape, sdk.Lattice(L, d), sites, cube)
	}
	for i, s := range c {
		if s != 1 && s != -1 {
			return nil, 0, sdk.InvalidArgument("configurations %s: site %d of configuration %d is %d, want ±1", t.Name, i%sites, i/sites, s)
		}
	}
	return c, t.Shape[0], nil
}

// flatOrCube reports whether shape is [N, sites] or [N, L, …, L] (d L's).
func flatOrCube(shape []int, L, d, sites int) bool {
	if len(shape) == 2 && shape[1] == sites {
		return true
	}
	if len(shape) != d+1 {
		return false
	}
	for _, n := range shape[1:] {
		if n != L {
			return false
		}
	}
	return true
}

// Labels returns the 1-D tensor t of n values as float64.
func Labels(t sdk.Tensor, n int) ([]float64, error) {
	if len(t.Shape) != 1 || t.Shape[0] != n {
		return nil, sdk.InvalidArgument("%s has shape %v, want [%d] (one value per configuration)", t.Name, t.Shape, n)
	}
	return Floats(t)
}

// Groups returns the distinct values of labels in ascending order and, for
// each, the indices of the configurations carrying it.
func Groups(labels []float64) (values []float64, members [][]int) {
	idx := map[float64]int{}
	for _, v := range labels {
		if _, ok := idx[v]; !ok {
			idx[v] = 0
			values = append(values, v)
		}
	}
	sortFloats(values)
	for i, v := range values {
		idx[v] = i
	}
	members = make([][]int, len(values))
	for i, v := range labels {
		members[idx[v]] = append(members[idx[v]], i)
	}
	return values, members
}
