package train

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/metrics"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// Every report of a running training, the learner's live ones too, is a
// line of the attempt's progress file as it comes, and a reader that
// kept its offset reads only the lines written since.
func TestTrainingProgressFileTailed(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "checkpoints", "m", "k", registry.NewHolder())
	ck := newCheckpointDir(filepath.Dir(dir), filepath.Base(dir), "key")
	var last sdk.Progress
	rec := &trainRecorder{epochs: 1000, bar: nopMeter{}, last: &last, ck: &ck, metrics: metrics.New("test").Trainer("l", 0, 10)}
	report := func(p sdk.Progress) {
		t.Helper()
		if err := rec.Progress(p); err != nil {
			t.Fatal(err)
		}
	}
	report(sdk.Progress{Epoch: 1, Metrics: map[string]float64{"loss": 3}})
	report(sdk.Progress{Epoch: 2, Metrics: map[string]float64{"loss": 2.5}, Live: true})
	path := filepath.Join(dir, steps.LiveFile)
	rows, off, err := steps.LiveTail(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Epoch != 1 || rows[1].Epoch != 2 || !rows[1].Live || rows[1].Metrics["loss"] != 2.5 {
		t.Fatalf("rows %+v, want epochs 1 and 2 (live) as reported", rows)
	}
	// A line half written (a reader racing the writer) waits for its end.
	report(sdk.Progress{Epoch: 3, Metrics: map[string]float64{"loss": 2}})
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"epoch":4,"met`)
	f.Close()
	rows, off2, err := steps.LiveTail(path, off)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Epoch != 3 {
		t.Fatalf("after offset %d: rows %+v, want epoch 3 only", off, rows)
	}
	if rows, off3, _ := steps.LiveTail(path, off2); len(rows) != 0 || off3 != off2 {
		t.Errorf("nothing new: rows %+v, offset %d → %d", rows, off2, off3)
	}
}

// A training is listed as running from its first report, before any
// checkpoint, and its rows come from its progress file.
func TestLiveTrainingFromProgressFile(t *testing.T) {
	s, err := registry.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	holder := registry.NewHolder()
	ck := newCheckpointDir(filepath.Join(s.WorkDir(), "checkpoints", "m", "0123456789abcdef"), holder, "key")
	var last sdk.Progress
	rec := &trainRecorder{epochs: 1000, bar: nopMeter{}, last: &last, ck: &ck, metrics: metrics.New("test").Trainer("l", 0, 10)}
	if err := rec.Progress(sdk.Progress{Epoch: 1, Metrics: map[string]float64{"loss": 3}}); err != nil {
		t.Fatal(err)
	}
	live, err := LiveTrainings(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(live) != 1 || live[0].Name != "m" || live[0].Epoch != 1 {
		t.Fatalf("live trainings %+v, want m at epoch 1", live)
	}
	if _, ok := LiveTrainingByID(s, live[0].ID()); !ok {
		t.Errorf("LiveTrainingByID(%s): not found", live[0].ID())
	}
}

// A resumed training's progress file starts with the history it resumed
// with, so that its curve shows the epochs before the resume too.
func TestResumedProgressFileHasEarlierHistory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "checkpoints", "m", "k", registry.NewHolder())
	ck := newCheckpointDir(filepath.Dir(dir), filepath.Base(dir), "key")
	var last sdk.Progress
	rec := &trainRecorder{epochs: 1000, bar: nopMeter{}, last: &last, ck: &ck, metrics: metrics.New("test").Trainer("l", 5, 10),
		history: []HistoryRow{{Epoch: 1, Metrics: map[string]float64{"loss": 3}}, {Epoch: 5, Metrics: map[string]float64{"loss": 2}}}}
	if err := rec.Progress(sdk.Progress{Epoch: 6, Metrics: map[string]float64{"loss": 1.5}}); err != nil {
		t.Fatal(err)
	}
	if err := rec.Progress(sdk.Progress{Epoch: 7, Metrics: map[string]float64{"loss": 1.4}}); err != nil {
		t.Fatal(err)
	}
	rows, _, err := steps.LiveTail(filepath.Join(dir, steps.LiveFile), 0)
	if err != nil {
		t.Fatal(err)
	}
	var epochs []int
	for _, r := range rows {
		epochs = append(epochs, r.Epoch)
	}
	if len(epochs) != 4 || epochs[0] != 1 || epochs[1] != 5 || epochs[2] != 6 || epochs[3] != 7 {
		t.Errorf("epochs %v, want 1 5 (resumed with) 6 7", epochs)
	}
}

// BenchmarkAppendLive is a line of a progress file opened, written and
// closed (a flow's, a few lines a flow); BenchmarkAppendLiveOpen is one
// written to a file kept open (a training's, up to ~20 lines a second).
func BenchmarkAppendLive(b *testing.B) {
	dir := b.TempDir()
	row := steps.LiveRow{HistoryRow: HistoryRow{Epoch: 100, WallSeconds: 1.5, Samples: 4000,
		Metrics: map[string]float64{"reconstruction_error": 0.25, "free_energy_gap": 0.01, "pseudo_likelihood": -0.6}}, Live: true}
	for b.Loop() {
		steps.AppendLive(dir, row)
	}
}

func BenchmarkAppendLiveOpen(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), steps.LiveFile))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	row := steps.LiveRow{HistoryRow: HistoryRow{Epoch: 100, WallSeconds: 1.5, Samples: 4000,
		Metrics: map[string]float64{"reconstruction_error": 0.25, "free_energy_gap": 0.01, "pseudo_likelihood": -0.6}}, Live: true}
	for b.Loop() {
		steps.WriteLive(f, row)
	}
}
