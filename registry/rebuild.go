package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// maxManifestSize bounds the blobs Rebuild reads in search of manifests;
// manifests are a few KiB, data files are not read whole.
const maxManifestSize = 4 << 20

// RebuildReport says what Rebuild recovered.
type RebuildReport struct {
	Entries int `json:"entries"` // entries recreated from their manifests
	// Removed counts the entries recreated as removed because some of
	// their files are gone (e.g. a removed entry whose manifest gc kept for
	// lineage): their lineage stays readable, they do not resolve.
	Removed int `json:"removed"`
	// Skipped lists the manifests of versions another manifest claims too
	// (an interrupted Put whose version a later Put reused): the newest
	// complete one wins.
	Skipped []string `json:"skipped,omitempty"`
	// OldDatabase is where the lost database file was moved ("" if there
	// was none).
	OldDatabase string `json:"old_database,omitempty"`
}

// Rebuild recreates the database of a store whose registry.db is missing,
// empty, without schema or not an SQLite file at all, from the manifests among its blobs (every entry's
// manifest is a blob and records kind, name, version, creation time, files
// and lineage). Versions, digests, files and lineage come back; "latest"
// points at the newest version again; user tags, the history and the
// removal of entries whose files are still present cannot be recovered. A
// store whose database has a schema is refused: Rebuild repairs only a lost
// database, and changes nothing if it finds no manifest. The broken database
// file, if any, is kept next to it as registry.db.lost-TIME. It stops, with
// nothing changed, if ctx ends while it waits for the store lock (a GC or
// a writer of another process) or looks for manifests.
func Rebuild(ctx context.Context, root string) (RebuildReport, error) {
	var rep RebuildReport
	if IsURL(root) {
		return rep, fmt.Errorf("registry: rebuild: %w: %s: rebuild recreates the SQLite database of a directory registry; rebuild one from the blobs, then copy it with `rgml registry migrate --to`", ErrBadLocation, redact(root))
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return rep, fmt.Errorf("registry: rebuild %s: %w", root, err)
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return rep, fmt.Errorf("registry: rebuild: %w at %s", ErrNoRegistry, abs)
	}
	dbPath := filepath.Join(abs, DBFile)
	marker := filepath.Join(abs, RebuildMarker)
	_, err = os.Stat(marker)
	interrupted := err == nil // the database is a rebuild's that did not finish
	if fi, err := os.Stat(dbPath); err == nil && fi.Size() > 0 && !interrupted {
		v, err := schemaVersion(abs, dbPath)
		if err != nil && !errors.Is(err, ErrNoDatabase) { // e.g. not an SQLite file: lost too
			return rep, err
		}
		if v > 0 {
			return rep, fmt.Errorf("registry: rebuild %s: %s has a schema; rebuild only replaces a lost database (run verify to check this one)", abs, DBFile)
		}
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return rep, fmt.Errorf("registry: rebuild %s: %w", abs, err)
	}
	manifests, err := findManifests(ctx, abs)
	if err != nil {
		return rep, err
	}
	if len(manifests) == 0 {
		return rep, fmt.Errorf("registry: rebuild %s: %w: no manifest among the blobs; nothing to rebuild", abs, ErrNotFound)
	}
	// Locked before anything is written: a database created and then
	// abandoned while waiting would have a schema, which a second
	// rebuild refuses.
	unlock, err := (&Store{root: abs}).lock(ctx, true)
	if err != nil {
		return rep, err
	}
	defer unlock()

	// The marker stays until every entry is in: a rebuild killed half
	// way leaves a database with a schema and some entries or none,
	// which stores refuse to open (gc would have deleted the rest's
	// blobs) and the next Rebuild replaces.
	if !interrupted {
		if err := writeMarker(marker); err != nil {
			return rep, fmt.Errorf("registry: rebuild %s: %w", abs, err)
		}
	}
	if _, err := os.Stat(dbPath); err == nil {
		rep.OldDatabase = unusedName(dbPath + ".lost-" + timestampNow())
		if err := os.Rename(dbPath, rep.OldDatabase); err != nil {
			if !interrupted {
				os.Remove(marker) // nothing changed
			}
			return RebuildReport{}, fmt.Errorf("registry: rebuild %s: %w", abs, err)
		}
		for _, suffix := range dbCompanions {
			os.Rename(dbPath+suffix, rep.OldDatabase+suffix)
		}
	}
	// A failure puts back what there was (and the marker as it was), so
	// that Rebuild can run again.
	undo := func() {
		for _, suffix := range append([]string{""}, dbCompanions...) {
			os.Remove(dbPath + suffix)
		}
		if rep.OldDatabase != "" {
			for _, suffix := range append([]string{""}, dbCompanions...) {
				os.Rename(rep.OldDatabase+suffix, dbPath+suffix)
			}
			rep.OldDatabase = ""
		}
		if !interrupted {
			os.Remove(marker)
		}
		syncDir(abs)
	}
	s, err := open(abs, false, true)
	if err != nil {
		undo()
		return rep, err
	}
	err = rebuildFault()
	if err == nil {
		err = s.insertManifests(ctx, manifests, &rep)
	}
	s.Close()
	if err != nil {
		undo()
		return RebuildReport{}, err
	}
	if err := os.Remove(marker); err != nil {
		return rep, fmt.Errorf("registry: rebuild %s: %w", abs, err)
	}
	syncDir(abs)
	return rep, nil
}

