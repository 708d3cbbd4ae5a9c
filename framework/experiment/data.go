package experiment

import (
	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/experiment/steps/stepdata"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// What the step kinds read (package steps/stepdata), under the names
// callers use.

// LoadDataset reads a registered dataset with its entry (stepdata.LoadDataset).
func LoadDataset(s *registry.Store, ref string) (sdk.Dataset, registry.Entry, error) {
	return stepdata.LoadDataset(s, ref)
}

// ReadNPZ reads one .npz file of an entry (stepdata.ReadNPZ).
func ReadNPZ(s *registry.Store, en registry.Entry, file string) ([]npz.Array, error) {
	return stepdata.ReadNPZ(s, en, file)
}

// ReadFlow reads a flow entry's file (stepdata.ReadFlow).
func ReadFlow(s *registry.Store, en registry.Entry) (formats.Flow, error) {
	return stepdata.ReadFlow(s, en)
}

// ParseWhere parses selections NAME=SPEC (stepdata.ParseWhere).
func ParseWhere(where []string) ([]grid.Axis, error) { return stepdata.ParseWhere(where) }

// FilterDataset keeps the configurations a selection matches (stepdata.FilterDataset).
func FilterDataset(d sdk.Dataset, where []grid.Axis) (sdk.Dataset, error) {
	return stepdata.FilterDataset(d, where)
}

// RecordedLattice reads the lattice a dataset's manifest records
// (stepdata.RecordedLattice).
func RecordedLattice(m registry.Manifest) (L, d int) { return stepdata.RecordedLattice(m) }
