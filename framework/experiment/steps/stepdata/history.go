package stepdata

import (
	"fmt"

	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/registry"
)

// ReadHistory reads a model entry's training history (ref as
// Store.Resolve takes it); a model trained before histories were kept is
// a usage error saying so.
func ReadHistory(s *registry.Store, ref string) (formats.History, registry.Entry, error) {
	en, err := s.Resolve(registry.Model, ref)
	if err != nil {
		return formats.History{}, en, steps.RefErr(err)
	}
	if _, ok := en.File(formats.HistoryFile); !ok {
		return formats.History{}, en, spec.Usagef("%s has no %s: it was trained before rgml kept training histories", en, formats.HistoryFile)
	}
	arrays, err := ReadNPZ(s, en, formats.HistoryFile)
	if err != nil {
		return formats.History{}, en, err
	}
	h, err := formats.DecodeHistory(arrays)
	if err != nil {
		return formats.History{}, en, fmt.Errorf("%s: %w", en, err)
	}
	return h, en, nil
}
