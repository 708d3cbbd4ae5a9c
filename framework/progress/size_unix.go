//go:build unix

package progress

import (
	"os"

	"golang.org/x/sys/unix"
)

// hasWidth reports whether the terminal f says how many columns it has:
// one without a window size (`script -q -c …` makes one) reports 0, and a
// bar drawn to fit 0 columns is nothing.
func hasWidth(f *os.File) bool {
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	return err == nil && ws.Col > 0
}
