// Package clip shortens text that a program or server sent, before it is
// quoted in an error the user reads on one line: such text may run to
// megabytes without a newline.
package clip

import "unicode/utf8"

// Bytes returns s cut to at most max bytes on a rune boundary, with "…"
// after the cut; s itself if it is no longer.
func Bytes(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
