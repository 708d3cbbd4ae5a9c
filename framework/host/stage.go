package host

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"github.com/rgml/rgml/framework/fsutil"
)

// staged is a private copy of a plugin binary: the bytes the lock check
// judged are the bytes that run, whatever happens to the plugin's path
// between the check and the exec (a symlink swapped, a file rewritten, a
// script's interpreter re-opening its path).
type staged struct {
	dir    string // private to this launch; removed with the copy
	path   string // the copy, 0500, named like the plugin
	sha256 string // hex digest of the copy's bytes
}

// stage copies the plugin binary at path into a folder of its own inside
// the host's private (0700) directory, hashing the bytes as they are
// copied, so the digest is that of exactly what will be executed. A
// script keeps working: its interpreter opens the copy.
func (h *Host) stage(path string) (*staged, error) {
	// Opened without blocking: a FIFO in the plugin folder is refused,
	// not waited on.
	src, _, err := fsutil.OpenRegular(path)
	if err != nil {
		return nil, fmt.Errorf("plugin binary: %w", err)
	}
	defer src.Close()
	base, err := h.socketDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(base, "exe-")
	if err != nil {
		return nil, fmt.Errorf("copying plugin %s for launch: %w", path, err)
	}
	s := &staged{dir: dir, path: filepath.Join(dir, filepath.Base(path))}
	sum := sha256.New()
	// A fork elsewhere in the host while the copy is open for writing
	// would hand the child that descriptor until it execs, and exec of
	// the copy would fail with ETXTBSY: no fork may happen meanwhile.
	syscall.ForkLock.RLock()
	dst, err := os.OpenFile(s.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o500)
	if err == nil {
		_, err = io.Copy(io.MultiWriter(dst, sum), src)
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		s.remove()
		return nil, fmt.Errorf("copying plugin %s for launch: %w", path, err)
	}
	s.sha256 = hex.EncodeToString(sum.Sum(nil))
	return s, nil
}

// remove deletes the copy (a running process keeps its image).
func (s *staged) remove() {
	if s != nil {
		os.RemoveAll(s.dir)
	}
}
