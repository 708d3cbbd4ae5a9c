package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// ProblemKind classifies what Verify found.
type ProblemKind string

const (
	// ProblemMissing: a blob referenced by a live entry does not exist.
	ProblemMissing ProblemKind = "missing"
	// ProblemCorrupt: a blob's bytes do not hash to its name.
	ProblemCorrupt ProblemKind = "corrupt"
	// ProblemUnreadable: a blob could not be read (permissions, I/O error).
	ProblemUnreadable ProblemKind = "unreadable"
	// ProblemManifest: an entry's manifest disagrees with the database.
	ProblemManifest ProblemKind = "manifest"
	// ProblemStray: a file in the blob tree that is not named like a blob.
	ProblemStray ProblemKind = "stray"
	// ProblemDatabase: SQLite's integrity check failed.
	ProblemDatabase ProblemKind = "database"
	// ProblemLineage: a live entry's lineage names an entry that is not in
	// the database, or one whose manifest is missing or damaged.
	ProblemLineage ProblemKind = "lineage"
)

// UnknownManifestHint says what to do about GCReport.Unknown.
const UnknownManifestHint = "kept with their files: a write killed before it registered leaves one (harmless; it goes once its version is written again), and so does a database restored from a backup older than its entries, whose entries, after such a restore only, come back if you move registry.db aside and run `rgml registry rebuild` (tags and history are not recovered)"

// BlobUse is one reference to a blob: file File of an entry.
type BlobUse struct {
	Kind    Kind   `json:"kind"`
	Name    string `json:"name"`
	Version int    `json:"version"`
	Digest  string `json:"digest"` // of the entry
	File    string `json:"file"`   // e.g. "weights.npz" or "manifest.json"
}

func (u BlobUse) String() string {
	return fmt.Sprintf("%s %s:%d file %s", u.Kind, u.Name, u.Version, u.File)
}

// Problem is one defect found by Verify.
type Problem struct {
	Kind   ProblemKind `json:"kind"`
	Blob   string      `json:"blob,omitempty"` // "sha256:..." of the blob concerned
	Path   string      `json:"path,omitempty"` // file on disk
	Detail string      `json:"detail"`
	// Used lists the live entries (and their file names) that reference
	// the blob, i.e. what is damaged. Empty for an unreferenced blob.
	Used []BlobUse `json:"used,omitempty"`
}

