package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/registry"
)

// The text lineage shows every field --json shows: a flow's iterations and
// selection live in Extra, which the text used to drop.
func TestLineageTextShowsEveryJSONField(t *testing.T) {
	s, err := registry.Open(filepath.Join(t.TempDir(), "registry"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d := registry.DigestPrefix + strings.Repeat("ab", 32)
	l := registry.Lineage{
		Description:     "a flow",
		Plugin:          &registry.PluginRef{Name: "p", Version: "1", SHA256: strings.Repeat("c", 64)},
		Host:            &registry.HostRef{Version: "v9", Commit: "abc123", Machine: "node7"},
		Algorithm:       "alg",
		Seed:            42,
		Parameters:      map[string]any{"L": 8},
		HyperParameters: map[string]any{"lr": 0.1},
		Samples:         17,
		PerPoint:        3,
		Datasets:        []string{d},
		Parent:          d,
		Inputs:          []registry.Input{{Role: "rbm", Digest: d}},
		Key:             strings.Repeat("e", 64),
		Metrics:         &registry.Metrics{},
		Extra:           map[string]any{"iterations": []int{1, 2, 4}, "where": []string{"T=0.3"}, "save_configs": true},
	}
	var out bytes.Buffer
	printLineage(&env{stdout: &out}, s, "", l)
	text := out.String()

	var fields map[string]any
	b, _ := json.Marshal(l)
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	delete(fields, "extra")
	maps.Copy(fields, l.Extra)
	lineName := map[string]string{"datasets": "dataset", "inputs": "input"}
	for k := range fields {
		name, ok := lineName[k]
		if !ok {
			name = strings.ReplaceAll(k, "_", "-")
		}
		if !strings.Contains("\n"+text, "\n"+name+" ") {
			t.Errorf("no %q line for JSON field %q in:\n%s", name, k, text)
		}
	}
	for _, want := range []string{"iterations [1,2,4]", `where ["T=0.3"]`, "node7", "per-point 3", "samples 17"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}
