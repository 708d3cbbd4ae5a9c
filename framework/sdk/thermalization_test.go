package sdk

import (
	"errors"
	"strings"
	"testing"
)

// An algorithm without thermalisation sampled the same bytes whatever
// --thermalization said, while the lineage recorded it: the request is
// refused, and the field survives the trip to the host.
func TestNoThermalizationRefused(t *testing.T) {
	d := ModelDescription{Info: Info{Name: "m"}, Dimension: 2, MinSize: 2, DefaultAlgorithm: "paper",
		Algorithms: []Algorithm{{Name: "paper", NoThermalization: true}, {Name: "chain"}}}
	d, _ = modelDescriptionFromProto(modelDescriptionToProto(d))
	req := SampleRequest{Points: []Params{{}}, Size: 4, PerPoint: 1, Thermalization: 5000}
	if _, err := d.Validate(req); !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "thermalization 5000: algorithm paper of model m has no thermalisation") {
		t.Errorf("paper, thermalization 5000: %v", err)
	}
	req.Thermalization = 0
	if _, err := d.Validate(req); err != nil {
		t.Errorf("paper, no thermalization: %v", err)
	}
	req.Algorithm, req.Thermalization = "chain", 5000
	if _, err := d.Validate(req); err != nil {
		t.Errorf("chain, thermalization 5000: %v", err)
	}
}