// rebuildFault lets a test fail a rebuild after it has moved the old
// database aside and created the new one.
var rebuildFault = func() error { return nil }

// unusedName is path, or path-2, path-3, … if path exists: a rebuild run
// again within the second must not replace the database the first set
// aside.
func unusedName(path string) string {
	name := path
	for i := 2; ; i++ {
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			return name
		}
		name = fmt.Sprintf("%s-%d", path, i)
	}
}

// RebuildMarker is the file that says a Rebuild of the store has begun and
// not finished: its database then holds only some entries, or none.
const RebuildMarker = "registry.db.rebuilding"

// dbCompanions are the suffixes of SQLite's files beside the database.
var dbCompanions = []string{"-wal", "-shm", "-journal"}

// writeMarker creates the rebuild marker durably.
func writeMarker(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

func timestampNow() string { return time.Now().UTC().Format("20060102T150405Z") }

// found is a manifest blob with its digest.
type found struct {
	hex string
	m   Manifest
}

// findManifests reads every blob small enough to be a manifest and keeps
// those that decode as one and hash to their names.
func findManifests(ctx context.Context, root string) ([]found, error) {
	var out []found
	base := filepath.Join(root, BlobDir, "sha256")
	shards, err := os.ReadDir(base)
	if err != nil {
		return nil, fmt.Errorf("registry: rebuild %s: %w", root, err)
	}
	for _, sh := range shards {
		files, _ := os.ReadDir(filepath.Join(base, sh.Name()))
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("registry: rebuild %s: %w", root, err)
			}
			name := f.Name()
			info, err := f.Info()
			if err != nil || len(name) != 64 || !isHex(name) || !info.Mode().IsRegular() {
				continue
			}
			m, ok := readManifestBlob(filepath.Join(base, sh.Name(), name), name, info.Size())
			if !ok {
				continue
			}
			out = append(out, found{name, m})
		}
	}
	return out, nil
}

