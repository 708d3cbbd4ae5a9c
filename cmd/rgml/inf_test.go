package main

import (
	"math"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/npz"
)

// T = inf from the command line: sampled (independent random spins),
// registered with its lineage, selected for an RBM (the control trained on
// T = 0 and ∞); the thermometer refuses it in one line with exit 2.
func TestSampleInfiniteTemperature(t *testing.T) {
	code, stdout, stderr := rgml(t, "sample", "--model", "ising", "--param", "T=0,inf", "--per-point", "20", "--L", "4", "--name", "ends")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "registered dataset ends:1") {
		t.Errorf("stdout %q", stdout)
	}
	out := t.TempDir() + "/ends"
	if code, _, stderr := rgml(t, "datasets", "export", "ends:1", out); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	arrays, err := npz.ReadFile(out + "/data.npz")
	if err != nil {
		t.Fatal(err)
	}
	if T, ok := npz.Find(arrays, "T"); !ok || T.Data.([]float64)[0] != 0 || !math.IsInf(T.Data.([]float64)[39], 1) {
		t.Errorf("T labels: %+v", T)
	}
	if code, stdout, _ := rgml(t, "datasets", "lineage", "ends:1"); code != 0 || !strings.Contains(stdout, "inf") {
		t.Errorf("lineage does not show T = inf: %s", stdout)
	}
	code, _, stderr = rgml(t, "train", "--learner", "rbm", "--data", "ends", "--where", "T=0,inf", "--set", "hidden=4", "--set", "epochs=2", "--name", "rbm-0-inf")
	if code != 0 {
		t.Fatalf("rbm on T = 0, inf: exit %d: %s", code, stderr)
	}
	code, _, stderr = rgml(t, "train", "--learner", "thermometer", "--data", "ends", "--set", "epochs=2", "--name", "th")
	if code != 2 || !strings.Contains(stderr, "leave T = inf out") || strings.Count(strings.TrimSpace(stderr), "\n") > 2 {
		t.Errorf("thermometer on T = inf: exit %d, stderr %q", code, stderr)
	}
}
