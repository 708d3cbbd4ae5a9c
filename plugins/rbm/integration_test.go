package rbm

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/framework/sdk/sdktest"
	"github.com/rgml/rgml/plugins/internal/numpyref"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// testdata/numpy_epoch.py, which BenchmarkEpoch measures, computes the
// same epochs as this package: five epochs from the same weights agree.
func TestNumpyReferenceAgrees(t *testing.T) {
	if _, err := os.Stat(numpyref.Python); err != nil {
		t.Skip("no " + numpyref.Python)
	}
	if err := exec.Command(numpyref.Python, "-c", "import numpy").Run(); err != nil {
		t.Skip("no numpy")
	}
	const n, nv, nh, epochs = 300, 16, 8, 5
	configs := randomConfigs(n, nv, 4)
	e := newEngine(2)
	defer e.close()
	h, _ := hyperOf(sdk.Params{ParamHidden: nh, ParamLR: 0.5})
	tr, err := newTrainer(e, h, 1, configs, n, nv, false)
	if err != nil {
		t.Fatal(err)
	}
	tr.init()
	r := xrand.New(2)
	for i := 0; i < nv; i++ {
		for a := 0; a < nh; a++ {
			tr.cur.w[i*tr.nhp+a] = float32(r.Float64() - 0.5)
		}
	}
	tr.syncWt()
	v0 := make([]float32, n*nv)
	for i, v := range configs {
		v0[i] = float32(v)
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.npz"), filepath.Join(dir, "out.npz")
	err = npz.WriteFile(in,
		npz.Float32("v0", v0, n, nv),
		npz.Float32("W", unpad(tr.cur.w, nv, nh, tr.nhp), nv, nh),
		npz.Float32("b_v", make([]float32, nv), nv),
		npz.Float32("b_h", make([]float32, nh), nh),
		npz.Float64("lr", []float64{0.5}, 1))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(numpyref.Python, "testdata/numpy_epoch.py", "--check", in, out, "--repeat", "5")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("numpy_epoch.py: %v\n%s", err, b)
	}
	for ep := 0; ep < epochs; ep++ {
		if _, err := tr.epoch(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	ref, err := npz.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		got  []float32
	}{
		{"W", unpad(tr.cur.w, nv, nh, tr.nhp)}, {"b_v", tr.cur.bv[:nv]}, {"b_h", tr.cur.bh[:nh]},
	} {
		a, ok := npz.Find(ref, c.name)
		if !ok {
			t.Fatalf("numpy wrote no %s", c.name)
		}
		want := a.Data.([]float32)
		for i := range want {
			if math.Abs(float64(want[i]-c.got[i])) > 1e-4 {
				t.Fatalf("%s[%d]: numpy %g, Go %g", c.name, i, want[i], c.got[i])
			}
		}
	}
}

// The plugin binary, launched by the host as in production: describe,
// train with a checkpoint, apply the flow.
func TestPluginBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the plugin binary")
	}
	bin := sdktest.Build(t, "./cmd/rgml-plugin-rbm")
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
	l, err := h.Learner(ctx, "rbm")
	if err != nil {
		t.Fatal(err)
	}
	if l.Desc.Name != "rbm" || len(l.Desc.Hyperparameters) != 12 || len(l.Desc.Operations) != 3 {
		t.Fatalf("description: %+v", l.Desc)
	}
	ds := lowTData(4, 100, 0.05, 1)
	rec := &recorder{}
	w, err := l.Train(ctx, sdk.TrainRequest{Hyper: sdk.Params{ParamHidden: 6, ParamEpochs: 20}, Seed: 1, Train: ds, CheckpointEvery: 10}, rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.checkpoints) != 2 || rec.progress[len(rec.progress)-1].Epoch != 20 {
		t.Errorf("%d checkpoints, %d progress events", len(rec.checkpoints), len(rec.progress))
	}
	out, err := l.Apply(ctx, sdk.ApplyRequest{Operation: OpFlow, Seed: 1, Size: 4, Weights: w,
		Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{100, 16}, Data: ds.Configs},
			{Name: "iterations", Shape: []int{2}, Data: []int64{0, 10}}}})
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := sdk.FindTensor(out, "configs"); !ok || !sameShape(c.Shape, []int{2, 100, 16}) {
		t.Errorf("flow output %+v", out)
	}
}
