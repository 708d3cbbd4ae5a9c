package fsutil

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// OpenRegular opens path for reading and refuses anything but a regular
// file (an *fs.PathError whose Err says what the path is instead): a named pipe would block the open (and then the read) until a
// writer comes, and a device such as /dev/zero never ends. The open is
// non-blocking so that a FIFO is seen for what it is instead of waiting;
// on a regular file O_NONBLOCK has no effect (POSIX), so reads of the
// returned file behave as usual.
func OpenRegular(path string) (*os.File, fs.FileInfo, error) {
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
		return nil, nil, &fs.PathError{Op: "open", Path: path, Err: fmt.Errorf("is %s, not a regular file", kindOfMode(fi.Mode()))}
	}
	return f, fi, nil
}

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

// ReadRegular reads the regular file at path (see OpenRegular) if it holds
// at most max bytes. The size is checked before reading, and the read is
// bounded too, so a file that grows meanwhile cannot take more memory.
func ReadRegular(path string, max int64) ([]byte, error) {
	f, fi, err := OpenRegular(path)
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
