package sdk

import (
	"slices"
	"testing"
)

// An observable's Symmetric flag survives the protocol both ways (the
// host's flow read-out averages |O| of a symmetric one, O of another).
func TestObservableSymmetricOverTheWire(t *testing.T) {
	in := ModelDescription{Info: Info{Name: "m", Version: "1"}, Observables: []Observable{
		{Name: "energy", Doc: "e"}, {Name: "magnetization", Doc: "m", Symmetric: true}}}
	out, _ := modelDescriptionFromProto(modelDescriptionToProto(in))
	if !slices.Equal(out.Observables, in.Observables) {
		t.Errorf("observables %+v came back as %+v", in.Observables, out.Observables)
	}
}
