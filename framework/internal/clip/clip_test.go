package clip

import (
	"strings"
	"testing"
)

func TestBytes(t *testing.T) {
	if got := Bytes("short", 10); got != "short" {
		t.Errorf("short: %q", got)
	}
	got := Bytes(strings.Repeat("é", 10), 5) // 2 bytes a rune: cut at 4
	if got != "éé…" {
		t.Errorf("cut inside a rune: %q", got)
	}
}