// readManifestBlob reads the blob at path, named hexName and of size
// bytes, as an entry's manifest: ok when it is small enough to be one,
// hashes to its name (a damaged one is verify's to report) and decodes as
// a manifest.
func readManifestBlob(path, hexName string, size int64) (m Manifest, ok bool) {
	if size > maxManifestSize {
		return m, false
	}
	// Most blobs are data files (.npz: "PK"): one byte tells, and gc,
	// which asks of every unreferenced blob while it holds the store
	// lock, reads no more of them.
	f, _, err := openRegular(path)
	if err != nil {
		return m, false
	}
	var first [1]byte
	_, err = io.ReadFull(f, first[:])
	f.Close()
	if err != nil || first[0] != '{' {
		return m, false
	}
	data, err := readRegular(path, maxManifestSize)
	if err != nil {
		return m, false
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != hexName {
		return m, false
	}
	if json.Unmarshal(data, &m) != nil || m.Format != ManifestFormat || !m.Kind.Valid() ||
		ValidateName(m.Name) != nil || m.Version < 1 || m.Created.IsZero() {
		return m, false
	}
	return m, true
}

func (s *Store) insertManifests(ctx context.Context, ms []found, rep *RebuildReport) error {
	// One manifest per version: the newest complete one.
	complete := func(f found) bool {
		for _, r := range f.m.Files {
			h, err := normalizeDigest(r.Digest)
			if err != nil {
				return false
			}
			if _, err := os.Stat(s.blobPath(h)); err != nil {
				return false
			}
		}
		return true
	}
	slices.SortFunc(ms, func(a, b found) int {
		if c := strings.Compare(fmt.Sprintf("%s/%s/%09d", a.m.Kind, a.m.Name, a.m.Version),
			fmt.Sprintf("%s/%s/%09d", b.m.Kind, b.m.Name, b.m.Version)); c != 0 {
			return c
		}
		if ca, cb := complete(a), complete(b); ca != cb {
			if ca {
				return -1
			}
			return 1
		}
		return b.m.Created.Compare(a.m.Created)
	})
	var keep []found
	for i, f := range ms {
		if i > 0 && ms[i-1].m.Kind == f.m.Kind && ms[i-1].m.Name == f.m.Name && ms[i-1].m.Version == f.m.Version {
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s %s:%d (%s%s)", f.m.Kind, f.m.Name, f.m.Version, DigestPrefix, f.hex[:12]))
			continue
		}
		keep = append(keep, f)
	}

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("registry: rebuild: %w", err)
	}
	defer tx.Rollback()
	now := fmtTime(s.timestamp())
	for _, f := range keep {
		m := f.m
		var size int64
		for _, r := range m.Files {
			size += r.Size
		}
		var removed any
		if !complete(f) {
			removed = now
			rep.Removed++
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO entries (kind, name, version, digest, created, size, removed, key) VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''))`,
			m.Kind, m.Name, m.Version, f.hex, fmtTime(m.Created), size, removed, strings.ToLower(m.Lineage.Key))
		if err != nil {
			return fmt.Errorf("registry: rebuild: %s %s:%d: %w", m.Kind, m.Name, m.Version, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("registry: rebuild: %w", err)
		}
		for i, r := range m.Files {
			if _, err := tx.ExecContext(ctx, `INSERT INTO files (entry_id, pos, name, digest, size) VALUES (?, ?, ?, ?, ?)`,
				id, i, r.Name, strings.TrimPrefix(r.Digest, DigestPrefix), r.Size); err != nil {
				return fmt.Errorf("registry: rebuild: %s %s:%d: %w", m.Kind, m.Name, m.Version, err)
			}
		}
		links := []struct {
			role    string
			targets []string
		}{{"dataset", m.Lineage.Datasets}, {"parent", nil}}
		if m.Lineage.Parent != "" {
			links[1].targets = []string{m.Lineage.Parent}
		}
		for _, l := range links {
			for i, d := range l.targets {
				h, err := normalizeDigest(d)
				if err != nil {
					return fmt.Errorf("registry: rebuild: %s %s:%d: lineage: %w", m.Kind, m.Name, m.Version, err)
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO links (entry_id, role, pos, target) VALUES (?, ?, ?, ?)`, id, l.role, i, h); err != nil {
					return fmt.Errorf("registry: rebuild: %w", err)
				}
			}
		}
		for i, in := range m.Lineage.Inputs {
			h, err := normalizeDigest(in.Digest)
			if err != nil {
				return fmt.Errorf("registry: rebuild: %s %s:%d: lineage: %w", m.Kind, m.Name, m.Version, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO links (entry_id, role, pos, target, label) VALUES (?, 'input', ?, ?, ?)`, id, i, h, in.Role); err != nil {
				return fmt.Errorf("registry: rebuild: %w", err)
			}
		}
		if err := logHistory(ctx, tx, now, "rebuild", m.Kind, m.Name, m.Version, "", f.hex); err != nil {
			return fmt.Errorf("registry: rebuild: %w", err)
		}
		rep.Entries++
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO aliases (kind, name, alias, entry_id, moved)
		SELECT kind, name, 'latest', id, ? FROM entries e WHERE removed IS NULL AND version =
			(SELECT MAX(version) FROM entries WHERE kind = e.kind AND name = e.name AND removed IS NULL)`, now); err != nil {
		return fmt.Errorf("registry: rebuild: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("registry: rebuild: %w", err)
	}
	return nil
}
