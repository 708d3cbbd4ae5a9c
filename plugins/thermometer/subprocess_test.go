package thermometer

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/framework/sdk/sdktest"
)

// The plugin binary, launched as the host launches it, trains and
// predicts.
func TestSubprocess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the plugin binary")
	}
	bin := sdktest.Build(t, "./cmd/rgml-plugin-thermometer")
	dir := t.TempDir()
	if err := os.Symlink(bin, filepath.Join(dir, filepath.Base(bin))); err != nil {
		t.Fatal(err)
	}
	h := host.New(host.Config{Dir: dir})
	defer h.Close()
	if _, err := h.WriteLock(); err != nil { // the host runs only locked binaries
		t.Fatal(err)
	}
	ctx := context.Background()
	l, err := h.Learner(ctx, Name)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Desc.NeedsLabel || l.Desc.Name != Name {
		t.Errorf("description %+v", l.Desc)
	}
	train := synthData(4, 50, 1)
	rec := &recorder{}
	w, err := l.Train(ctx, sdk.TrainRequest{Hyper: sdk.Params{"hidden": 8, "epochs": 20}, Seed: 1, Label: "T", Train: train}, rec)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rec.progress); n == 0 || rec.progress[n-1].Epoch != 20 {
		t.Errorf("progress %+v", rec.progress)
	}
	out, err := l.Apply(ctx, sdk.ApplyRequest{Operation: OpPredict, Size: 4, Weights: w,
		Inputs: []sdk.Tensor{{Name: TensorConfigs, Shape: []int{train.Len(), 16}, Data: train.Configs}}})
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := sdk.FindTensor(out, TensorDistribution); !ok || d.Len() != 4 {
		t.Errorf("outputs %v", out)
	}
}
