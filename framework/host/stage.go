package host

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/rgml/rgml/framework/fsutil"
)

// staged is a private copy of a plugin binary: the bytes the lock check
// judged are the bytes that run, whatever happens to the plugin's path
// between the check and the exec (a symlink swapped, a file rewritten, a
// script's interpreter re-opening its path).
type staged struct {
	dir    string // private to this copy; removed with it
	path   string // the copy, 0500, named like the plugin
	sha256 string // hex digest of the copy's bytes

	// Copies are shared by the launches of one source file while it
	// stays the same file (src: its identity when copied): copying and
	// hashing a 20 MB plugin took ~35 ms of CPU a launch, and hundreds of
	// launches of the same few binaries made it a second of every quick
	// study. refs counts the launches using the copy (under the cache's
	// mutex); a copy replaced by a newer one is removed when its last
	// launch is done, the rest with the private directory of the host
	// that owns the cache.
	cache    *copies
	src      os.FileInfo
	refs     int
	replaced bool
}

// copies are the private copies of plugin binaries of a host and of the
// hosts derived from it (WithConfig), in the owner's private directory.
type copies struct {
	mu     sync.Mutex
	owner  *Host
	byPath map[string]*staged // plugin path → its latest copy
}

// WithConfig returns a host of configuration cfg (the same plugin
// folder, say, with another environment for its plugins) that shares
// h's private copies of the plugin binaries: they live until h is
// closed. Closing it stops its own plugins only.
func (h *Host) WithConfig(cfg Config) *Host {
	d := New(cfg)
	d.copies = h.copies
	return d
}

// stage returns a private copy of the plugin binary at path, in a folder
// of its own inside the host's private (0700) directory, hashed as it
// was copied, so the digest is that of exactly what will be executed; a
// script keeps working: its interpreter opens the copy. The copy made by
// an earlier launch is reused when path still opens the same file,
// unchanged (same file, size and modification time: a rewritten or
// swapped binary is copied afresh). Either way the lock is checked
// against the digest of the copy that runs.
func (h *Host) stage(path string) (*staged, error) {
	// Opened without blocking: a FIFO in the plugin folder is refused,
	// not waited on.
	src, _, err := fsutil.OpenRegular(path)
	if err != nil {
		return nil, fmt.Errorf("plugin binary: %w", err)
	}
	defer src.Close()
	info, err := src.Stat()
	if err != nil {
		return nil, fmt.Errorf("plugin binary: %w", err)
	}
	c := h.copies
	if s := c.get(path, info); s != nil {
		return s, nil
	}
	s, err := c.owner.copyPlugin(src, path)
	if err != nil {
		return nil, err
	}
	s.cache, s.src, s.refs = c, info, 1
	c.mu.Lock()
	if old := c.byPath[path]; old != nil {
		old.replaced = true
		if old.refs == 0 {
			old.removeNow()
		}
	}
	if c.byPath == nil {
		c.byPath = map[string]*staged{}
	}
	c.byPath[path] = s
	c.mu.Unlock()
	return s, nil
}

// get returns the copy of the file at path, one more launch using it,
// when info is still that file.
func (c *copies) get(path string, info os.FileInfo) *staged {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.byPath[path]
	if s == nil || !os.SameFile(s.src, info) || s.src.Size() != info.Size() || !s.src.ModTime().Equal(info.ModTime()) {
		return nil
	}
	s.refs++
	return s
}

// copyPlugin copies src (the plugin at path) into a new folder of the
// host's private directory, hashing the bytes as they are copied.
func (h *Host) copyPlugin(src *os.File, path string) (*staged, error) {
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
		s.removeNow()
		return nil, fmt.Errorf("copying plugin %s for launch: %w", path, err)
	}
	s.sha256 = hex.EncodeToString(sum.Sum(nil))
	return s, nil
}

// remove says a launch is done with the copy: it is deleted when no
// launch uses it and a newer copy replaced it (a running process keeps
// its image); the host's copies in use go with its private directory.
func (s *staged) remove() {
	if s == nil {
		return
	}
	if s.cache == nil {
		s.removeNow()
		return
	}
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if s.refs--; s.refs == 0 && s.replaced {
		s.removeNow()
	}
}

func (s *staged) removeNow() { os.RemoveAll(s.dir) }
