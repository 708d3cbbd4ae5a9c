package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/npz"
)

// rgml plot history A B and plot flow A B draw each entry in one figure,
// the legend naming each by the parameter that differs (hidden, and the
// RBM a flow read), the data of every entry beside it.
func TestPlotOverlays(t *testing.T) {
	mustRgml(t, "sample", "--model", "ising", "--param", "T=1,3", "--L", "4", "--per-point", "20", "--name", "d")
	for _, h := range []string{"4", "8"} {
		mustRgml(t, "train", "--learner", "rbm", "--data", "d", "--set", "hidden="+h, "--set", "epochs=2", "--name", "r"+h)
	}
	mustRgml(t, "train", "--learner", "thermometer", "--data", "d", "--set", "epochs=2", "--name", "th")
	for _, h := range []string{"4", "8"} {
		mustRgml(t, "flow", "--rbm", "r"+h, "--thermometer", "th", "--from", "d", "--iterations", "0,1", "--name", "f"+h)
	}
	for _, tc := range []struct {
		kind, a, b string
		legend     []string
		data       string
	}{
		{"history", "r4", "r8", []string{"r4:1 hidden=4", "r8:1 hidden=8"}, "r8:1 "},
		{"flow", "f4", "f8", []string{"f4:1 rbm=r4:1", "f8:1 rbm=r8:1"}, "f8:1 mean measured T.y"},
	} {
		out := filepath.Join(t.TempDir(), tc.kind+".svg")
		stdout := mustRgml(t, "plot", tc.kind, tc.a, tc.b, "--out", out)
		if !strings.Contains(stdout, "wrote "+out) {
			t.Errorf("plot %s printed %q", tc.kind, stdout)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range tc.legend {
			if !strings.Contains(string(b), want) {
				t.Errorf("plot %s: the legend does not name %q", tc.kind, want)
			}
		}
		arrays, err := npz.ReadFile(strings.TrimSuffix(out, ".svg") + ".npz")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, a := range arrays {
			found = found || strings.HasPrefix(a.Name, tc.data)
		}
		if !found {
			t.Errorf("plot %s: no array %q… in the data beside it", tc.kind, tc.data)
		}
	}
}
