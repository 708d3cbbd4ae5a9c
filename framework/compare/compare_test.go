package compare_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/compare"
	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

// storeWithModels opens a real SQLite registry holding one dataset and a
// model per hidden size, trained on it.
func storeWithModels(tb testing.TB, hidden ...int) *registry.Store {
	tb.Helper()
	s, err := registry.Open(filepath.Join(tb.TempDir(), "reg"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	ctx := context.Background()
	ds, err := s.Put(ctx, registry.Dataset, "d", []registry.File{{Name: "data.npz", Data: []byte("d")}},
		registry.Lineage{Plugin: &registry.PluginRef{Name: "m", Version: "1", SHA256: "ab"}, Parameters: map[string]any{"T": []any{1.0, 2.0}}})
	if err != nil {
		tb.Fatal(err)
	}
	for i, h := range hidden {
		l := registry.Lineage{
			Plugin:          &registry.PluginRef{Name: "l", Version: "1", SHA256: "cd"},
			Seed:            1,
			HyperParameters: map[string]any{"hidden": float64(h), "epochs": 10.0},
			Datasets:        []string{ds.Digest},
			Inputs:          []registry.Input{{Role: "data", Digest: ds.Digest}},
			Metrics:         &registry.Metrics{Epochs: 10, FinalLosses: map[string]float64{"loss": 1 / float64(h)}},
		}
		if _, err := s.Put(ctx, registry.Model, "r", []registry.File{{Name: "w.npz", Data: fmt.Appendf(nil, "w%d", i)}}, l); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// Numbers sort by value (8 < 16 < 64, which text would order 16, 64, 8),
// and the one differing hyper-parameter leads the columns.
func TestSortNumbersByValue(t *testing.T) {
	s := storeWithModels(t, 64, 8, 16)
	tab, err := compare.Where(s, registry.Model, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tab.Sort("hidden"); err != nil {
		t.Fatal(err)
	}
	var got []any
	for _, r := range tab.Rows {
		got = append(got, r.Values["hidden"])
	}
	if fmt.Sprint(got) != "[8 16 64]" {
		t.Errorf("sorted hidden: %v", got)
	}
	if tab.Columns[0] != "hidden" || fmt.Sprint(tab.Differ) != "[hidden final:loss]" {
		t.Errorf("columns %v, differ %v", tab.Columns, tab.Differ)
	}
	if err := tab.Sort("-final:loss"); err != nil || tab.Rows[0].Values["hidden"] != 8.0 {
		t.Errorf("descending loss: first %v (%v)", tab.Rows[0].Values["hidden"], err)
	}
}

func TestWhere(t *testing.T) {
	s := storeWithModels(t, 8, 16, 32, 64)
	for _, c := range []struct {
		where string
		n     int
	}{
		{"hidden>=32", 2}, {"hidden>32", 1}, {"hidden<=16", 2}, {"hidden<8", 0},
		{"hidden=16", 1}, {"hidden==16", 1}, {"hidden!=16", 3},
		{"learner=l hidden>8", 3}, {"learner=x", 0}, {"input:data=d:1", 4},
	} {
		fs, err := compare.ParseFilters([]string{c.where})
		if err != nil {
			t.Fatalf("%s: %v", c.where, err)
		}
		tab, err := compare.Where(s, registry.Model, nil, fs)
		if err != nil {
			t.Fatalf("%s: %v", c.where, err)
		}
		if len(tab.Rows) != c.n {
			t.Errorf("%s: %d rows, want %d", c.where, len(tab.Rows), c.n)
		}
	}
	for _, bad := range []string{"hidden", "=4", "hidden>", "hidden=>4", "hidden<>4", "hidden!4"} {
		if _, err := compare.ParseFilters([]string{bad}); !errors.Is(err, experiment.ErrUsage) {
			t.Errorf("%q: %v, want a usage error", bad, err)
		}
	}
}

// BenchmarkCompare1000 tabulates 1 000 models of a real SQLite registry
// and sorts them; BenchmarkManifests1000 beside it only lists them and
// reads each manifest (what `models list --json` does), the floor of any
// comparison of their lineages.
func BenchmarkCompare1000(b *testing.B) {
	s := storeWithModels(b, hiddens(1000)...)
	for b.Loop() {
		tab, err := compare.Where(s, registry.Model, nil, nil)
		if err != nil || len(tab.Rows) != 1000 {
			b.Fatal(err)
		}
		if err := tab.Sort("hidden"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkManifests1000(b *testing.B) {
	s := storeWithModels(b, hiddens(1000)...)
	for b.Loop() {
		es, err := s.List(registry.Model, "")
		if err != nil || len(es) != 1000 {
			b.Fatal(err)
		}
		for _, en := range es {
			if _, err := s.Manifest(en); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func hiddens(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = 1 + i%128
	}
	return out
}

// Steps of two runs are matched by kind and name: a dataset and a flow
// may share a name in one plan, and only the flow differs here.
func TestStepDiffsMatchByKindAndName(t *testing.T) {
	s, err := registry.Open(filepath.Join(t.TempDir(), "reg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	key := func(c byte) string { return strings.Repeat(string(c), 64) }
	run := func(name, flowKey string) registry.Entry {
		t.Helper()
		rec := registry.RunRecord{Format: registry.RunRecordFormat, Status: "done", Steps: []registry.RunStep{
			{Name: "x", Kind: registry.Dataset, Key: key('a'), Status: "done"},
			{Name: "x", Kind: registry.Flow, Key: flowKey, Status: "done"},
		}}
		b, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		en, err := s.Put(ctx, registry.Run, name, []registry.File{{Name: registry.RunRecordFile, Data: b}}, registry.Lineage{})
		if err != nil {
			t.Fatal(err)
		}
		return en
	}
	a, b := run("a", key('b')), run("b", key('c'))
	diffs, same, err := compare.StepDiffs(s, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if same != 1 || len(diffs) != 1 || diffs[0].Kind != registry.Flow {
		t.Fatalf("StepDiffs: %d same, diffs %+v; want the dataset x the same and only the flow x differing", same, diffs)
	}
}
