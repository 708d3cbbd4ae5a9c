package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
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

// A --where holding ∞ selects exactly the configurations it names, in
// trainings and flows; on data without ∞ it selects nothing (exit
// 2); -inf and NaN are refused.
func TestWhereInfinityCounts(t *testing.T) {
	if code, _, stderr := rgml(t, "sample", "--model", "ising", "--param", "T=0,1,2,3,inf", "--per-point", "10", "--L", "4", "--name", "five"); code != 0 {
		t.Fatalf("sample: %s", stderr)
	}
	if code, _, stderr := rgml(t, "sample", "--model", "ising", "--param", "T=0,1,2,3", "--per-point", "10", "--L", "4", "--name", "four"); code != 0 {
		t.Fatalf("sample: %s", stderr)
	}
	for i, c := range []struct {
		where string
		want  int
	}{{"T=0,inf", 20}, {"T=inf", 10}, {"T=3", 10}} {
		name := "rbm-" + strconv.Itoa(i)
		code, stdout, stderr := rgml(t, "train", "--learner", "rbm", "--data", "five", "--where", c.where, "--set", "hidden=4", "--set", "epochs=1", "--name", name)
		if code != 0 || !strings.Contains(stdout, fmt.Sprintf("on %d configurations", c.want)) {
			t.Errorf("train --where %s: exit %d, %s%s; want %d configurations", c.where, code, stdout, stderr, c.want)
		}
	}
	for _, where := range []string{"T=inf", "T=5"} {
		code, _, stderr := rgml(t, "train", "--learner", "rbm", "--data", "four", "--where", where, "--set", "hidden=4", "--set", "epochs=1", "--name", "none")
		if code != 2 || !strings.Contains(stderr, "selects no configuration") {
			t.Errorf("train --where %s on data without it: exit %d, %s", where, code, stderr)
		}
	}
	for _, where := range []string{"T=-inf", "T=nan", "T=0,NaN"} {
		code, _, stderr := rgml(t, "train", "--learner", "rbm", "--data", "five", "--where", where, "--set", "hidden=4", "--set", "epochs=1", "--name", "bad")
		if code != 2 || !strings.Contains(stderr, "not a finite number") {
			t.Errorf("train --where %s: exit %d, %s", where, code, stderr)
		}
	}
	if code, _, stderr := rgml(t, "train", "--learner", "thermometer", "--data", "four", "--set", "epochs=1", "--name", "th"); code != 0 {
		t.Fatalf("thermometer: %s", stderr)
	}
	for _, c := range []struct {
		where string
		want  int64
	}{{"T=0,inf", 20}, {"T=inf", 10}} {
		code, _, stderr := rgml(t, "flow", "--rbm", "rbm-0", "--thermometer", "th", "--from", "five", "--where", c.where, "--iterations", "0,1", "--name", "fl")
		if code != 0 {
			t.Fatalf("flow --where %s: %s", c.where, stderr)
		}
		_, stdout, _ := rgml(t, "flows", "show", "--json", "fl")
		var got struct {
			Manifest struct{ Lineage struct{ Samples int64 } }
		}
		if err := json.Unmarshal([]byte(stdout), &got); err != nil || got.Manifest.Lineage.Samples != c.want {
			t.Errorf("flow --where %s: %d samples (%v); want %d", c.where, got.Manifest.Lineage.Samples, err, c.want)
		}
	}
	code, _, stderr := rgml(t, "flow", "--rbm", "rbm-0", "--thermometer", "th", "--from", "four", "--where", "T=inf", "--iterations", "0,1", "--name", "fl-none")
	if code != 2 || !strings.Contains(stderr, "selects no configuration") {
		t.Errorf("flow --where T=inf on data without it: exit %d, %s", code, stderr)
	}
}
