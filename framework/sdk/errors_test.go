package sdk

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestErrorsCrossTheWireTyped(t *testing.T) {
	for _, sentinel := range []error{ErrInvalidArgument, ErrNotFound, ErrUnimplemented, ErrFailedPrecondition, context.Canceled, ErrInternal} {
		err := fmt.Errorf("T = -1: %w", sentinel)
		back := FromStatus(ToStatus(err))
		if !errors.Is(back, sentinel) {
			t.Errorf("%v: came back as %v", sentinel, back)
		}
		if back.Error() != err.Error() {
			t.Errorf("message changed: %q -> %q", err, back)
		}
	}
	if back := FromStatus(ToStatus(errors.New("plain"))); !errors.Is(back, ErrInternal) {
		t.Errorf("untyped error came back as %v, want ErrInternal", back)
	}
}

func TestResolveParams(t *testing.T) {
	specs := []ParamSpec{
		{Name: "T", Kind: Float, Default: 2.269, HasMin: true, Min: 0},
		{Name: "n", Kind: Int, Default: 3, HasMin: true, Min: 1, HasMax: true, Max: 10, MaxExclusive: true},
	}
	p, err := ResolveParams(specs, Params{"T": 1})
	if err != nil || p["T"] != 1 || p["n"] != 3 {
		t.Fatalf("got %v, %v", p, err)
	}
	for _, bad := range []Params{{"T": -0.5}, {"n": 10}, {"n": 2.5}, {"x": 1}} {
		if _, err := ResolveParams(specs, bad); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%v: got %v", bad, err)
		}
	}
	_, err = ResolveParams(specs, Params{"T": -1})
	if err == nil || err.Error() != "parameter T = -1 is out of range: allowed [0, +inf)" {
		t.Errorf("message: %v", err)
	}
}
