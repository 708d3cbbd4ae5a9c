package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// termSafe escapes in s what a terminal would obey rather than show:
// control characters but newline and tab (ESC starts a sequence that can
// clear the screen or set the window title, CR overwrites the line, C1
// holds 8-bit CSI), the bidirectional overrides that reorder what is
// shown, and bytes that are not UTF-8. Each becomes its Go escape (\x1b,
// \u202e). Names, labels, parameter keys and error text come from users'
// files and plugins: everything rgml prints passes through it (safeWriter).
func termSafe(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return unsafeRune(r) })
	if i < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[0])
		case unsafeRune(r) && r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[:n])
		}
		s = s[n:]
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return r != '\n' && r != '\t' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r))
}

// safeWriter writes through termSafe. A character split across writes is
// held back until its end arrives; Flush writes what is held (escaped).
type safeWriter struct {
	mu      sync.Mutex
	w       io.Writer
	pending []byte
}

func (s *safeWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	buf := append(s.pending, p...)
	// Hold back an incomplete character at the end (at most 3 bytes).
	keep := 0
	for i := len(buf) - 1; i >= 0 && i >= len(buf)-utf8.UTFMax+1; i-- {
		if utf8.RuneStart(buf[i]) {
			if !utf8.FullRune(buf[i:]) {
				keep = len(buf) - i
			}
			break
		}
	}
	s.pending = append([]byte(nil), buf[len(buf)-keep:]...)
	if _, err := io.WriteString(s.w, termSafe(string(buf[:len(buf)-keep]))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes a character still held back: the output ended inside it.
func (s *safeWriter) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) == 0 {
		return nil
	}
	_, err := io.WriteString(s.w, termSafe(string(s.pending)))
	s.pending = nil
	return err
}
