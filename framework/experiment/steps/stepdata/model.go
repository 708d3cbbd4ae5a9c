package stepdata

import (
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
