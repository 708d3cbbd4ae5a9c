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

// Without a terminal a board writes one line per step event, with the
// step's note.
func TestBoardLogLines(t *testing.T) {
	var buf bytes.Buffer
	b := NewBoard(&buf, 3, time.Hour)
	m := b.Start("training r", "epochs", 10)
	m.Add(5)
	m.Note("loss 0.5")
	m.Done()
	b.Start("flow f", "counts", 2).Abort()
	b.Finished("dataset/d", "skipped, exists as d:1")
	b.Close()
	out := buf.String()
	for _, want := range []string{"training r: started (10 epochs)", "training r: done in", "loss 0.5", "flow f: stopped", "dataset/d: skipped, exists as d:1"} {
		if !strings.Contains(out, want) {
			t.Errorf("board output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") || strings.Count(out, "\n") != 5 {
		t.Errorf("want 5 plain lines:\n%q", out)
	}
}
