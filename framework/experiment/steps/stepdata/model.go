package stepdata

import (
	"context"
	"fmt"

	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/registry"
)

// SampledBy is the model plugin that sampled dataset en, "" when it was
// not sampled by one (imported).
func SampledBy(s *registry.Store, en registry.Entry) string {
	m, err := s.Manifest(en)
	if err != nil || m.Lineage.Plugin == nil {
		return ""
	}
	return m.Lineage.Plugin.Name
}

// DatasetLattice is the lattice a dataset's lineage records, "" for none
// (imported data, a model that declares none, or sampled before it was
// recorded: then nothing that needs the sites' neighbours is computed).
func DatasetLattice(s *registry.Store, en registry.Entry) string {
	m, err := s.Manifest(en)
	if err != nil {
		return ""
	}
	l, _ := m.Lineage.Extra[steps.LatticeKey].(string)
	return l
}

// ModelLattice is the lattice of dataset en's model: as its lineage
// records it, or, for data sampled before it was recorded, as the model
// plugin that sampled it declares it now; "" when neither says (imported
// data). A model that cannot be asked is an error, not "no lattice":
// that would leave the read-out's observables NaN without a word.
func ModelLattice(ctx context.Context, h *host.Host, s *registry.Store, en registry.Entry) (string, error) {
	if l := DatasetLattice(s, en); l != "" {
		return l, nil
	}
	name := SampledBy(s, en)
	if name == "" {
		return "", nil
	}
	m, err := h.Model(ctx, name)
	if err != nil {
		return "", fmt.Errorf("asking model %s, which sampled %s, for its lattice: %w", name, en, err)
	}
	defer m.Kill()
	return m.Desc.Lattice, nil
}
