package stepdata

import (
	"github.com/rgml/rgml/framework/experiment/plan"
	"github.com/rgml/rgml/registry"
)

// SampledBy is the model plugin that sampled dataset en, "" when it was
// not sampled by one (imported) or its manifest cannot be read: the
// planner's rule (plan.SampledBy) on the entry's manifest.
func SampledBy(s *registry.Store, en registry.Entry) string {
	m, err := s.Manifest(en)
	if err != nil {
		return ""
	}
	return plan.SampledBy(m)
}
