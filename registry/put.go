package registry

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Put stores a new version of kind/name and returns the entry it created.
//
// The files are streamed into blobs first (outside any lock on the
// metadata). Then, in one write transaction, the version is assigned as
// max(version)+1 for kind/name (numbers of removed versions are never
// reused), the manifest is written as a blob, the entry rows are inserted and
// the "latest" alias moved to it. A crash at any point leaves either the
// complete entry or no entry; orphaned blobs are swept by GC.
//
// lineage.Datasets and lineage.Parent are full digests ("sha256:HEX" or HEX)
// of entries already in the store: datasets must be Dataset entries, the
// parent an entry of the same kind. lineage.Inputs name live entries of any
// kind, each (role, digest) pair once. lineage.Key, if set, is 64 hex
// digits (stored lower-case) that FindByKey finds the entry by; a Put
// whose key a live entry of kind has already registers nothing and
// returns that entry (see Claim).
func (s *Store) Put(ctx context.Context, kind Kind, name string, files []File, lineage Lineage) (Entry, error) {
	if err := s.checkWritable("put"); err != nil {
		return Entry{}, err
	}
	if err := kind.check(); err != nil {
		return Entry{}, err
	}
	if err := ValidateName(name); err != nil {
		return Entry{}, err
	}
	if len(files) == 0 {
		return Entry{}, fmt.Errorf("registry: put %s %s: no files given; an entry needs at least one file", kind, name)
	}
	seen := map[string]bool{}
	for _, f := range files {
		if err := validate("file name", f.Name); err != nil {
			return Entry{}, err
		}
		if f.Name == ManifestFile {
			return Entry{}, fmt.Errorf("registry: %w: file name %q is reserved for the manifest", ErrInvalidName, ManifestFile)
		}
		if seen[f.Name] {
			return Entry{}, fmt.Errorf("registry: %w: file name %q given twice", ErrInvalidName, f.Name)
		}
		seen[f.Name] = true
	}
	lin, dsHex, parentHex, err := normalizeLineage(lineage)
	var inHex []string
	if err == nil {
		inHex, err = normalizeInputs(&lin)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("registry: put %s %s: lineage: %w", kind, name, err)
	}

	unlock, err := s.lock(ctx, false)
	if err != nil {
		return Entry{}, err
	}
	defer unlock()

	refs := make([]FileRef, len(files))
	var total int64
	for i, f := range files {
		r := f.Reader
		if r == nil {
			r = bytes.NewReader(f.Data)
		}
		h, n, err := s.writeBlob(ctx, r)
		if err != nil {
			return Entry{}, fmt.Errorf("registry: put %s %s: file %q: %w", kind, name, f.Name, err)
		}
		refs[i] = FileRef{Name: f.Name, Digest: DigestPrefix + h, Size: n}
		total += n
	}

	tx, err := s.beginWrite(ctx)
	if err != nil {
		return Entry{}, fmt.Errorf("registry: put %s %s: %w", kind, name, err)
	}
	defer tx.Rollback()

	// Looked for again under the write lock: of two processes that
	// computed the same step, the second registers nothing and gets the
	// first one's entry (its blobs are GC's).
	if lin.Key != "" {
		en, ok, err := s.loadOne(ctx, tx, `e.id = (SELECT id FROM entries WHERE kind = ? AND key = ? AND removed IS NULL ORDER BY id DESC LIMIT 1)`, kind, lin.Key)
		if err != nil {
			return Entry{}, fmt.Errorf("registry: put %s %s: %w", kind, name, err)
		}
		if ok {
			return en, nil
		}
	}

	for _, h := range dsHex {
		if err := s.checkTarget(ctx, tx, h, Dataset, "dataset"); err != nil {
			return Entry{}, fmt.Errorf("registry: put %s %s: lineage: %w", kind, name, err)
		}
	}
	if parentHex != "" {
		if err := s.checkTarget(ctx, tx, parentHex, kind, "parent"); err != nil {
			return Entry{}, fmt.Errorf("registry: put %s %s: lineage: %w", kind, name, err)
		}
	}

	for i, h := range inHex {
		if err := s.checkInput(ctx, tx, h, lin.Inputs[i].Role); err != nil {
			return Entry{}, fmt.Errorf("registry: put %s %s: lineage: %w", kind, name, err)
		}
	}

	var version int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM entries WHERE kind = ? AND name = ?`, kind, name).Scan(&version); err != nil {
		return Entry{}, fmt.Errorf("registry: put %s %s: %w", kind, name, err)
	}
	created := s.timestamp()
	m := Manifest{Format: ManifestFormat, Kind: kind, Name: name, Version: version, Created: created, Files: refs, Lineage: lin}
	mdata, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Entry{}, fmt.Errorf("registry: put %s %s: cannot encode the manifest as JSON (NaN and ±Inf are not representable; check lineage parameters and metrics): %w", kind, name, err)
	}
	mdata = append(mdata, '\n')
	mh, _, err := s.writeBlob(ctx, bytes.NewReader(mdata))
	if err != nil {
		return Entry{}, fmt.Errorf("registry: put %s %s: manifest: %w", kind, name, err)
	}

	now := fmtTime(created)
	id, err := s.insertID(ctx, tx, `INSERT INTO entries (kind, name, version, digest, created, size, key) VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, ''))`,
		kind, name, version, mh, now, total, lin.Key)
	if err != nil {
		return Entry{}, fmt.Errorf("registry: put %s %s: %w", kind, name, err)
	}
	for i, r := range refs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO files (entry_id, pos, name, digest, size) VALUES (?, ?, ?, ?, ?)`,
			id, i, r.Name, r.Digest[len(DigestPrefix):], r.Size); err != nil {
			return Entry{}, fmt.Errorf("registry: put %s %s: %w", kind, name, err)
		}
	}
	for i, h := range dsHex {
		if _, err := tx.ExecContext(ctx, `INSERT INTO links (entry_id, role, pos, target) VALUES (?, 'dataset', ?, ?)`, id, i, h); err != nil {
			return Entry{}, fmt.Errorf("registry: put %s %s: %w", kind, name, err)
		}
	}
	if parentHex != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO links (entry_id, role, pos, target) VALUES (?, 'parent', 0, ?)`, id, parentHex); err != nil {
			return Entry{}, fmt.Errorf("registry: put %s %s: %w", kind, name, err)
		}
	}
	for i, h := range inHex {
		if _, err := tx.ExecContext(ctx, `INSERT INTO links (entry_id, role, pos, target, label) VALUES (?, 'input', ?, ?, ?)`, id, i, h, lin.Inputs[i].Role); err != nil {
			return Entry{}, fmt.Errorf("registry: put %s %s: %w", kind, name, err)
		}
	}
	if err := setAlias(ctx, tx, kind, name, LatestAlias, id, now); err != nil {
		return Entry{}, fmt.Errorf("registry: put %s %s: %w", kind, name, err)
	}
	if err := logHistory(ctx, tx, now, "put", kind, name, version, "", mh); err != nil {
		return Entry{}, fmt.Errorf("registry: put %s %s: %w", kind, name, err)
	}
	if err := tx.Commit(); err != nil {
		return Entry{}, fmt.Errorf("registry: put %s %s: commit: %w", kind, name, err)
	}
	return Entry{
		Kind: kind, Name: name, Version: version, Digest: DigestPrefix + mh,
		Created: created, Size: total, Files: refs, Aliases: []string{LatestAlias}, id: id,
	}, nil
}

func normalizeLineage(l Lineage) (out Lineage, dsHex []string, parentHex string, err error) {
	out = l
	if len(l.Datasets) > 0 {
		out.Datasets = make([]string, len(l.Datasets))
		seen := map[string]bool{}
		for i, d := range l.Datasets {
			h, err := normalizeDigest(d)
			if err != nil {
				return out, nil, "", fmt.Errorf("datasets[%d]: %w", i, err)
			}
			if seen[h] {
				return out, nil, "", fmt.Errorf("datasets[%d]: %s%s listed twice", i, DigestPrefix, h)
			}
			seen[h] = true
			out.Datasets[i] = DigestPrefix + h
			dsHex = append(dsHex, h)
		}
	}
	if l.Parent != "" {
		parentHex, err = normalizeDigest(l.Parent)
		if err != nil {
			return out, nil, "", fmt.Errorf("parent: %w", err)
		}
		out.Parent = DigestPrefix + parentHex
	}
	return out, dsHex, parentHex, nil
}

// normalizeInputs checks l.Inputs and l.Key and writes them back in their
// canonical form; it returns the inputs' hex digests.
func normalizeInputs(l *Lineage) ([]string, error) {
	if l.Key != "" {
		k := strings.ToLower(l.Key)
		if len(k) != 64 || !isHex(k) {
			return nil, fmt.Errorf("%w: key %q: expected 64 hex digits (a sha256)", ErrBadRef, l.Key)
		}
		l.Key = k
	}
	if len(l.Inputs) == 0 {
		return nil, nil
	}
	in := make([]Input, len(l.Inputs))
	hs := make([]string, len(l.Inputs))
	seen := map[Input]bool{}
	for i, x := range l.Inputs {
		if r := roleProblem(x.Role); r != "" {
			return nil, fmt.Errorf("%w: inputs[%d]: role %q %s; roles follow the name rules and may contain ':'", ErrInvalidName, i, x.Role, r)
		}
		h, err := normalizeDigest(x.Digest)
		if err != nil {
			return nil, fmt.Errorf("inputs[%d] (role %s): %w", i, x.Role, err)
		}
		in[i] = Input{Role: x.Role, Digest: DigestPrefix + h}
		if seen[in[i]] {
			return nil, fmt.Errorf("inputs[%d]: role %s with %s listed twice", i, x.Role, in[i].Digest)
		}
		seen[in[i]] = true
		hs[i] = h
	}
	l.Inputs = in
	return hs, nil
}

// roleProblem says what is wrong with an input role ("" if nothing): the
// name rules, with ':' allowed after the first character.
func roleProblem(r string) string {
	if strings.HasPrefix(r, ":") {
		return `starts with ':'`
	}
	return nameProblem(strings.ReplaceAll(r, ":", "_"))
}

// checkInput checks that an input digest names a live entry.
func (s *Store) checkInput(ctx context.Context, tx *sql.Tx, h, role string) error {
	var k Kind
	var name string
	var version int
	var removed sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT kind, name, version, removed FROM entries WHERE digest = ?`, h).Scan(&k, &name, &version, &removed)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: input %s %s%s is not an entry of the registry %s; put it first and pass its Entry.Digest", ErrNotFound, role, DigestPrefix, h, s.root)
	}
	if err != nil {
		return err
	}
	if removed.Valid {
		return fmt.Errorf("%w: input %s %s %s:%d was removed on %s; inputs must be live entries", ErrNotFound, role, k, name, version, removed.String)
	}
	return nil
}

