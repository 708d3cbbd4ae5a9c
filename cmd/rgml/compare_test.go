package main

import (
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/compare"
	"github.com/rgml/rgml/registry"
)

// Two trainings that differ in one hyper-parameter: compare puts that
// column first, in the table, the JSON and the CSV; --sort and --where
// order and select by it.
func TestCompareModelsDifferingColumnFirst(t *testing.T) {
	mustRgml(t, "sample", "--model", "ising", "--param", "T=0,6", "--L", "4", "--per-point", "10", "--name", "d")
	mustRgml(t, "train", "--learner", "rbm", "--data", "d", "--set", "hidden=4", "--set", "epochs=2", "--name", "r")
	mustRgml(t, "train", "--learner", "rbm", "--data", "d", "--set", "hidden=6", "--set", "epochs=2", "--name", "r")

	out := mustRgml(t, "compare", "r:1", "r:2")
	lines := strings.Split(out, "\n")
	if h := strings.Fields(lines[0]); len(h) < 2 || h[0] != "MODEL" || h[1] != "hidden" {
		t.Errorf("header: %q, want MODEL then hidden\n%s", lines[0], out)
	}
	if !strings.Contains(out, "columns differ: hidden") {
		t.Errorf("no line of differing columns starting with hidden:\n%s", out)
	}

	var tab compare.Table
	if err := json.Unmarshal([]byte(mustRgml(t, "compare", "r:1", "r:2", "--json")), &tab); err != nil {
		t.Fatal(err)
	}
	if len(tab.Differ) == 0 || tab.Differ[0] != "hidden" || len(tab.Rows) != 2 || tab.Rows[1].Values["hidden"] != 6.0 {
		t.Errorf("--json: differ %v, rows %+v", tab.Differ, tab.Rows)
	}
	// learner, data and epochs are the same in both: not among the differing.
	for _, c := range []string{"learner", "input:data", "epochs"} {
		for _, d := range tab.Differ {
			if d == c {
				t.Errorf("%s listed as differing: %v", c, tab.Differ)
			}
		}
	}

	recs, err := csv.NewReader(strings.NewReader(mustRgml(t, "compare", "r:1", "r:2", "--csv", "--sort", "-hidden"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0][0] != "ref" || recs[0][1] != "hidden" || recs[1][0] != "r:2" || recs[1][1] != "6" {
		t.Errorf("--csv --sort -hidden: %q", recs)
	}

	out = mustRgml(t, "compare", "--kind", "models", "--where", "learner=rbm hidden>=5")
	if !strings.Contains(out, "r:2") || strings.Contains(out, "r:1") {
		t.Errorf("--where hidden>=5 should keep r:2 only:\n%s", out)
	}
}

// Two runs of a spec that differ in one training's hidden units: compare
// names that step and the flow that read it, and why.
func TestCompareRunsSaysWhichStepsDiffer(t *testing.T) {
	reg := registryDir(t)
	for _, hidden := range []int{8, 16} {
		if code, _, stderr := rgmlIn(t, reg, "run", smallSpec(t, hidden, 2)); code != 0 {
			t.Fatalf("run: exit %d: %s", code, stderr)
		}
	}
	code, out, stderr := rgmlIn(t, reg, "compare", "small:1", "small:2")
	if code != 0 {
		t.Fatalf("compare: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"step s-rbm (model) s-rbm:1 → s-rbm:2", "hidden: 8 → 16", "step s-flow (flow)", "(step s-rbm)"} {
		if !strings.Contains(out, want) {
			t.Errorf("compare of the runs lacks %q:\n%s", want, out)
		}
	}
	for _, same := range []string{"step s-train", "step s-test", "step s-thermo"} {
		if strings.Contains(out, same) {
			t.Errorf("%s is the same in both runs, yet listed:\n%s", same, out)
		}
	}
}

// Wrong input says what to fix in one line and exits 2.
func TestCompareBadInput(t *testing.T) {
	mustRgml(t, "sample", "--model", "ising", "--param", "T=0,6", "--L", "4", "--per-point", "10", "--name", "d")
	mustRgml(t, "train", "--learner", "rbm", "--data", "d", "--set", "hidden=4", "--set", "epochs=2", "--name", "r")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"compare", "nosuch"}, `no entry of any kind is named "nosuch"`},
		{[]string{"compare", "r", "d"}, "compare entries of one kind"},
		{[]string{"compare", "--kind", "models", "--where", "hidden"}, `--where "hidden": write COLUMN`},
		{[]string{"compare", "--kind", "models", "--where", "hidden>>4"}, `--where "hidden>>4"`},
		{[]string{"compare", "--kind", "models", "--where", "nosuch=1"}, `no model has a column "nosuch"`},
		{[]string{"compare", "r", "--sort", "nosuch"}, `--sort: no column "nosuch"`},
		{[]string{"compare", "--where", "hidden=4"}, "give references (REF…), or --kind and --where"},
		{[]string{"compare", "--kind", "widgets", "r"}, "widgets"},
		{[]string{"compare", "r", "--json", "--csv"}, "not both"},
	} {
		code, out, stderr := rgml(t, c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", c.args, code, out, stderr, c.want)
		}
	}
}

