package sdk

import (
	"errors"
	"math"
	"testing"

	rgmlv1 "github.com/rgml/rgml/framework/gen/rgml/v1"
)

func TestIntParametersAreRangeChecked(t *testing.T) {
	spec := ParamSpec{Name: "epochs", Kind: Int, HasMin: true, Min: 1}
	for _, tc := range []struct {
		v  float64
		ok bool
	}{
		{1, true},
		{MaxInt, true},
		{MaxInt * 2, false},
		{1e19, false},              // ≥ 2^63: int(v) wraps to a negative count
		{math.Ldexp(1, 63), false}, // exactly 2^63
		{2.5, false},
		{math.Inf(1), false},
	} {
		err := spec.Check(tc.v)
		if (err == nil) != tc.ok || err != nil && !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Check(%g) = %v, want ok=%v (InvalidArgument otherwise)", tc.v, err, tc.ok)
		}
	}
	neg := ParamSpec{Name: "shift", Kind: Int}
	if err := neg.Check(-1e19); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("Check(-1e19) = %v", err)
	}
}

func TestProduct(t *testing.T) {
	for _, tc := range []struct {
		f  []int
		p  int
		ok bool
	}{
		{nil, 1, true},
		{[]int{2, 3, 4}, 24, true},
		{[]int{1 << 31, 1 << 31}, 1 << 62, true},
		{[]int{1 << 32, 1 << 31}, 0, false},
		{[]int{16, 1152921504606846976, 4}, 0, false}, // wraps to 0 in int
		{[]int{3, -1}, 0, false},
	} {
		p, ok := Product(tc.f...)
		if ok != tc.ok || ok && p != tc.p {
			t.Errorf("Product(%v) = %d, %v; want %d, %v", tc.f, p, ok, tc.p, tc.ok)
		}
	}
}

func TestSampleSizeGuard(t *testing.T) {
	d := ModelDescription{Info: Info{Name: "m"}, Dimension: 2, MinSize: 2,
		Algorithms: []Algorithm{{Name: "a"}}, DefaultAlgorithm: "a"}
	pts := make([]Params, 16)
	for _, tc := range []SampleRequest{
		{Points: pts, Size: 2, PerPoint: 1152921504606846976}, // 16 × 2^60 × 4 wraps to 0
		{Points: pts[:1], Size: 5_000_000_000, PerPoint: 1},   // L² overflows
	} {
		if _, err := d.Validate(tc); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Validate(L=%d, per-point=%d, %d points) = %v, want InvalidArgument", tc.Size, tc.PerPoint, len(tc.Points), err)
		}
	}
	if _, err := d.Validate(SampleRequest{Points: pts, Size: 10, PerPoint: 1000}); err != nil {
		t.Error(err)
	}
}

// A tensor shape whose product wraps (2^34·2^34·2^34 = 2^102 ≡ 0) is
// refused, not taken for an empty tensor.
func TestTensorShapeOverflow(t *testing.T) {
	a := newTensorAssembler()
	err := a.add(&rgmlv1.TensorChunk{Name: "w", Dtype: rgmlv1.DType_DTYPE_INT8, Shape: []int64{1 << 34, 1 << 34, 1 << 34}})
	if !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("shape [2^34 2^34 2^34]: %v, want InvalidArgument", err)
	}
}
