package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestPlainOutputHasNoControlCharacters(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Unix(0, 0)
	b := New(&buf, "sampling", "configs", 100, time.Second)
	b.now = func() time.Time { return clock }
	b.start, b.last = clock, clock
	for i := 0; i < 10; i++ {
		clock = clock.Add(600 * time.Millisecond)
		b.Add(10)
	}
	b.Done()
	out := buf.String()
	if strings.ContainsAny(out, "\r\x1b") {
		t.Errorf("plain output has control characters: %q", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 3 {
		t.Errorf("want periodic lines, got %q", out)
	}
	if !strings.Contains(lines[len(lines)-1], "100/100 configs (100%)") {
		t.Errorf("last line %q does not show completion", lines[len(lines)-1])
	}
}