func TestCompareFlagsTranslate(t *testing.T) {
	e := testEnv()
	var got *compareOptions
	cmd := func() *cli.Command { return newCmdCompare(e, capture(&got)) }
	if err := translate(t, e, cmd, "compare", "a", "--kind", "models", "b", "--where", "learner=rbm hidden>=64", "--where", "lr<0.1", "--sort", "-hidden", "--csv"); err != nil {
		t.Fatal(err)
	}
	want := compareOptions{env: e, Refs: []string{"a", "b"}, Kind: registry.Model, Where: []string{"learner=rbm hidden>=64", "lr<0.1"}, Sort: "-hidden", CSV: true}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("compare options %+v, want %+v", *got, want)
	}
}

// On a 60-column terminal compare keeps to 60 columns: the references
// whole, the differing column first, cells cut with …, and the columns
// that do not fit dropped with a line naming them; --wide prints them all.
func TestCompareFitsTheTerminal(t *testing.T) {
	mustRgml(t, "sample", "--model", "ising", "--param", "T=0,6", "--L", "4", "--per-point", "10", "--name", "d")
	mustRgml(t, "train", "--learner", "rbm", "--data", "d", "--set", "hidden=4", "--set", "epochs=2", "--name", "a-long-model-name")
	mustRgml(t, "train", "--learner", "rbm", "--data", "d", "--set", "hidden=6", "--set", "epochs=2", "--name", "a-long-model-name")

	t.Setenv("COLUMNS", "60")
	out := mustRgml(t, "compare", "a-long-model-name:1", "a-long-model-name:2")
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if n := utf8.RuneCountInString(l); n > 60 {
			t.Errorf("a line of %d columns on a 60-column terminal: %q", n, l)
		}
	}
	lines := strings.Split(out, "\n")
	if h := strings.Fields(lines[0]); len(h) < 2 || h[1] != "hidden" {
		t.Errorf("header %q: want hidden, the differing column, first", lines[0])
	}
	if !strings.Contains(out, "a-long-model-name:1") || !strings.Contains(out, "a-long-model-name:2") {
		t.Errorf("a reference was cut:\n%s", out)
	}
	if !strings.Contains(out, "more columns not shown") || !strings.Contains(out, "--wide") {
		t.Errorf("no line says which columns were dropped:\n%s", out)
	}
	wide := mustRgml(t, "compare", "a-long-model-name:1", "a-long-model-name:2", "--wide")
	if strings.Contains(wide, "not shown") || strings.Contains(wide, "…") || !strings.Contains(wide, "learner_sha256") {
		t.Errorf("compare --wide cuts or drops columns:\n%s", wide)
	}
}
