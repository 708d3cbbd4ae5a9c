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
)

// Export writes the files of e and its manifest.json as plain, writable files
// into dir (created if needed), so they can be used without rgml, e.g. with
// numpy.load. Every byte is verified against its digest before the file
// appears under its final name (ErrCorrupt otherwise). A file already in dir
// with the same content is left as is; one with different content makes
// Export fail, before anything is written, with an error wrapping
// fs.ErrExist.
func (s *Store) Export(e Entry, dir string) error {
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
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("registry: export %s: %w", e, err)
	}
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
	for _, it := range items {
		if it.skip {
			continue
		}
		if err := s.exportFile(e, it.name, it.hash, it.size, filepath.Join(dir, it.name)); err != nil {
			return err
		}
	}
	return syncDir(dir)
}

func fileNames(e Entry) []string {
	names := make([]string, len(e.Files))
	for i, f := range e.Files {
		names[i] = f.Name
	}
	return names
}

func (s *Store) exportFile(e Entry, name, h string, size int64, target string) (err error) {
	src, err := os.Open(s.blobPath(h))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if removed, ok := s.removedAt(e); ok {
				return fmt.Errorf("registry: %w: %s was removed on %s and its files garbage-collected", ErrNotFound, e, removed.Format(timeFormat))
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
