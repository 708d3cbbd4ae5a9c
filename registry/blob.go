package registry

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

const copyBufSize = 1 << 20

func (s *Store) blobRoot() string { return filepath.Join(s.blobs, "sha256") }
func (s *Store) tmpDir() string   { return filepath.Join(s.blobs, tmpDirName) }

// blobPath returns the path of the blob with the given 64-hex digest. The
// caller must have validated h (normalizeDigest); it never contains a
// separator.
func (s *Store) blobPath(h string) string {
	return filepath.Join(s.blobRoot(), h[:2], h)
}

// BlobPath returns the file holding the blob with the given digest
// ("sha256:HEX" or HEX). The file is read-only; never modify it.
func (s *Store) BlobPath(digest string) (string, error) {
	h, err := normalizeDigest(digest)
	if err != nil {
		return "", fmt.Errorf("registry: %w", err)
	}
	return s.blobPath(h), nil
}

// ctxReader stops a copy when the context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// writeBlob streams r into a temp file under blobs/tmp while hashing it,
// fsyncs it, makes it read-only, renames it to blobs/sha256/ab/<hex> and
// fsyncs the directory. If the blob already exists it is replaced by the
// fresh copy (same bytes by construction), which also repairs a damaged one.
func (s *Store) writeBlob(ctx context.Context, r io.Reader) (h string, n int64, err error) {
	f, err := os.CreateTemp(s.tmpDir(), "put-*.tmp")
	if err != nil {
		return "", 0, fmt.Errorf("registry: write blob: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	sum := sha256.New()
	buf := make([]byte, copyBufSize)
	n, err = io.CopyBuffer(io.MultiWriter(f, sum), ctxReader{ctx, r}, buf)
	if err != nil {
		return "", 0, fmt.Errorf("registry: write blob: %w", err)
	}
	if err = f.Sync(); err != nil {
		return "", 0, fmt.Errorf("registry: write blob: fsync: %w", err)
	}
	if err = f.Chmod(0o444); err != nil {
		return "", 0, fmt.Errorf("registry: write blob: %w", err)
	}
	if err = f.Close(); err != nil {
		return "", 0, fmt.Errorf("registry: write blob: %w", err)
	}
	h = hex.EncodeToString(sum.Sum(nil))
	dir := filepath.Join(s.blobRoot(), h[:2])
	if err = ensureDir(dir); err != nil {
		return "", 0, fmt.Errorf("registry: write blob: %w", err)
	}
	if err = os.Rename(tmp, s.blobPath(h)); err != nil {
		return "", 0, fmt.Errorf("registry: write blob: %w", err)
	}
	if err = syncDir(dir); err != nil {
		return "", 0, fmt.Errorf("registry: write blob: fsync dir: %w", err)
	}
	return h, n, nil
}

// ensureDir creates dir (one level) if needed and makes the creation durable.
func ensureDir(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(filepath.Dir(dir))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// hashFile returns the hex sha256 and size of a regular file's contents,
// streamed: a blob may be larger than memory.
func hashFile(path string) (string, int64, error) {
	f, _, err := openRegular(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	sum := sha256.New()
	n, err := io.CopyBuffer(sum, f, make([]byte, copyBufSize))
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(sum.Sum(nil)), n, nil
}

// fileDigest finds the blob digest and expected size of a file of e
// (size -1 for the manifest, whose size the database does not keep).
func fileDigest(e Entry, name string) (h string, size int64, err error) {
	d, size := "", int64(-1)
	if name == ManifestFile {
		d = e.Digest
	} else if f, ok := e.File(name); ok {
		d, size = f.Digest, f.Size
	} else {
		names := make([]string, 0, len(e.Files)+1)
		for _, f := range e.Files {
			names = append(names, f.Name)
		}
		names = append(names, ManifestFile)
		return "", 0, fmt.Errorf("registry: %w: %s has no file %q (it has %q)", ErrNotFound, e, name, names)
	}
	h, err = normalizeDigest(d)
	if err != nil {
		return "", 0, fmt.Errorf("registry: %s: file %q: %w", e, name, err)
	}
	return h, size, nil
}

// ReadFile returns the bytes of the named file of e (ManifestFile for the
// manifest). It re-hashes them and fails with ErrCorrupt, naming the entry and
// the file, if the blob is missing or its bytes do not match the digest: it
// never returns wrong bytes.
func (s *Store) ReadFile(e Entry, name string) ([]byte, error) {
	h, size, err := fileDigest(e, name)
	if err != nil {
		return nil, err
	}
	path := s.blobPath(h)
	f, fi, err := openRegular(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if removed, ok := s.removedAt(e); ok {
				return nil, fmt.Errorf("registry: %w: %s was removed from %s on %s and its files garbage-collected", ErrNotFound, e, s.root, removed.Format(timeFormat))
			}
			return nil, fmt.Errorf("registry: %w: %s: file %q: blob %s%s is missing (%s); run verify", ErrCorrupt, e, name, DigestPrefix, h, path)
		}
		if errors.Is(err, errNotRegular) {
			return nil, fmt.Errorf("registry: %w: %s: file %q: %v; run verify", ErrCorrupt, e, name, err)
		}
		return nil, fmt.Errorf("registry: %s: file %q: %w", e, name, err)
	}
	defer f.Close()
	// The size is checked before reading, so a damaged blob cannot take
	// more memory than the entry says its file needs.
	limit := size
	if size < 0 {
		limit = maxManifestRead
		if fi.Size() > limit {
			return nil, fmt.Errorf("registry: %w: %s: file %q: blob %s has %d bytes, more than a manifest may have (%d); run verify", ErrCorrupt, e, name, path, fi.Size(), limit)
		}
	} else if fi.Size() != size {
		return nil, fmt.Errorf("registry: %w: %s: file %q: blob %s has %d bytes, the entry records %d", ErrCorrupt, e, name, path, fi.Size(), size)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("registry: %s: file %q: %w", e, name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("registry: %w: %s: file %q: blob %s grew past %d bytes while being read", ErrCorrupt, e, name, path, limit)
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != h {
		return nil, fmt.Errorf("registry: %w: %s: file %q: blob %s has sha256 %s, expected %s; the stored bytes are damaged, run verify",
			ErrCorrupt, e, name, path, got, h)
	}
	if size >= 0 && int64(len(data)) != size {
		return nil, fmt.Errorf("registry: %w: %s: file %q: blob %s has %d bytes, the entry records %d", ErrCorrupt, e, name, path, len(data), size)
	}
	return data, nil
}

// Manifest reads, verifies and decodes the manifest of e.
func (s *Store) Manifest(e Entry) (Manifest, error) {
	data, err := s.ReadFile(e, ManifestFile)
	if err != nil {
		return Manifest{}, err
	}
	var m Manifest
	if err := decodeManifest(data, &m); err != nil {
		return Manifest{}, fmt.Errorf("registry: %w: %s: manifest does not decode: %v", ErrCorrupt, e, err)
	}
	return m, nil
}

// removedAt reports whether the entry with e's digest has been removed.
func (s *Store) removedAt(e Entry) (time.Time, bool) {
	h, err := normalizeDigest(e.Digest)
	if err != nil {
		return time.Time{}, false
	}
	var removed sql.NullString
	if s.db.QueryRow(`SELECT removed FROM entries WHERE digest = ?`, h).Scan(&removed) != nil || !removed.Valid {
		return time.Time{}, false
	}
	t, err := parseTime(removed.String)
	return t, err == nil
}
