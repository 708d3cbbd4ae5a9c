package formats

import (
	"bytes"
	"fmt"
	"math"
	"sort"

	"github.com/rgml/rgml/framework/npz"
)

// HistoryFile is the file of a model entry that holds its training
// history, beside weights.npz.
const HistoryFile = "history.npz"

// HistoryRow is one progress report of a training: its epoch, the time
// since the training started (summed over resumed parts), and whatever
// the learner reported (losses, reconstruction error, pseudo-log-
// likelihood, weight norm, learning rate, …).
type HistoryRow struct {
	Epoch       int                `json:"epoch"`
	WallSeconds float64            `json:"wall_seconds"`
	Samples     int64              `json:"samples"`
	Metrics     map[string]float64 `json:"metrics"`
}

// History is a training's reports as columns, as history.npz stores
// them: epoch (int64), wall_seconds, samples (int64), and one float64
// column per metric any report had (NaN where a report lacked it).
type History struct {
	Epoch       []int64
	WallSeconds []float64
	Samples     []int64
	Metrics     map[string][]float64
}

// Len is the number of reports.
func (h History) Len() int { return len(h.Epoch) }

// MetricNames returns the metric columns, sorted.
func (h History) MetricNames() []string {
	names := make([]string, 0, len(h.Metrics))
	for k := range h.Metrics {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// HistoryOf turns reports into columns.
func HistoryOf(rows []HistoryRow) History {
	h := History{Metrics: map[string][]float64{}}
	for _, r := range rows {
		for k := range r.Metrics {
			h.Metrics[k] = nil
		}
	}
	for _, r := range rows {
		h.Epoch = append(h.Epoch, int64(r.Epoch))
		h.WallSeconds = append(h.WallSeconds, r.WallSeconds)
		h.Samples = append(h.Samples, r.Samples)
		for k := range h.Metrics {
			v, ok := r.Metrics[k]
			if !ok {
				v = math.NaN()
			}
			h.Metrics[k] = append(h.Metrics[k], v)
		}
	}
	return h
}

// Rows returns the history as reports, metrics without their NaN gaps.
func (h History) Rows() []HistoryRow {
	rows := make([]HistoryRow, h.Len())
	for i := range rows {
		rows[i] = HistoryRow{Epoch: int(h.Epoch[i]), WallSeconds: h.WallSeconds[i], Samples: h.Samples[i], Metrics: map[string]float64{}}
		for k, v := range h.Metrics {
			if !math.IsNaN(v[i]) {
				rows[i].Metrics[k] = v[i]
			}
		}
	}
	return rows
}

// EncodeHistory writes h as history.npz.
func EncodeHistory(h History) ([]byte, error) {
	n := h.Len()
	arrays := []npz.Array{
		{Name: "epoch", Shape: []int{n}, Data: h.Epoch},
		npz.Float64("wall_seconds", h.WallSeconds, n),
		{Name: "samples", Shape: []int{n}, Data: h.Samples},
	}
	for _, k := range h.MetricNames() {
		arrays = append(arrays, npz.Float64(k, h.Metrics[k], n))
	}
	if n == 0 { // npz cannot hold a nil slice's type otherwise
		arrays[0].Data, arrays[1].Data, arrays[2].Data = []int64{}, []float64{}, []int64{}
	}
	var buf bytes.Buffer
	err := npz.Encode(&buf, arrays...)
	return buf.Bytes(), err
}

// DecodeHistory reads history.npz's arrays.
func DecodeHistory(arrays []npz.Array) (History, error) {
	h := History{Metrics: map[string][]float64{}}
	for _, a := range arrays {
		switch v := a.Data.(type) {
		case []int64:
			switch a.Name {
			case "epoch":
				h.Epoch = v
			case "samples":
				h.Samples = v
			}
		case []float64:
			if a.Name == "wall_seconds" {
				h.WallSeconds = v
			} else {
				h.Metrics[a.Name] = v
			}
		}
	}
	n := len(h.Epoch)
	ok := len(h.WallSeconds) == n && len(h.Samples) == n
	for _, v := range h.Metrics {
		ok = ok && len(v) == n
	}
	if !ok {
		return History{}, fmt.Errorf("%s: columns of different lengths", HistoryFile)
	}
	return h, nil
}