// checkTarget checks that a lineage digest names an entry of the given kind
// (live or removed: removed entries keep their metadata).
func (s *Store) checkTarget(ctx context.Context, tx *sql.Tx, h string, want Kind, role string) error {
	var k Kind
	err := tx.QueryRowContext(ctx, `SELECT kind FROM entries WHERE digest = ?`, h).Scan(&k)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %s %s%s is not an entry of the registry %s; put it first and pass its Entry.Digest", ErrNotFound, role, DigestPrefix, h, s.root)
	}
	if err != nil {
		return err
	}
	if k != want {
		return fmt.Errorf("%w: %s %s%s is a %s, expected a %s", ErrBadRef, role, DigestPrefix, h, k, want)
	}
	return nil
}

func setAlias(ctx context.Context, tx *sql.Tx, kind Kind, name, alias string, id int64, now string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO aliases (kind, name, alias, entry_id, moved) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (kind, name, alias) DO UPDATE SET entry_id = excluded.entry_id, moved = excluded.moved`,
		kind, name, alias, id, now)
	return err
}

func logHistory(ctx context.Context, tx *sql.Tx, now, op string, kind Kind, name string, version int, alias, digest string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO history (time, op, kind, name, version, alias, digest) VALUES (?, ?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, ''))`,
		now, op, kind, name, version, alias, digest)
	return err
}

