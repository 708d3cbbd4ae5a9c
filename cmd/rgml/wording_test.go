package main

import (
	"strings"
	"testing"
)

// A newcomer's wording papercuts: "list analysiss", "show a analysis's",
// a preset list cut mid-phrase, and `plugins lock NAME` counting the whole
// lock file.
func TestWording(t *testing.T) {
	_, out, _ := rgml(t, "analyses", "--help")
	for _, want := range []string{"list analyses (all versions", "print an analysis's results", "print where an analysis came from", "write an analysis's files"} {
		if !strings.Contains(out, want) {
			t.Errorf("analyses --help lacks %q:\n%s", want, out)
		}
	}
	if _, out, _ := rgml(t, "models", "--help"); !strings.Contains(out, "show a model's files") {
		t.Errorf("models --help lacks %q:\n%s", "show a model's files", out)
	}
	if code, out, stderr := rgml(t, "presets", "list"); code != 0 || !strings.Contains(out, "(about a minute on two cores)") {
		t.Errorf("presets list: exit %d, a description is cut:\n%s%s", code, out, stderr)
	}
	code, out, stderr := rgml(t, "plugins", "lock", "thermometer")
	if code != 0 || !strings.HasPrefix(out, "locked thermometer in ") {
		t.Errorf("plugins lock thermometer: exit %d, %q, want \"locked thermometer in …\"\n%s", code, out, stderr)
	}
	// TestMain's plugins: eight, the test models chain and cube, badstates and potts5.
	if code, out, _ := rgml(t, "plugins", "lock"); code != 0 || !strings.HasPrefix(out, "locked 13 plugins in ") {
		t.Errorf("plugins lock: exit %d, %q, want \"locked 13 plugins in …\"", code, out)
	}
}
