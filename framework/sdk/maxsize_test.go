package sdk

import (
	"errors"
	"strings"
	"testing"
)

// A model that samples L up to a bound says so: a larger L is refused
// when the request is validated (before a study runs any of its steps),
// and the bound survives the trip to the host; 0 bounds nothing.
func TestMaxSizeRefused(t *testing.T) {
	d := ModelDescription{Info: Info{Name: "m"}, Dimension: 2, MinSize: 2, MaxSize: 64, DefaultAlgorithm: "a",
		Algorithms: []Algorithm{{Name: "a"}}}
	d, _ = modelDescriptionFromProto(modelDescriptionToProto(d))
	req := SampleRequest{Points: []Params{{}}, Size: 65, PerPoint: 1}
	if _, err := d.Validate(req); !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "L = 65 is too large: model m takes L <= 64") {
		t.Errorf("L = 65 of at most 64: %v", err)
	}
	req.Size = 64
	if _, err := d.Validate(req); err != nil {
		t.Errorf("L = 64 of at most 64: %v", err)
	}
	d.MaxSize, req.Size = 0, 1000
	if _, err := d.Validate(req); err != nil {
		t.Errorf("L = 1000, no bound declared: %v", err)
	}
}
