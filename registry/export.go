package registry

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Export writes the files of e and its manifest.json as plain, writable files
// into dir (created if needed), so they can be used without rgml, e.g. with
// numpy.load. Everything is first written into a temporary folder next to
// (or, for an existing dir, inside) dir and every byte verified against its
// digest; only then do the files appear under their final names, so an
// export that fails (ErrCorrupt, a full disk) leaves nothing behind. A file
// already in dir with the same content is left as is; one with different
// content makes Export fail, before anything is written, with an error
// wrapping fs.ErrExist; a dir that is a file, with one wrapping
// syscall.ENOTDIR.
func (s *Store) Export(e Entry, dir string) (err error) {
	type item struct {
		name, hash string
		size       int64
		skip       bool
	}
	var items []item
	for _, name := range append(fileNames(e), ManifestFile) {
		if err := validate("file name", name); err != nil {
			return err
		}
		h, size, err := fileDigest(e, name)
		if err != nil {
			return err
		}
		items = append(items, item{name: name, hash: h, size: size})
	}
	dir = filepath.Clean(dir)
	fi, statErr := os.Stat(dir)
	existed := statErr == nil
	switch {
	case existed && !fi.IsDir():
		return fmt.Errorf("registry: export %s: %s: %w", e, dir, syscall.ENOTDIR)
	case statErr != nil && !errors.Is(statErr, fs.ErrNotExist):
		return fmt.Errorf("registry: export %s: %w", e, statErr)
	}
	if existed {
		for i, it := range items {
			target := filepath.Join(dir, it.name)
			got, _, err := hashFile(target)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return fmt.Errorf("registry: export %s: %w", e, err)
			}
			if got != it.hash {
				return fmt.Errorf("registry: export %s: %s: %w with different content; remove it or export elsewhere", e, target, fs.ErrExist)
			}
			items[i].skip = true
		}
	}

	// Stage everything, then move it into place.
	var stage, madeTop string
	if existed {
		stage, err = os.MkdirTemp(dir, ".rgml-export-*")
	} else {
		parent := filepath.Dir(dir)
		if madeTop, err = mkdirAll(parent); err != nil {
			return fmt.Errorf("registry: export %s: %w", e, err)
		}
		stage, err = os.MkdirTemp(parent, "."+filepath.Base(dir)+".rgml-export-*")
	}
	if err != nil {
		return fmt.Errorf("registry: export %s: %w", e, err)
	}
	defer func() {
		os.RemoveAll(stage) // gone after a successful rename of the whole folder
		if err != nil && madeTop != "" {
			os.RemoveAll(madeTop)
		}
	}()
	for _, it := range items {
		if it.skip {
			continue
		}
		if err := s.exportFile(e, it.name, it.hash, it.size, filepath.Join(stage, it.name)); err != nil {
			return err
		}
	}
	if err := syncDir(stage); err != nil {
		return fmt.Errorf("registry: export %s: %w", e, err)
	}
	if !existed {
		if err := os.Chmod(stage, 0o755); err != nil {
			return fmt.Errorf("registry: export %s: %w", e, err)
		}
		if err := os.Rename(stage, dir); err != nil {
			return fmt.Errorf("registry: export %s: %w", e, err)
		}
		return syncDir(filepath.Dir(dir))
	}
	for _, it := range items {
		if it.skip {
			continue
		}
		if err := os.Rename(filepath.Join(stage, it.name), filepath.Join(dir, it.name)); err != nil {
			return fmt.Errorf("registry: export %s: %w", e, err)
		}
	}
	return syncDir(dir)
}

// mkdirAll is os.MkdirAll that returns the topmost directory it created
// ("" if dir existed), so a failed export can remove what it made.
func mkdirAll(dir string) (top string, err error) {
	for d := dir; ; {
		if _, err := os.Stat(d); err == nil {
			break
		}
		top = d
		p := filepath.Dir(d)
		if p == d {
			break
		}
		d = p
	}
	if top == "" {
		return "", nil
	}
	return top, os.MkdirAll(dir, 0o755)
}

func fileNames(e Entry) []string {
	names := make([]string, len(e.Files))
	for i, f := range e.Files {
		names[i] = f.Name
	}
	return names
}

func (s *Store) exportFile(e Entry, name, h string, size int64, target string) (err error) {
	src, _, err := openRegular(s.blobPath(h))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if removed, ok := s.removedAt(e); ok {
				return fmt.Errorf("registry: %w: %s was removed from %s on %s and its files garbage-collected", ErrNotFound, e, s.root, removed.Format(timeFormat))
			}
			return fmt.Errorf("registry: %w: %s: file %q: blob %s%s is missing; run verify", ErrCorrupt, e, name, DigestPrefix, h)
		}
		return fmt.Errorf("registry: export %s: file %q: %w", e, name, err)
	}
	defer src.Close()
	tmp, err := os.CreateTemp(filepath.Dir(target), ".rgml-export-*")
	if err != nil {
		return fmt.Errorf("registry: export %s: %w", e, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	sum := sha256.New()
	n, err := io.CopyBuffer(io.MultiWriter(tmp, sum), src, make([]byte, copyBufSize))
	if err != nil {
		return fmt.Errorf("registry: export %s: file %q: %w", e, name, err)
	}
	if got := hex.EncodeToString(sum.Sum(nil)); got != h || size >= 0 && n != size {
		return fmt.Errorf("registry: %w: %s: file %q: blob %s has sha256 %s (%d bytes), expected %s; nothing was exported for it, run verify",
			ErrCorrupt, e, name, s.blobPath(h), got, n, h)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("registry: export %s: %w", e, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("registry: export %s: %w", e, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("registry: export %s: %w", e, err)
	}
	if err = os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("registry: export %s: %w", e, err)
	}
	return nil
}
