package stepdata

import (
	"math"

	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// RecordedLattice reads the lattice a dataset's manifest records: L from
// its parameters, d from its lattice shape; 0 for what it does not record
// (datasets from before either was recorded).
func RecordedLattice(m registry.Manifest) (L, d int) {
	if v, ok := m.Lineage.Parameters["L"].(float64); ok && v == math.Trunc(v) && v >= 1 {
		L = int(v)
	}
	if shape, ok := m.Lineage.Extra[steps.LatticeShapeKey].([]any); ok && len(shape) >= 1 {
		d = len(shape)
	}
	return L, d
}

// ALattice names a lattice with its article: "a 6×6×6 lattice", "an 8×8
// lattice", "an L = 64 chain".
func ALattice(L, d int) string {
	if sdk.Dim(d) == 1 {
		return "an " + sdk.Lattice(L, d)
	}
	return aNum(L) + " " + sdk.Lattice(L, d)
}

// InputLattice is the lattice size and dimension the lineage of en records
// for the dataset it read as role (d is 2 when only L is on record), or 0s
// when nothing is on record.
func InputLattice(s *registry.Store, en registry.Entry, role string) (L, d int) {
	if den, ok := inputDataset(s, en, role); ok {
		if dm, err := s.Manifest(den); err == nil {
			if l, d := RecordedLattice(dm); l >= 2 {
				return l, sdk.Dim(d)
			}
		}
	}
	return 0, 0
}