// Tag points the user alias on kind/name at the given live version, creating
// or moving it atomically. Afterwards "NAME@ALIAS" resolves to that version.
// Aliases are unique per kind and name; "latest" is managed by the registry
// and cannot be set.
func (s *Store) Tag(kind Kind, name, alias string, version int) error {
	ctx, cancel := s.opContext()
	defer cancel()
	if err := checkUserAlias(kind, name, alias, "is moved automatically to the newest version; choose another alias"); err != nil {
		return err
	}
	if err := s.checkWritable("tag"); err != nil {
		return err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("registry: tag: %w", err)
	}
	defer tx.Rollback()
	e, err := s.resolveParsed(ctx, tx, kind, parsedRef{form: refVersion, name: name, version: version}, fmt.Sprintf("%s:%d", name, version))
	if err != nil {
		return err
	}
	now := fmtTime(s.timestamp())
	if err := setAlias(ctx, tx, kind, name, alias, e.id, now); err != nil {
		return fmt.Errorf("registry: tag %s %s@%s: %w", kind, name, alias, err)
	}
	if err := logHistory(ctx, tx, now, "tag", kind, name, version, alias, e.Digest[len(DigestPrefix):]); err != nil {
		return fmt.Errorf("registry: tag: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("registry: tag %s %s@%s: %w", kind, name, alias, err)
	}
	return nil
}

// checkUserAlias validates the arguments of Tag and Untag; latestWhy says
// why "latest" is refused.
func checkUserAlias(kind Kind, name, alias, latestWhy string) error {
	if err := kind.check(); err != nil {
		return err
	}
	if err := ValidateName(name); err != nil {
		return err
	}
	if err := validate("alias", alias); err != nil {
		return err
	}
	if alias == LatestAlias {
		return fmt.Errorf("registry: %w: alias %q %s", ErrInvalidName, LatestAlias, latestWhy)
	}
	return nil
}

// Untag deletes a user alias. Deleting an alias that does not exist is an
// ErrNotFound error.
func (s *Store) Untag(kind Kind, name, alias string) error {
	ctx, cancel := s.opContext()
	defer cancel()
	if err := checkUserAlias(kind, name, alias, "is managed by the registry and cannot be removed"); err != nil {
		return err
	}
	if err := s.checkWritable("untag"); err != nil {
		return err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("registry: untag: %w", err)
	}
	defer tx.Rollback()
	var version int
	var digest string
	err = tx.QueryRowContext(ctx, `SELECT e.version, e.digest FROM aliases a JOIN entries e ON e.id = a.entry_id
		WHERE a.kind = ? AND a.name = ? AND a.alias = ?`, kind, name, alias).Scan(&version, &digest)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("registry: %w: %s %s has no alias %q in %s", ErrNotFound, kind, name, alias, s.root)
	}
	if err != nil {
		return fmt.Errorf("registry: untag: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM aliases WHERE kind = ? AND name = ? AND alias = ?`, kind, name, alias); err != nil {
		return fmt.Errorf("registry: untag: %w", err)
	}
	if err := logHistory(ctx, tx, fmtTime(s.timestamp()), "untag", kind, name, version, alias, digest); err != nil {
		return fmt.Errorf("registry: untag: %w", err)
	}
	return tx.Commit()
}

// Remove removes the version ref resolves to, and its aliases; if it was the
// latest, "latest" moves to the newest remaining version. The removed version
// no longer resolves and its number is never reused. Its metadata stays in
// the database so the lineage of entries built from it remains readable; its
// blobs stay on disk until GC, which keeps its manifest for as long as the
// lineage of a live entry needs it. Remove returns the removed entry.
//
// An entry in the lineage of live entries (a dataset they were trained on,
// the parent of a resumed training, an input, directly or through removed
// entries) is not removed unless force is set: the error wraps ErrInUse and names them.
func (s *Store) Remove(kind Kind, ref string, force bool) (Entry, error) {
	ctx, cancel := s.opContext()
	defer cancel()
	if err := kind.check(); err != nil {
		return Entry{}, err
	}
	if err := s.checkWritable("remove"); err != nil {
		return Entry{}, err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return Entry{}, fmt.Errorf("registry: remove: %w", err)
	}
	defer tx.Rollback()
	e, err := s.resolve(ctx, tx, kind, ref)
	if err != nil {
		return Entry{}, err
	}
	if !force {
		deps, err := s.dependents(ctx, tx, e.Digest[len(DigestPrefix):])
		if err != nil {
			return Entry{}, fmt.Errorf("registry: remove %s: %w", e, err)
		}
		if len(deps) > 0 {
			names := make([]string, len(deps))
			for i, d := range deps {
				names[i] = fmt.Sprintf("%s %s", d.Kind, d.Ref())
			}
			// e names its kind already.
			return Entry{}, fmt.Errorf("registry: remove %s: %w: %s; remove those first, or force the removal (gc then keeps only its manifest, so their lineage stays readable)",
				e, ErrInUse, strings.Join(names, ", "))
		}
	}
	now := s.timestamp()
	if err := removeIn(ctx, tx, e, now); err != nil {
		return Entry{}, err
	}
	if err := tx.Commit(); err != nil {
		return Entry{}, fmt.Errorf("registry: remove %s: %w", e, err)
	}
	e.Aliases = nil
	e.Removed = now
	return e, nil
}

// removeIn marks e removed at now in tx, drops its aliases and moves
// "latest" to the newest remaining version of its name.
func removeIn(ctx context.Context, tx *sql.Tx, e Entry, now time.Time) error {
	ts := fmtTime(now)
	steps := []struct {
		q    string
		args []any
	}{
		{`UPDATE entries SET removed = ? WHERE id = ?`, []any{ts, e.id}},
		{`DELETE FROM aliases WHERE entry_id = ?`, []any{e.id}},
		{`INSERT INTO aliases (kind, name, alias, entry_id, moved)
			SELECT kind, name, 'latest', id, ? FROM entries
			WHERE kind = ? AND name = ? AND removed IS NULL
			  AND NOT EXISTS (SELECT 1 FROM aliases WHERE kind = ? AND name = ? AND alias = 'latest')
			ORDER BY version DESC LIMIT 1`, []any{ts, e.Kind, e.Name, e.Kind, e.Name}},
	}
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("registry: remove %s: %w", e, err)
		}
	}
	if err := logHistory(ctx, tx, ts, "remove", e.Kind, e.Name, e.Version, "", e.Digest[len(DigestPrefix):]); err != nil {
		return fmt.Errorf("registry: remove %s: %w", e, err)
	}
	return nil
}

// dependents returns the live entries whose lineage reaches the entry with
// digest h, directly or through removed entries.
func (s *Store) dependents(ctx context.Context, q queryer, h string) ([]Entry, error) {
	return s.loadEntries(ctx, q, `e.removed IS NULL AND e.id IN (
		WITH RECURSIVE up(id) AS (
			SELECT entry_id FROM links WHERE target = ?
			UNION
			SELECT l.entry_id FROM links l JOIN entries t ON t.digest = l.target JOIN up ON up.id = t.id
		) SELECT id FROM up)`, h)
}
