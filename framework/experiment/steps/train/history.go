package train

import (
	"fmt"
	"math"

	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/experiment/steps/stepdata"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// HistoryFile is the file of a model entry that holds its training
// history (formats.History).
const HistoryFile = formats.HistoryFile

// History and HistoryRow are a training's reports (formats.History).
type (
	History    = formats.History
	HistoryRow = formats.HistoryRow
)

// ReadHistory reads a model entry's training history (ref as
// Store.Resolve takes it); a model trained before histories were kept is
// a usage error saying so.
func ReadHistory(s *registry.Store, ref string) (History, registry.Entry, error) {
	en, err := s.Resolve(registry.Model, ref)
	if err != nil {
		return History{}, en, steps.RefErr(err)
	}
	if _, ok := en.File(HistoryFile); !ok {
		return History{}, en, usagef("%s has no %s: it was trained before rgml kept training histories", en, HistoryFile)
	}
	arrays, err := stepdata.ReadNPZ(s, en, HistoryFile)
	if err != nil {
		return History{}, en, err
	}
	h, err := formats.DecodeHistory(arrays)
	if err != nil {
		return History{}, en, fmt.Errorf("%s: %w", en, err)
	}
	return h, en, nil
}

// finiteRows drops the non-finite metrics JSON cannot hold.
func finiteRows(rows []HistoryRow) []HistoryRow {
	out := make([]HistoryRow, len(rows))
	for i, r := range rows {
		out[i] = r
		out[i].Metrics = finite(r.Metrics)
	}
	return out
}

func finite(m map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out[k] = v
		}
	}
	return out
}

func rowOf(p sdk.Progress, offset float64) HistoryRow {
	m := make(map[string]float64, len(p.Metrics))
	for k, v := range p.Metrics {
		m[k] = v
	}
	return HistoryRow{Epoch: p.Epoch, WallSeconds: offset + p.WallSeconds, Samples: p.Samples, Metrics: m}
}