func (p Problem) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", p.Kind, p.Detail)
	if p.Path != "" {
		fmt.Fprintf(&b, " [%s]", p.Path)
	}
	for i, u := range p.Used {
		if i == 0 {
			b.WriteString("; used by ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(u.String())
	}
	return b.String()
}

// Verify checks the whole store and returns every problem found (nil when
// the store is sound): it runs SQLite's integrity check, re-hashes every
// blob, reports blobs referenced by live entries that are missing, checks
// every live entry's manifest against the database, and checks that every
// lineage reference of a live entry (datasets, parent, inputs, and theirs in turn)
// names an entry of the database whose manifest is sound. The error is for
// failures to run the check (or ctx being done), not for problems found.
func (s *Store) Verify(ctx context.Context) ([]Problem, error) {
	unlock, err := s.lock(ctx, false) // keep GC out while we look
	if err != nil {
		return nil, err
	}
	defer unlock()

	var problems []Problem
	check := `PRAGMA quick_check`
	if s.pg {
		check = `SELECT 'ok'` // the server checks its own pages (data checksums, amcheck)
	}
	rows, err := s.db.QueryContext(ctx, check)
	if err != nil {
		return nil, fmt.Errorf("registry: verify: %w", err)
	}
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			rows.Close()
			return nil, fmt.Errorf("registry: verify: %w", err)
		}
		if msg != "ok" {
			problems = append(problems, Problem{Kind: ProblemDatabase, Path: filepath.Join(s.root, DBFile), Detail: msg})
		}
	}
	rows.Close()

	tx, err := s.readTx(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := s.loadEntries(ctx, tx, `e.removed IS NULL`)
	tx.Rollback()
	if err != nil {
		return nil, err
	}
	uses := map[string][]BlobUse{}
	for _, e := range entries {
		use := func(d, file string) {
			h := strings.TrimPrefix(d, DigestPrefix)
			uses[h] = append(uses[h], BlobUse{Kind: e.Kind, Name: e.Name, Version: e.Version, Digest: e.Digest, File: file})
		}
		use(e.Digest, ManifestFile)
		for _, f := range e.Files {
			use(f.Digest, f.Name)
		}
	}

	good := map[string]bool{}
	shards, err := os.ReadDir(s.blobRoot())
	if err != nil {
		return nil, fmt.Errorf("registry: verify: %w", err)
	}
	for _, sh := range shards {
		shPath := filepath.Join(s.blobRoot(), sh.Name())
		if !sh.IsDir() || len(sh.Name()) != 2 || !isHex(sh.Name()) {
			problems = append(problems, Problem{Kind: ProblemStray, Path: shPath, Detail: "unexpected entry in the blob tree"})
			continue
		}
		files, err := os.ReadDir(shPath)
		if err != nil {
			problems = append(problems, Problem{Kind: ProblemUnreadable, Path: shPath, Detail: err.Error()})
			continue
		}
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			name, p := f.Name(), filepath.Join(shPath, f.Name())
			// A blob-named file that is not a regular one (a FIFO, a
			// symlink to a device) is a damaged blob: hashFile says
			// what it is without reading it.
			if len(name) != 64 || !isHex(name) || name[:2] != sh.Name() {
				problems = append(problems, Problem{Kind: ProblemStray, Path: p, Detail: "unexpected file in the blob tree (not named by its sha256)"})
				continue
			}
			got, _, err := hashFile(p)
			switch {
			case err != nil:
				problems = append(problems, Problem{Kind: ProblemUnreadable, Blob: DigestPrefix + name, Path: p, Detail: err.Error(), Used: uses[name]})
			case got != name:
				problems = append(problems, Problem{Kind: ProblemCorrupt, Blob: DigestPrefix + name, Path: p,
					Detail: fmt.Sprintf("content hashes to sha256:%s", got), Used: uses[name]})
			}
			good[name] = err == nil && got == name // present; true if sound
		}
	}
	for h, us := range uses {
		if _, ok := good[h]; !ok {
			problems = append(problems, Problem{Kind: ProblemMissing, Blob: DigestPrefix + h, Path: s.blobPath(h), Detail: "blob file does not exist", Used: us})
		}
	}

	// Manifests must describe their entries exactly.
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		h := strings.TrimPrefix(e.Digest, DigestPrefix)
		if !good[h] {
			continue // already reported
		}
		if d := manifestMismatch(s.blobPath(h), e); d != "" {
			problems = append(problems, Problem{Kind: ProblemManifest, Blob: e.Digest, Path: s.blobPath(h), Detail: d,
				Used: []BlobUse{{Kind: e.Kind, Name: e.Name, Version: e.Version, Digest: e.Digest, File: ManifestFile}}})
		}
	}

	lp, err := s.lineageProblems(ctx, good)
	if err != nil {
		return nil, err
	}
	problems = append(problems, lp...)

	slices.SortFunc(problems, func(a, b Problem) int {
		if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
			return c
		}
		if c := strings.Compare(a.Blob, b.Blob); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	for i := range problems {
		slices.SortFunc(problems[i].Used, func(a, b BlobUse) int {
			return strings.Compare(fmt.Sprintf("%s/%s/%09d/%s", a.Kind, a.Name, a.Version, a.File),
				fmt.Sprintf("%s/%s/%09d/%s", b.Kind, b.Name, b.Version, b.File))
		})
	}
	return problems, nil
}

func manifestMismatch(path string, e Entry) string {
	data, err := readRegular(path, maxManifestRead)
	if err != nil {
		return "cannot read manifest: " + err.Error()
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return "manifest is not valid JSON: " + err.Error()
	}
	var diffs []string
	if m.Kind != e.Kind || m.Name != e.Name || m.Version != e.Version {
		diffs = append(diffs, fmt.Sprintf("manifest is for %s %s:%d", m.Kind, m.Name, m.Version))
	}
	if !m.Created.Equal(e.Created) {
		diffs = append(diffs, fmt.Sprintf("manifest created %s, database %s", m.Created.Format(timeFormat), e.Created.Format(timeFormat)))
	}
	if !slices.Equal(m.Files, e.Files) {
		diffs = append(diffs, fmt.Sprintf("manifest lists files %v, database %v", m.Files, e.Files))
	}
	if len(diffs) == 0 {
		return ""
	}
	return fmt.Sprintf("%s: %s", e, strings.Join(diffs, "; "))
}

// StaleTempAge is how old a temp file under blobs/tmp must be before GC
// deletes it (a younger one may belong to a write in progress elsewhere).
var StaleTempAge = 15 * time.Minute

// GCReport says what GC removed (or, with DryRun, would remove).
type GCReport struct {
	DryRun    bool  `json:"dry_run"`
	Blobs     int   `json:"blobs"`      // unreferenced blobs
	Bytes     int64 `json:"bytes"`      // their total size
	TempFiles int   `json:"temp_files"` // stale temp files of interrupted writes
	TempBytes int64 `json:"temp_bytes"`
	Kept      int   `json:"kept"` // blobs referenced by live entries
	KeptBytes int64 `json:"kept_bytes"`
	// KeptLineage counts the kept manifests of removed entries that the
	// lineage of live entries needs (included in Kept).
	KeptLineage int `json:"kept_lineage"`
	// Unknown lists the manifests among the blobs of entries the database
	// has never had, under a kind, name and version it does not use (a
	// database restored from a backup older than they are, or a Put
	// killed before it registered): kept, with their files (included in
	// Kept; UnknownManifestHint says what to do).
	Unknown []string `json:"unknown,omitempty"`
	Paths   []string `json:"paths,omitempty"` // every file removed (or to be removed)
}

