package train

import (
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// What a learner reports is bounded before it is kept: epochs within the
// training, kept reports in order (a learner sending millions at one epoch
// grew the host to 2 GB), metric names a history can hold (an empty one
// poisoned every later checkpoint).
func TestProgressReportsChecked(t *testing.T) {
	r := &trainRecorder{epochs: 10, history: []HistoryRow{{Epoch: 4}}}
	metrics := func(names ...string) map[string]float64 {
		m := map[string]float64{}
		for _, n := range names {
			m[n] = 1
		}
		return m
	}
	many := make([]string, maxMetrics+1)
	for i := range many {
		many[i] = "m" + strings.Repeat("x", i%40) + string(rune('a'+i%26))
	}
	for _, c := range []struct {
		p    sdk.Progress
		want string // "" for accepted
	}{
		{sdk.Progress{Epoch: 5, Metrics: metrics("train_loss", "weight_norm", "test.loss-2")}, ""},
		{sdk.Progress{Epoch: 4, Live: true}, ""}, // live reports are not kept
		{sdk.Progress{Epoch: 10}, ""},
		{sdk.Progress{Epoch: -5}, "epoch -5"},
		{sdk.Progress{Epoch: 11}, "epoch 11 of a training of 10"},
		{sdk.Progress{Epoch: 4}, "after epoch 4"},
		{sdk.Progress{Epoch: 3}, "after epoch 4"},
		{sdk.Progress{Epoch: 6, Metrics: metrics("")}, "metric named"},
		{sdk.Progress{Epoch: 6, Metrics: metrics(strings.Repeat("a", maxMetricName+1))}, "metric named"},
		{sdk.Progress{Epoch: 6, Metrics: metrics("loss\n")}, "metric named"},
		{sdk.Progress{Epoch: 6, Metrics: metrics("2loss")}, "metric named"},
		{sdk.Progress{Epoch: 6, Metrics: metrics(many...)}, "metrics, more than"},
	} {
		check(t, r, c.p, c.want)
	}
	// A learner that declares no epochs (the host then knows none) is
	// bounded by its own reports' count.
	free := &trainRecorder{}
	for _, c := range []struct {
		p    sdk.Progress
		want string
	}{
		{sdk.Progress{Epoch: 3}, ""},
		{sdk.Progress{Epoch: 5, Epochs: 8}, ""},
		{sdk.Progress{Epoch: 9, Epochs: 8}, "epoch 9 of a training of 8"},
	} {
		check(t, free, c.p, c.want)
	}
}

func check(t *testing.T, r *trainRecorder, p sdk.Progress, want string) {
	t.Helper()
	err := r.check(p)
	if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
		t.Errorf("epoch %d, live %v, %d metrics: %v; want %q", p.Epoch, p.Live, len(p.Metrics), err, want)
	}
}
