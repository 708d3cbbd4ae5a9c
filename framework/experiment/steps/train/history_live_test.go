package train

import (
	"testing"

	"github.com/rgml/rgml/framework/metrics"
	"github.com/rgml/rgml/framework/sdk"
)

type nopMeter struct{}

func (nopMeter) Add(int64)   {}
func (nopMeter) Note(string) {}
func (nopMeter) Done()       {}
func (nopMeter) Abort()      {}

// A live report is shown (it moves the bar and the metrics) but kept out
// of the history and of the losses saved with a checkpoint: which epochs
// a clock picks differs from run to run, and a history must not.
func TestLiveProgressKeptOutOfHistory(t *testing.T) {
	var last sdk.Progress
	rec := &trainRecorder{epochs: 1000, bar: nopMeter{}, last: &last, metrics: metrics.New("test").Trainer("l", 0, 10)}
	for _, p := range []sdk.Progress{
		{Epoch: 1, Metrics: map[string]float64{"loss": 3}},
		{Epoch: 2, Metrics: map[string]float64{"loss": 2.5}, Live: true},
		{Epoch: 5, Metrics: map[string]float64{"loss": 2}},
		{Epoch: 7, Metrics: map[string]float64{"loss": 1.5}, Live: true},
	} {
		if err := rec.Progress(p); err != nil {
			t.Fatal(err)
		}
	}
	if len(rec.history) != 2 || rec.history[0].Epoch != 1 || rec.history[1].Epoch != 5 {
		t.Errorf("history %+v, want the reports of epochs 1 and 5", rec.history)
	}
	if last.Epoch != 5 || rec.epoch != 7 {
		t.Errorf("last kept report at epoch %d (want 5), bar at %d (want 7)", last.Epoch, rec.epoch)
	}
}
