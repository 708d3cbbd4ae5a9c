package registry

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// openRegular opens path for reading and refuses anything but a regular
// file, with an *fs.PathError whose Err says what the path is instead. A
// blob replaced by a named pipe would block the open (and the read) until
// a writer came, one replaced by a device such as /dev/zero would never
// end: the open is non-blocking so that a FIFO is seen for what it is,
// and O_NONBLOCK has no effect on a regular file (POSIX). registry
// imports nothing of the framework, hence its own fsutil.OpenRegular.
func openRegular(path string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, &fs.PathError{Op: "open", Path: path, Err: fmt.Errorf("is %s, %w", kindOfMode(fi.Mode()), errNotRegular)}
	}
	return f, fi, nil
}

var errNotRegular = errors.New("not a regular file")

// maxManifestRead bounds the manifests that are read: a manifest is a few
// KiB, and a blob in its place that is larger is damage, not a manifest.
const maxManifestRead = 64 << 20

func kindOfMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file (" + m.Type().String() + ")"
}

// readRegular reads the regular file at path (see openRegular) if it holds
// at most max bytes; the read is bounded too, so a file growing meanwhile
// cannot take more memory.
func readRegular(path string, max int64) ([]byte, error) {
	f, fi, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() > max {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("is %d bytes, more than the limit of %d", fi.Size(), max)}
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("grew past the limit of %d bytes while being read", max)}
	}
	return b, nil
}
