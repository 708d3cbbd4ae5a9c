package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/registry"
)

// A learner's switch (a hyper-parameter of kind bool) reads as a switch
// wherever a parameter is shown: true/false in `models show` and
// `compare` (where persistent=1 still selects it), yes/no on the
// report's page; never 0 or 1.
func TestSwitchesReadAsSwitches(t *testing.T) {
	mustRgml(t, "sample", "--model", "ising", "--param", "T=0,6", "--L", "4", "--per-point", "10", "--name", "d")
	mustRgml(t, "train", "--learner", "rbm", "--data", "d", "--set", "hidden=4", "--set", "epochs=2", "--set", "persistent=1", "--name", "pcd")
	mustRgml(t, "train", "--learner", "rbm", "--data", "d", "--set", "hidden=4", "--set", "epochs=2", "--name", "cd")

	for ref, want := range map[string]string{"pcd": `"persistent": true`, "cd": `"persistent": false`} {
		if out := mustRgml(t, "models", "show", ref); !strings.Contains(out, want) {
			t.Errorf("models show %s lacks %s:\n%s", ref, want, out)
		}
	}
	out := mustRgml(t, "compare", "pcd", "cd")
	if !strings.Contains(out, "persistent") || !strings.Contains(out, "true") || !strings.Contains(out, "false") {
		t.Errorf("compare does not show persistent as true/false:\n%s", out)
	}
	for _, sel := range []string{"persistent=1", "persistent=true", "persistent=yes"} {
		out := mustRgml(t, "compare", "--kind", "models", "--where", sel)
		if !strings.Contains(out, "pcd:1") || strings.Contains(strings.ReplaceAll(out, "pcd:1", ""), "cd:1") {
			t.Errorf("--where %s should keep pcd only:\n%s", sel, out)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := registry.OpenReadOnly(registryDir(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var entries []registry.Entry
	for _, ref := range []string{"pcd", "cd"} {
		en, err := s.Resolve(registry.Model, ref)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, en)
	}
	dir := filepath.Join(t.TempDir(), "report")
	if _, err := experiment.BuildReport(ctx, s, experiment.ReportSpec{Title: "switches", Out: dir, Entries: entries}); err != nil {
		t.Fatal(err)
	}
	page := readFile(t, filepath.Join(dir, report.PageFile))
	for _, want := range []string{"<td>persistent</td><td>yes</td>", "<td>persistent</td><td>no</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report's page lacks %s", want)
		}
	}
	if strings.Contains(page, "<td>persistent</td><td>0</td>") || strings.Contains(page, "<td>persistent</td><td>1</td>") {
		t.Error("the report's page shows a switch as a number")
	}
}
