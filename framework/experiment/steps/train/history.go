package train

import (
	"math"

	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/sdk"
)

// HistoryFile is the file of a model entry that holds its training
// history (formats.History).
const HistoryFile = formats.HistoryFile

// History and HistoryRow are a training's reports (formats.History).
type (
	History    = formats.History
	HistoryRow = formats.HistoryRow
)

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
