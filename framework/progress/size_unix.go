//go:build unix

package progress

import (
	"os"

	"golang.org/x/sys/unix"
)

// width is the number of columns of the terminal f: 0 for one without a
// window size (`script -q -c …` makes one), where a bar drawn to fit is
// nothing.
func width(f *os.File) int {
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}
