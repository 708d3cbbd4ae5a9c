package sdk

import (
	"errors"
	"math"
	"testing"
)

// A Float parameter with AllowsInf takes +Inf (T = ∞) but not NaN or
// −Inf; without it, or for an Int, +Inf is refused; the flag crosses the
// wire.
func TestAllowsInf(t *testing.T) {
	T := ParamSpec{Name: "T", Kind: Float, HasMin: true, Min: 0, AllowsInf: true}
	for v, ok := range map[float64]bool{math.Inf(1): true, 0: true, 3: true, math.Inf(-1): false, math.NaN(): false, -1: false} {
		if err := T.Check(v); (err == nil) != ok || err != nil && !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Check(%v) = %v, want ok=%v", v, err, ok)
		}
	}
	if got := T.Range(); got != "[0, +inf]" {
		t.Errorf("Range = %q", got)
	}
	for _, s := range []ParamSpec{
		{Name: "T", Kind: Float, HasMin: true},
		{Name: "n", Kind: Int, AllowsInf: true},
		{Name: "T", Kind: Float, AllowsInf: true, HasMax: true, Max: 10},
	} {
		if err := s.Check(math.Inf(1)); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%+v: Check(+Inf) = %v", s, err)
		}
	}
	if back := paramSpecFromProto(paramSpecToProto(T)); !back.AllowsInf {
		t.Error("AllowsInf lost on the wire")
	}
	if _, err := ResolveParams([]ParamSpec{T}, Params{"T": math.Inf(1)}); err != nil {
		t.Errorf("ResolveParams(T = +Inf): %v", err)
	}
}
