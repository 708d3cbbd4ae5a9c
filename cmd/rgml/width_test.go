//go:build linux || darwin || freebsd

package main

import (
	"os"
	"testing"

	"github.com/creack/pty"
)

// Tables fit the terminal that stdout is, also through the escaping
// writer every command prints with (and without COLUMNS exported).
func TestTerminalWidthThroughSafeWriter(t *testing.T) {
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptm.Close()
	defer tty.Close()
	if err := pty.Setsize(tty, &pty.Winsize{Cols: 57, Rows: 20}); err != nil {
		t.Skipf("cannot size the pseudo-terminal: %v", err)
	}
	t.Setenv("COLUMNS", "")
	os.Unsetenv("COLUMNS")
	if got := terminalWidth(&safeWriter{w: tty}); got != 57 {
		t.Errorf("width through safeWriter = %d, want 57", got)
	}
}
