package steps

import (
	"errors"
	"strings"

	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/sdk"
)

// The keys of Lineage.Extra under which a sampled dataset records what its
// model declares: written by the dataset kind, read by the kinds and the
// report that use the dataset, so they live here where both see them.
const (
	// LatticeShapeKey records the lattice, [L, …, L] with one L per
	// dimension: readers take the dimension from it.
	LatticeShapeKey = "lattice_shape"
	// ReferencesKey records the model's references (ReferenceRecord),
	// rather than asking the plugin when a report is drawn: a report must
	// draw the same marks when the plugin is gone or has changed since.
	ReferencesKey = "references"
	// StateSpaceKey records the model's site values, sent with the
	// dataset to the learners, which choose their input units from it.
	StateSpaceKey = "state_space"
	// LatticeKey records the lattice the model declares
	// (sdk.ModelDescription.Lattice), when it declares one.
	LatticeKey = "lattice"
)

// LatticeShape is the shape recorded for a lattice of L^d sites.
func LatticeShape(L, d int) []int {
	out := make([]int, sdk.Dim(d))
	for i := range out {
		out[i] = L
	}
	return out
}

// ReferenceRecord is one reference as a dataset's lineage records it.
type ReferenceRecord struct {
	Name   string               `json:"name"`
	Points []map[string]float64 `json:"points"`
	Source string               `json:"source"`
}

// RecordReferences returns the references for Lineage.Extra, nil when
// the model declares none (the lineage then has no such key, as before
// models declared references).
func RecordReferences(refs []sdk.Reference) []ReferenceRecord {
	var out []ReferenceRecord
	for _, r := range refs {
		rec := ReferenceRecord{Name: r.Name, Source: r.Source}
		for _, p := range r.Points {
			rec.Points = append(rec.Points, map[string]float64(p))
		}
		out = append(out, rec)
	}
	return out
}

// CatalogErr places an unknown plugin's error at the spec field that
// names it; any other error of the catalog is not the spec's fault.
func CatalogErr(err error, at spec.Pos, field string) error {
	if errors.Is(err, host.ErrUnknownPlugin) {
		return spec.At(at, field, "%v", err)
	}
	return err
}

// SDKMsg drops the gRPC-style code prefix of an sdk error, if any.
func SDKMsg(err error) string {
	m := err.Error()
	if i := strings.Index(m, "invalid argument: "); i >= 0 {
		return m[i+len("invalid argument: "):]
	}
	return m
}
