package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment/presets"
	"github.com/rgml/rgml/registry"
)

// Completion offers the values of the flags that name a plugin, a
// registry entry or a preset, and no help command among subcommands.
func TestCompletionOffersFlagValues(t *testing.T) {
	complete := func(args ...string) []string {
		t.Helper()
		code, out, stderr := rgml(t, append(args, completionFlag)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		return strings.Fields(out)
	}
	var plugins []pluginRow
	if err := json.Unmarshal([]byte(mustRgml(t, "plugins", "list", "--json")), &plugins); err != nil {
		t.Fatal(err)
	}
	for flag, kind := range map[string]string{"--model": "model", "--learner": "learner", "--analyzer": "analyzer"} {
		cmd := map[string]string{"model": "sample", "learner": "train", "analyzer": "analyze"}[kind]
		var want []string
		for _, p := range plugins {
			if p.Kind == kind {
				want = append(want, p.Name)
			}
		}
		if got := complete(cmd, flag); len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s %s <TAB>: %v, want the %s plugins %v", cmd, flag, got, kind, want)
		}
	}

	s, err := registry.Open(registryDir(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"train-set", "test-set"} {
		if _, err := s.Put(t.Context(), registry.Dataset, n, []registry.File{{Name: "data.bin", Data: []byte(n)}}, registry.Lineage{}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	if got := complete("train", "--data"); !slices.Contains(got, "train-set") || !slices.Contains(got, "test-set") {
		t.Errorf("train --data <TAB>: %v, want the datasets", got)
	}
	if got := complete("run", "--preset"); !slices.Equal(got, presets.Names()) {
		t.Errorf("run --preset <TAB>: %v, want %v", got, presets.Names())
	}
	if got := complete("datasets"); slices.Contains(got, "help") || slices.Contains(got, "h") || !slices.Contains(got, "list") {
		t.Errorf("datasets <TAB>: %v, want its commands without help", got)
	}
	if got := complete("sample"); slices.Contains(got, "help") || slices.Contains(got, "h") {
		t.Errorf("sample <TAB>: %v, want no help", got)
	}
}

// Help spells a one-letter flag as the docs do: --L, not -L.
func TestHelpSpellsOneLetterFlagsAsDocs(t *testing.T) {
	for _, args := range [][]string{{"sample", "--help"}, {"datasets", "import", "--help"}} {
		out := mustRgml(t, args...)
		if !strings.Contains(out, " --L value") || strings.Contains(out, " -L value") {
			t.Errorf("%v: want --L as the docs write it:\n%s", args, out)
		}
	}
}
