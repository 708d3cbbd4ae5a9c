package input

import (
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
// value ±1) and their number.
func Configs(t sdk.Tensor, L int) ([]int8, int, error) {
	c, ok := t.Data.([]int8)
	if !ok {
		return nil, 0, sdk.InvalidArgument("configurations %s are %T, want int8", t.Name, t.Data)
	}
	sites := L * L
	switch {
	case len(t.Shape) == 2 && t.Shape[1] == sites:
	case len(t.Shape) == 3 && t.Shape[1] == L && t.Shape[2] == L:
	default:
		return nil, 0, sdk.InvalidArgument("configurations %s have shape %v; for L = %d want [N, %d] or [N, %d, %d] (a dataset of another lattice?)", t.Name, t.Shape, L, sites, L, L)
	}
	for i, s := range c {
		if s != 1 && s != -1 {
			return nil, 0, sdk.InvalidArgument("configurations %s: site %d of configuration %d is %d, want ±1", t.Name, i%sites, i/sites, s)
		}
	}
	return c, t.Shape[0], nil
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
