//go:build !unix

package progress

import "os"

// hasWidth is true where the window size is not read through an ioctl:
// the console reports its own.
func hasWidth(*os.File) bool { return true }
