package host

import (
	"fmt"
	"strings"
	"testing"
)

// A plugin that dies of a Go runtime error prints "fatal error: …" and a
// trace of hundreds of lines: the summary is still that first line, not
// the trace's last; and a line of megabytes is quoted short.
func TestTailSummary(t *testing.T) {
	tl := newTail(40)
	fmt.Fprintln(tl, "starting")
	fmt.Fprintln(tl, "fatal error: out of memory")
	for i := range 200 {
		fmt.Fprintf(tl, "runtime/mgc.go:%d +0x105\n", i)
	}
	if got := tl.summary(); got != "fatal error: out of memory" {
		t.Errorf("summary %q, want the fatal error", got)
	}
	long := newTail(40)
	fmt.Fprintln(long, "x"+strings.Repeat("é", 100_000))
	if got := long.summary(); len(got) > maxSummary+len("…") || !strings.HasSuffix(got, "é…") {
		t.Errorf("summary of a 200 kB line: %d bytes, ends %q", len(got), got[max(0, len(got)-30):])
	}
}
