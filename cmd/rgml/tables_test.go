package main

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// `models list` was 263 columns wide, put learning_rate under FINAL LOSS,
// left out `visible`, and float32 values printed as 0.10000000149011612.
// It fits COLUMNS (cells cut with …), --wide prints everything, and every
// human-readable view prints a float32 value in its shortest form.
func TestModelsTable(t *testing.T) {
	mustRgml(t, "sample", "--model", "ising", "--param", "T=0:6:2", "--per-point", "10", "--L", "4", "--name", "d")
	mustRgml(t, "train", "--learner", "rbm", "--data", "d", "--set", "hidden=4", "--set", "epochs=2", "--name", "a-rather-long-model-name")

	t.Setenv("COLUMNS", "80")
	out := mustRgml(t, "models", "list")
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for _, l := range lines {
		if n := utf8.RuneCountInString(l); n > 80 {
			t.Errorf("a line of %d columns on an 80-column terminal: %q", n, l)
		}
	}
	if !strings.Contains(out, "…") {
		t.Errorf("nothing cut to fit 80 columns:\n%s", out)
	}
	wide := mustRgml(t, "models", "list", "--wide")
	if strings.Contains(wide, "…") || !strings.Contains(wide, "visible=") || !strings.Contains(wide, "reconstruction_error=") {
		t.Errorf("models list --wide cuts or lacks visible or the loss:\n%s", wide)
	}
	if strings.Contains(wide, "learning_rate") || strings.Contains(wide, "weight_norm") {
		t.Errorf("models list shows a learning rate or a norm under FINAL LOSS:\n%s", wide)
	}
	for _, args := range [][]string{{"models", "list", "--wide"}, {"models", "show", "a-rather-long-model-name"},
		{"models", "lineage", "a-rather-long-model-name"}, {"models", "history", "a-rather-long-model-name"}} {
		if out := mustRgml(t, args...); strings.Contains(out, "0.10000000149011612") || !strings.Contains(out, "0.1") {
			t.Errorf("rgml %s prints a float32 0.1 in full:\n%s", strings.Join(args, " "), out)
		}
	}
}