// GC deletes blobs that no live entry references (those of removed entries
// and of interrupted Puts), except the manifests of removed entries that the
// lineage of a live entry reaches, and temp files older than StaleTempAge. It holds
// the store lock exclusively, so it waits for Puts in progress (at most
// OpTimeout, and no longer than the context of OpenContext) and Puts wait
// for it (until their context ends). With dryRun it only reports.
func (s *Store) GC(dryRun bool) (GCReport, error) {
	rep := GCReport{DryRun: dryRun}
	ctx := s.base
	if !dryRun {
		if err := s.checkWritable("gc"); err != nil {
			return rep, err
		}
	}
	// GC takes no context: its wait for the lock is bounded as its
	// database calls are.
	lctx, cancel := s.opContext()
	unlock, err := s.lock(lctx, true)
	cancel()
	if err != nil {
		return rep, err
	}
	defer unlock()

	tx, err := s.readTx(ctx)
	if err != nil {
		return rep, err
	}
	live, err := digestSet(ctx, tx, `SELECT digest FROM entries WHERE removed IS NULL
		UNION SELECT f.digest FROM files f JOIN entries e ON e.id = f.entry_id WHERE e.removed IS NULL`)
	if err != nil {
		tx.Rollback()
		return rep, fmt.Errorf("registry: gc: %w", err)
	}
	// The manifests of removed entries that live entries' lineage
	// reaches stay, so `lineage` can still print where they came from.
	needed, err := digestSet(ctx, tx, neededManifests)
	tx.Rollback()
	if err != nil {
		return rep, fmt.Errorf("registry: gc: %w", err)
	}
	lineageOnly := map[string]bool{}
	for h := range needed {
		if !live[h] {
			live[h], lineageOnly[h] = true, true
		}
	}

	blobs, err := s.listBlobs()
	if err != nil {
		return rep, fmt.Errorf("registry: gc: %w", err)
	}
	// A manifest the database has never had, of a version it does not
	// use, is not garbage: its entry was lost with the database (restored
	// from an older backup, or an interrupted rebuild), and it and its
	// files are what can bring it back. An interrupted Put leaves one
	// too, until a later Put takes its version.
	unknown, err := s.unknownManifests(ctx, blobs, live)
	if err != nil {
		return rep, fmt.Errorf("registry: gc: %w", err)
	}
	for h, m := range unknown {
		rep.Unknown = append(rep.Unknown, fmt.Sprintf("%s %s:%d (%s%s)", m.Kind, m.Name, m.Version, DigestPrefix, h[:12]))
		live[h] = true
		for _, f := range m.Files {
			if fh, err := normalizeDigest(f.Digest); err == nil {
				live[fh] = true
			}
		}
	}
	slices.Sort(rep.Unknown)
	emptied := map[string]bool{} // shard folders to sync
	for _, b := range blobs {
		if live[b.hex] {
			rep.Kept++
			rep.KeptBytes += b.size
			if lineageOnly[b.hex] {
				rep.KeptLineage++
			}
			continue
		}
		if !dryRun {
			if err := os.Remove(b.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return rep, fmt.Errorf("registry: gc: %w", err)
			}
			emptied[filepath.Dir(b.path)] = true
		}
		rep.Blobs++
		rep.Bytes += b.size
		rep.Paths = append(rep.Paths, b.path)
	}
	for dir := range emptied {
		syncDir(dir)
	}

	tmps, err := os.ReadDir(s.tmpDir())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return rep, fmt.Errorf("registry: gc: %w", err)
	}
	cutoff := time.Now().Add(-StaleTempAge)
	for _, f := range tmps {
		info, err := f.Info()
		if err != nil || !info.Mode().IsRegular() || info.ModTime().After(cutoff) {
			continue
		}
		p := filepath.Join(s.tmpDir(), f.Name())
		if !dryRun {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return rep, fmt.Errorf("registry: gc: %w", err)
			}
		}
		rep.TempFiles++
		rep.TempBytes += info.Size()
		rep.Paths = append(rep.Paths, p)
	}
	return rep, nil
}

// blobFile is one file of the blob tree named like a blob.
type blobFile struct {
	hex, path string
	size      int64
}

