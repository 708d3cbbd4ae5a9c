package main

import (
	"strings"
	"testing"
)

// Every preset's description starts in the same column, however long the
// names (paper-small is longer than a fixed width of 8).
func TestPresetsListAligned(t *testing.T) {
	code, out, errOut := rgml(t, "presets", "list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 2 {
		t.Fatalf("want several presets, got %q", out)
	}
	col := -1
	for _, l := range lines {
		name, _, _ := strings.Cut(l, " ")
		c := len(name) + len(l[len(name):]) - len(strings.TrimLeft(l[len(name):], " "))
		if col >= 0 && c != col {
			t.Fatalf("descriptions start in columns %d and %d:\n%s", col, c, out)
		}
		col = c
	}
}
