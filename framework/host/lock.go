package host

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/rgml/rgml/framework/fsutil"
)

// LockFileName is the lock file's name inside the plugin directory.
const LockFileName = "rgml-plugins.lock"

// Lock maps plugin names to the sha256 of the binary the user approved.
type Lock struct {
	Version int               `json:"version"`
	Plugins map[string]string `json:"plugins"`
}

// maxLockSize bounds the lock file read: it holds one sha256 per plugin,
// a few KiB; anything larger is not a lock file.
const maxLockSize = 1 << 20

// ReadLock reads the lock file at path. A missing file is an empty lock;
// one that is not a regular file (a FIFO would block, a device never
// end) or is larger than maxLockSize is refused.
func ReadLock(path string) (Lock, error) {
	b, err := fsutil.ReadRegular(path, maxLockSize)
	if errors.Is(err, os.ErrNotExist) {
		return Lock{Version: 1, Plugins: map[string]string{}}, nil
	}
	if err != nil {
		return Lock{}, fmt.Errorf("lock file: %w: replace it with a regular file, or delete it and run `rgml plugins lock`", err)
	}
	var l Lock
	if err := json.Unmarshal(b, &l); err != nil {
		return Lock{}, fmt.Errorf("lock file %s is corrupt (%v): delete it and run `rgml plugins lock`", path, err)
	}
	if l.Version != 1 {
		return Lock{}, fmt.Errorf("lock file %s has version %d; this rgml reads version 1", path, l.Version)
	}
	if l.Plugins == nil {
		l.Plugins = map[string]string{}
	}
	return l, nil
}

// WriteLock writes l to path atomically.
func WriteLock(path string, l Lock) error {
	l.Version = 1
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".lock-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// CreateTemp makes the file 0600; every user who runs these plugins
	// must be able to read what vouches for them.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// LockError is the refusal to launch a binary the lock file does not vouch
// for: one that is not in it (Locked empty) or whose checksum changed.
type LockError struct {
	Plugin, Path, LockPath string
	SHA256                 string // of the binary found
	Locked                 string // the checksum in the lock file, if any
	NoLockFile             bool   // the lock file does not exist
}

func (e *LockError) Error() string {
	switch {
	case e.Locked != "":
		return fmt.Sprintf("plugin %q: binary %s changed since it was locked (sha256 %s…, locked %s…), so it is not run: if you rebuilt it on purpose, run `rgml plugins lock %s`",
			e.Plugin, e.Path, e.SHA256[:min(12, len(e.SHA256))], e.Locked[:min(12, len(e.Locked))], e.Plugin)
	case e.NoLockFile:
		return fmt.Sprintf("plugin %q: there is no lock file %s, so %s is not run: if you trust the plugins there, run `rgml plugins lock`",
			e.Plugin, e.LockPath, e.Path)
	default:
		return fmt.Sprintf("plugin %q: binary %s is not in the lock file %s, so it is not run: if you trust it, run `rgml plugins lock %s`",
			e.Plugin, e.Path, e.LockPath, e.Plugin)
	}
}

// Status of a plugin binary against the lock file.
type Status string

const (
	StatusOK       Status = "ok"       // locked, checksum matches
	StatusUnlocked Status = "unlocked" // not in the lock file: refused (unless AllowUnlocked)
	StatusChanged  Status = "changed"  // checksum differs from the lock: refused
	StatusMissing  Status = "missing"  // in the lock file, binary gone
)

// Entry is one row of a plugin listing.
type Entry struct {
	Binary
	SHA256 string
	Status Status
}

// Check compares the binaries against the lock and lists every plugin,
// including locked ones whose binary is missing.
func Check(bins []Binary, l Lock) ([]Entry, error) {
	var out []Entry
	seen := map[string]bool{}
	for _, b := range bins {
		sum, err := FileSHA256(b.Path)
		if err != nil {
			return nil, err
		}
		e := Entry{Binary: b, SHA256: sum, Status: StatusUnlocked}
		if want, ok := l.Plugins[b.Name]; ok {
			e.Status = StatusOK
			if want != sum {
				e.Status = StatusChanged
			}
		}
		seen[b.Name] = true
		out = append(out, e)
	}
	for name, sum := range l.Plugins {
		if !seen[name] {
			out = append(out, Entry{Binary: Binary{Name: name}, SHA256: sum, Status: StatusMissing})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
