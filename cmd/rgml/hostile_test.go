package main

import (
	"strings"
	"testing"
)

// A model plugin that sends what cannot be true (the misbehave plugin's
// modes): the host neither panics nor registers a dataset; it fails with
// exit 1 and one line naming the plugin and what it sent.
func TestSampleRefusesWhatCannotBeTrue(t *testing.T) {
	for _, c := range []struct{ mode, want string }{
		{"5", `plugin "misbehave" sent 10 moves attempted and -3 accepted for point 0: counts cannot be negative`},
		{"6", `plugin "misbehave" sent configuration 2 of point 0, site 15: value 7 is not in the state space [-1 1] it declares`},
	} {
		name := "bad" + c.mode
		code, stdout, stderr := rgml(t, "sample", "--model", "misbehave", "--param", "mode="+c.mode, "--per-point", "3", "--L", "4", "--name", name)
		// The first command of a test creates its registry and says so.
		msg := strings.TrimSpace(stderr)
		if note, rest, ok := strings.Cut(msg, "\n"); ok && strings.Contains(note, "created a new registry") {
			msg = rest
		}
		if code != exitFailure || strings.Contains(msg, "\n") || !strings.Contains(msg, c.want) {
			t.Errorf("mode %s: exit %d, stdout %q, stderr %q; want exit 1 and one line with %q", c.mode, code, stdout, stderr, c.want)
		}
		if _, out, _ := rgml(t, "datasets", "list"); strings.Contains(out, name) {
			t.Errorf("mode %s: a refused sample was registered:\n%s", c.mode, out)
		}
	}
}
