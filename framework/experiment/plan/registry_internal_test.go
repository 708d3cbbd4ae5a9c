package plan

import (
	"testing"

	"github.com/rgml/rgml/registry"
)

// A registry dataset's node carries its lattice's dimension, from the
// lattice_shape its lineage records, so that a 3D entry beside 3D steps
// is not refused as a 6×6 lattice; none recorded is 0 (which is 2).
func TestDatasetShapeDimension(t *testing.T) {
	m := registry.Manifest{Lineage: registry.Lineage{Parameters: map[string]any{"L": 6.0},
		Extra: map[string]any{"lattice_shape": []any{6.0, 6.0, 6.0}}}}
	if L, d, _ := datasetShape(m); L != 6 || d != 3 {
		t.Errorf("a 6×6×6 dataset: L = %d, d = %d", L, d)
	}
	m.Lineage.Extra = nil
	if L, d, _ := datasetShape(m); L != 6 || d != 0 {
		t.Errorf("a dataset recording no shape: L = %d, d = %d, want 6, 0", L, d)
	}
}
