package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

// `analyses show` prints a real analysis's results as tables, and --json
// holds every value of every array as the registry stores it.
func TestAnalysesShowTables(t *testing.T) {
	mustRgml(t, "sample", "--model", "ising", "--param", "T=0,6", "--L", "4", "--per-point", "10", "--name", "d")
	mustRgml(t, "train", "--learner", "rbm", "--data", "d", "--set", "hidden=12", "--set", "epochs=2", "--name", "r")
	mustRgml(t, "analyze", "--analyzer", "spectrum", "--models", "r", "--data", "d", "--name", "sp")

	out := mustRgml(t, "analyses", "show", "sp")

	var got struct {
		Name    string `json:"name"`
		Results []struct {
			Name   string     `json:"name"`
			Shape  []int      `json:"shape"`
			Values []*float64 `json:"values"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(mustRgml(t, "analyses", "show", "sp", "--json")), &got); err != nil {
		t.Fatal(err)
	}
	s, err := registry.OpenReadOnly(registryDir(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	en, err := s.Resolve(registry.Analysis, "sp")
	if err != nil {
		t.Fatal(err)
	}
	arrays, figs, err := experiment.ReadAnalysis(s, en)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "sp" || len(got.Results) != len(arrays) || len(arrays) == 0 {
		t.Fatalf("--json: name %q, %d results, the entry has %d", got.Name, len(got.Results), len(arrays))
	}
	for i, a := range arrays {
		r := got.Results[i]
		v := floats(a)
		if r.Name != a.Name || len(r.Values) != len(v) {
			t.Fatalf("--json result %d: %s with %d values, want %s with %d", i, r.Name, len(r.Values), a.Name, len(v))
		}
		for j := range v {
			if r.Values[j] == nil || *r.Values[j] != v[j] {
				t.Fatalf("--json %s[%d] = %v, want %v", a.Name, j, r.Values[j], v[j])
			}
		}
	}
	// A matrix longer than the screen is cut, with a note saying so.
	for _, a := range arrays {
		if len(a.Shape) == 2 && a.Shape[0] > matrixRows {
			if note := fmt.Sprintf("showing %d of %d rows", matrixRows, a.Shape[0]); !strings.Contains(out, a.Name+" is ") || !strings.Contains(out, note) {
				t.Errorf("%s (%v) printed without the note %q:\n%s", a.Name, a.Shape, note, out)
			}
		}
	}
	// Every figure's title heads a table, and every 1-D series is a column.
	for _, f := range figs {
		if !strings.Contains(out, f.Title+" ("+f.Kind+"):") {
			t.Errorf("no table titled %q:\n%s", f.Title, out)
		}
	}
}