// listBlobs lists the files of the blob tree named like blobs, shard by
// shard; what is not named like one is left to verify to report.
func (s *Store) listBlobs() ([]blobFile, error) {
	shards, err := os.ReadDir(s.blobRoot())
	if err != nil {
		return nil, err
	}
	var out []blobFile
	for _, sh := range shards {
		if !sh.IsDir() || len(sh.Name()) != 2 || !isHex(sh.Name()) {
			continue
		}
		dir := filepath.Join(s.blobRoot(), sh.Name())
		files, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			name := f.Name()
			if len(name) != 64 || !isHex(name) || !f.Type().IsRegular() {
				continue
			}
			info, err := f.Info()
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				return nil, err
			}
			out = append(out, blobFile{name, filepath.Join(dir, name), info.Size()})
		}
	}
	return out, nil
}

// unknownManifests returns, by digest, the manifests among blobs (other
// than those in skip) of entries the database has never had, under a
// kind, name and version no entry of it has. A manifest whose version a
// later entry took is of an interrupted Put, and garbage.
func (s *Store) unknownManifests(ctx context.Context, blobs []blobFile, skip map[string]bool) (map[string]Manifest, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	known, err := digestSet(ctx, tx, `SELECT digest FROM entries`)
	if err != nil {
		return nil, err
	}
	versions, err := digestSet(ctx, tx, `SELECT kind || '/' || name || '/' || CAST(version AS TEXT) FROM entries`)
	if err != nil {
		return nil, err
	}
	out := map[string]Manifest{}
	for _, b := range blobs {
		if skip[b.hex] || known[b.hex] {
			continue
		}
		m, ok := readManifestBlob(b.path, b.hex, b.size)
		if ok && !versions[fmt.Sprintf("%s/%s/%d", m.Kind, m.Name, m.Version)] {
			out[b.hex] = m
		}
	}
	return out, nil
}

// neededManifests selects the digests of every entry the lineage of a live
// entry reaches (datasets, parents and inputs, through removed entries too).
const neededManifests = `WITH RECURSIVE needed(h) AS (
	SELECT l.target FROM links l JOIN entries e ON e.id = l.entry_id WHERE e.removed IS NULL
	UNION
	SELECT l.target FROM links l JOIN entries e ON e.id = l.entry_id JOIN needed n ON e.digest = n.h
) SELECT h FROM needed`

func digestSet(ctx context.Context, q queryer, query string) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	set := map[string]bool{}
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		set[h] = true
	}
	return set, rows.Err()
}

// lineageProblems follows the lineage links of every live entry; good maps
// the hex digests of the blobs found sound.
func (s *Store) lineageProblems(ctx context.Context, good map[string]bool) ([]Problem, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	all, err := s.loadEntries(ctx, tx, `TRUE`)
	if err != nil {
		return nil, err
	}
	type link struct{ role, target string }
	links := map[int64][]link{}
	// An input is named by its own role ("input rbm").
	rows, err := tx.QueryContext(ctx, `SELECT entry_id, CASE role WHEN 'input' THEN 'input ' || label ELSE role END, target
		FROM links ORDER BY entry_id, role, pos`)
	if err != nil {
		return nil, fmt.Errorf("registry: verify: %w", err)
	}
	for rows.Next() {
		var id int64
		var l link
		if err := rows.Scan(&id, &l.role, &l.target); err != nil {
			rows.Close()
			return nil, fmt.Errorf("registry: verify: %w", err)
		}
		links[id] = append(links[id], l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("registry: verify: %w", err)
	}
	byDigest := map[string]Entry{}
	for _, e := range all {
		byDigest[strings.TrimPrefix(e.Digest, DigestPrefix)] = e
	}

	var problems []Problem
	for _, e := range all {
		if !e.Removed.IsZero() {
			continue
		}
		use := []BlobUse{{Kind: e.Kind, Name: e.Name, Version: e.Version, Digest: e.Digest, File: ManifestFile}}
		seen := map[string]bool{}
		stack := links[e.id]
		for len(stack) > 0 {
			l := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[l.target] {
				continue
			}
			seen[l.target] = true
			t, ok := byDigest[l.target]
			switch {
			case !ok:
				problems = append(problems, Problem{Kind: ProblemLineage, Blob: DigestPrefix + l.target,
					Detail: fmt.Sprintf("%s: lineage names %s %s%s, which is not in the database", e, l.role, DigestPrefix, l.target), Used: use})
				continue
			case !good[l.target]:
				state := "live"
				if !t.Removed.IsZero() {
					state = "removed " + t.Removed.Format(time.DateOnly)
				}
				problems = append(problems, Problem{Kind: ProblemLineage, Blob: t.Digest, Path: s.blobPath(l.target),
					Detail: fmt.Sprintf("%s: lineage needs %s %s (%s), whose manifest is missing or damaged", e, l.role, t, state), Used: use})
			}
			stack = append(stack, links[t.id]...)
		}
	}
	return problems, nil
}
