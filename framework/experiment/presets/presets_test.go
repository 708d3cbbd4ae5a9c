package presets

import (
	"strings"
	"testing"
)

// `presets list` printed each preset's first comment line, which ended
// mid-phrase ("scaled down for CI (about a"). A summary is whole clauses:
// its brackets close, and a long one ends at a comma with "…".
func TestSummaryIsWholePhrases(t *testing.T) {
	for _, n := range Names() {
		s := Summary(n)
		if s == "" {
			t.Errorf("%s: empty summary", n)
			continue
		}
		if strings.Count(s, "(") != strings.Count(s, ")") {
			t.Errorf("%s: summary %q leaves a bracket open", n, s)
		}
		if len([]rune(s)) > summaryMax+1 {
			t.Errorf("%s: summary %q is longer than %d characters", n, s, summaryMax)
		}
		if strings.HasPrefix(s, n+":") || strings.HasPrefix(s, "#") {
			t.Errorf("%s: summary %q repeats the comment's head", n, s)
		}
	}
	if got, want := Summary("blume-capel-small"), "the blume-capel preset scaled down for CI (about a minute on two cores)"; got != want {
		t.Errorf("Summary(blume-capel-small) = %q, want %q", got, want)
	}
	if got := Summary("nope"); got != "" {
		t.Errorf("Summary(nope) = %q, want empty", got)
	}
}
