package experiment_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/registry"
)

// A judge nobody registered is a spec error at its position, found
// while planning, before anything runs.
func TestUnknownJudge(t *testing.T) {
	src := strings.Replace(analysed, "report:\n  title: t\n", "report:\n  title: t\n  judge: nosuch\n", 1)
	s, err := experiment.Parse("a.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	line := strings.Count(src[:strings.Index(src, "  judge: nosuch")], "\n") + 1
	_, err = experiment.NewPlan(context.Background(), s, catalog(t))
	var e *experiment.Error
	if !errors.As(err, &e) || e.Pos.Line != line || e.Pos.Column != 3 || !strings.Contains(err.Error(), `unknown judge "nosuch"`) ||
		strings.Contains(err.Error(), "\n") {
		t.Fatalf("NewPlan: %v, want one line at a.yaml:%d:3 naming the unknown judge", err, line)
	}
	if !strings.HasPrefix(err.Error(), "a.yaml:") {
		t.Errorf("%q does not start with the file's position", err)
	}
}

// A report whose spec names no judge has no verdict table and says
// nothing about the paper's model; one that names the paper's does.
func TestReportJudgeOnlyWhenNamed(t *testing.T) {
	s, err := registry.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct {
		judge string
		rows  bool
	}{{"", false}, {"iso2018", true}} {
		out := filepath.Join(t.TempDir(), "report")
		r, err := experiment.BuildReport(context.Background(), s, experiment.ReportSpec{Title: "t", Out: out, Judge: c.judge})
		if err != nil {
			t.Fatalf("judge %q: %v", c.judge, err)
		}
		page, err := os.ReadFile(filepath.Join(out, report.PageFile))
		if err != nil {
			t.Fatal(err)
		}
		if got := len(r.Verdicts) > 0 || strings.Contains(string(page), `id="verdicts"`); got != c.rows {
			t.Errorf("judge %q: verdict table %v, want %v", c.judge, got, c.rows)
		}
		if !c.rows && strings.Contains(strings.ToLower(string(page)), "ising") {
			t.Errorf("judge %q: the page speaks of Ising", c.judge)
		}
	}
	out := filepath.Join(t.TempDir(), "report")
	if _, err := experiment.BuildReport(context.Background(), s, experiment.ReportSpec{Out: out, Judge: "nosuch"}); err == nil {
		t.Errorf("an unknown judge builds a report")
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an unknown judge wrote %s (%v)", out, err)
	}
}
