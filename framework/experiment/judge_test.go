package experiment_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/npz"
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

// pickingJudge is a study that shows the samples at beta = 0.2, 0.5 and
// 0.9 (absent from the data below).
type pickingJudge struct{}

func (pickingJudge) Name() string { return "test-picker" }
func (pickingJudge) Judge(context.Context, experiment.JudgeInput) ([]report.Verdict, error) {
	return nil, nil
}
func (pickingJudge) SampleValues(label string) []float64 {
	if label == "beta" {
		return []float64{0.2, 0.5, 0.9}
	}
	return nil
}

func init() { experiment.RegisterJudge(pickingJudge{}) }

// A dataset's samples are drawn along its own label, whatever its name,
// at the values the study's judge picks (those the data have); a report
// of no such judge spreads four values over the data's.
func TestSamplesAlongTheDataLabel(t *testing.T) {
	s, err := registry.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Five configurations of 2×2 sites, one per beta; row i has i sites −1.
	beta := []float64{0.1, 0.2, 0.3, 0.4, 0.5}
	configs := make([]int8, 5*4)
	for i := range 5 {
		for j := range 4 {
			configs[i*4+j] = 1
			if j < i {
				configs[i*4+j] = -1
			}
		}
	}
	var b bytes.Buffer
	if err := npz.Encode(&b, npz.Int8("configs", configs, 5, 4), npz.Float64("beta", beta, 5)); err != nil {
		t.Fatal(err)
	}
	en, err := s.Put(t.Context(), registry.Dataset, "d", []registry.File{{Name: "data.npz", Data: b.Bytes()}},
		registry.Lineage{Parameters: map[string]any{"L": 2}, Samples: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		judge string
		rows  []int
	}{{"test-picker", []int{1, 4}}, {"", []int{0, 1, 2, 3}}} {
		out := filepath.Join(t.TempDir(), "report")
		if _, err := experiment.BuildReport(t.Context(), s, experiment.ReportSpec{Title: "t", Out: out, Judge: c.judge,
			Entries: []registry.Entry{en}}); err != nil {
			t.Fatalf("judge %q: %v", c.judge, err)
		}
		arrays, err := npz.ReadFile(filepath.Join(out, "samples-d.npz"))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := npz.Find(arrays, "configs")
		var want []int8
		for _, r := range c.rows {
			want = append(want, configs[r*4:(r+1)*4]...)
		}
		if !slices.Equal(got.Data.([]int8), want) {
			t.Errorf("judge %q: samples %v, want rows %v", c.judge, got.Data, c.rows)
		}
	}
}
