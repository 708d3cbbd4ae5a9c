package registry

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// readTx starts a read-only (deferred) transaction: one consistent snapshot
// for the several queries that build entries.
func (s *Store) readTx(ctx context.Context) (*sql.Tx, error) {
	tx, err := s.db.BeginTx(ctx, s.readOptions())
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	return tx, nil
}

// loadEntries returns the entries matching where (an SQL condition on the
// entries table aliased e), with their files and aliases, ordered by kind,
// name and version (bytewise, whatever the database's collation).
//
// On PostgreSQL it is one statement, entries, files and aliases in one
// result: one round trip to the server rather than three.
func (s *Store) loadEntries(ctx context.Context, q queryer, where string, args ...any) ([]Entry, error) {
	if !s.pg {
		return loadEntries3(ctx, q, where, args...)
	}
	rows, err := q.QueryContext(ctx, `WITH sel AS (SELECT e.id FROM entries e WHERE `+where+`)
		SELECT 0, e.id, e.kind, e.name, e.version, e.digest, e.created, e.size, e.removed, 0
			FROM entries e WHERE e.id IN (SELECT id FROM sel)
		UNION ALL
		SELECT 1, f.entry_id, NULL, f.name, NULL, f.digest, NULL, f.size, NULL, f.pos
			FROM files f WHERE f.entry_id IN (SELECT id FROM sel)
		UNION ALL
		SELECT 2, a.entry_id, NULL, a.alias, NULL, NULL, NULL, NULL, NULL, 0
			FROM aliases a WHERE a.entry_id IN (SELECT id FROM sel)
		ORDER BY 1, 2, 10, 4`, args...)
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	defer rows.Close()
	var out []Entry
	idx := map[int64]int{}
	for rows.Next() {
		var part, pos int
		var id int64
		var kind, digest, created, removed sql.NullString
		var version, size sql.NullInt64
		var name string
		if err := rows.Scan(&part, &id, &kind, &name, &version, &digest, &created, &size, &removed, &pos); err != nil {
			return nil, fmt.Errorf("registry: %w", err)
		}
		switch part {
		case 0:
			e := Entry{id: id, Kind: Kind(kind.String), Name: name, Version: int(version.Int64), Digest: DigestPrefix + digest.String, Size: size.Int64}
			if e.Created, err = parseTime(created.String); err != nil {
				return nil, fmt.Errorf("registry: entry %s:%d: bad created time %q", e.Name, e.Version, created.String)
			}
			if removed.Valid {
				if e.Removed, err = parseTime(removed.String); err != nil {
					return nil, fmt.Errorf("registry: entry %s:%d: bad removed time %q", e.Name, e.Version, removed.String)
				}
			}
			idx[e.id] = len(out)
			out = append(out, e)
		case 1:
			if i, ok := idx[id]; ok {
				out[i].Files = append(out[i].Files, FileRef{Name: name, Digest: DigestPrefix + digest.String, Size: size.Int64})
			}
		case 2:
			if i, ok := idx[id]; ok {
				out[i].Aliases = append(out[i].Aliases, name)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	slices.SortStableFunc(out, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version))
	})
	return out, nil
}

// loadEntries3 is loadEntries in three statements, for SQLite: it compiles
// each statement anew, and three small ones cost less than one union.
func loadEntries3(ctx context.Context, q queryer, where string, args ...any) ([]Entry, error) {
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.kind, e.name, e.version, e.digest, e.created, e.size, e.removed
		FROM entries e WHERE `+where+` ORDER BY e.kind, e.name, e.version`, args...)
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	var out []Entry
	idx := map[int64]int{}
	for rows.Next() {
		var e Entry
		var digest, created string
		var removed sql.NullString
		if err := rows.Scan(&e.id, &e.Kind, &e.Name, &e.Version, &digest, &created, &e.Size, &removed); err != nil {
			rows.Close()
			return nil, fmt.Errorf("registry: %w", err)
		}
		e.Digest = DigestPrefix + digest
		if e.Created, err = parseTime(created); err != nil {
			rows.Close()
			return nil, fmt.Errorf("registry: entry %s:%d: bad created time %q", e.Name, e.Version, created)
		}
		if removed.Valid {
			if e.Removed, err = parseTime(removed.String); err != nil {
				rows.Close()
				return nil, fmt.Errorf("registry: entry %s:%d: bad removed time %q", e.Name, e.Version, removed.String)
			}
		}
		idx[e.id] = len(out)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	rows.Close()
	if len(out) == 0 {
		return nil, nil
	}

	rows, err = q.QueryContext(ctx, `SELECT f.entry_id, f.name, f.digest, f.size
		FROM files f JOIN entries e ON e.id = f.entry_id WHERE `+where+` ORDER BY f.entry_id, f.pos`, args...)
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	for rows.Next() {
		var id int64
		var f FileRef
		if err := rows.Scan(&id, &f.Name, &f.Digest, &f.Size); err != nil {
			rows.Close()
			return nil, fmt.Errorf("registry: %w", err)
		}
		f.Digest = DigestPrefix + f.Digest
		if i, ok := idx[id]; ok {
			out[i].Files = append(out[i].Files, f)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	rows.Close()

	rows, err = q.QueryContext(ctx, `SELECT a.entry_id, a.alias
		FROM aliases a JOIN entries e ON e.id = a.entry_id WHERE `+where+` ORDER BY a.alias`, args...)
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var a string
		if err := rows.Scan(&id, &a); err != nil {
			return nil, fmt.Errorf("registry: %w", err)
		}
		if i, ok := idx[id]; ok {
			out[i].Aliases = append(out[i].Aliases, a)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	return out, nil
}

func (s *Store) loadOne(ctx context.Context, q queryer, where string, args ...any) (Entry, bool, error) {
	es, err := s.loadEntries(ctx, q, where, args...)
	if err != nil || len(es) == 0 {
		return Entry{}, false, err
	}
	return es[0], true, nil
}

// Resolve returns the live entry of the given kind that ref names:
//
//	NAME             the latest version of NAME
//	NAME:VERSION     that version
//	NAME@ALIAS       the version the alias points to ("latest" or a user tag)
//	sha256:HEX, HEX  the entry whose digest starts with HEX (at least 6 digits)
//
// A bare ref that is both an existing name and a digest prefix is ambiguous;
// write NAME@latest or sha256:HEX. Errors wrap ErrBadRef, ErrNotFound or
// ErrAmbiguous and say what to change.
func (s *Store) Resolve(kind Kind, ref string) (Entry, error) {
	if err := kind.check(); err != nil {
		return Entry{}, err
	}
	ctx, cancel := s.opContext()
	defer cancel()
	tx, err := s.readTx(ctx)
	if err != nil {
		return Entry{}, err
	}
	defer tx.Rollback()
	return s.resolve(ctx, tx, kind, ref)
}

// Get returns version of kind/name, like Resolve(kind, "NAME:VERSION").
func (s *Store) Get(kind Kind, name string, version int) (Entry, error) {
	if err := kind.check(); err != nil {
		return Entry{}, err
	}
	if err := ValidateName(name); err != nil {
		return Entry{}, err
	}
	ref := fmt.Sprintf("%s:%d", name, version)
	if version < 1 {
		return Entry{}, badRef(ref, "versions start at 1")
	}
	ctx, cancel := s.opContext()
	defer cancel()
	tx, err := s.readTx(ctx)
	if err != nil {
		return Entry{}, err
	}
	defer tx.Rollback()
	return s.resolveParsed(ctx, tx, kind, parsedRef{form: refVersion, name: name, version: version}, ref)
}

func (s *Store) resolve(ctx context.Context, q queryer, kind Kind, ref string) (Entry, error) {
	p, err := parseRef(ref)
	if err != nil {
		return Entry{}, err
	}
	return s.resolveParsed(ctx, q, kind, p, ref)
}

func (s *Store) resolveParsed(ctx context.Context, q queryer, kind Kind, p parsedRef, ref string) (Entry, error) {
	notFound := func(detail string) error {
		return fmt.Errorf("registry: %w: %s %q in %s: %s", ErrNotFound, kind, ref, s.root, detail)
	}
	switch p.form {
	case refVersion:
		e, ok, err := s.loadOne(ctx, q, `e.kind = ? AND e.name = ? AND e.version = ?`, kind, p.name, p.version)
		if err != nil {
			return Entry{}, err
		}
		if !ok {
			return Entry{}, notFound(nameHint(ctx, q, kind, p.name))
		}
		if !e.Removed.IsZero() {
			return Entry{}, notFound(fmt.Sprintf("version %d was removed on %s; %s", p.version, e.Removed.Format(timeFormat), nameHint(ctx, q, kind, p.name)))
		}
		return e, nil

	case refAlias:
		e, ok, err := s.loadOne(ctx, q, `e.id = (SELECT entry_id FROM aliases WHERE kind = ? AND name = ? AND alias = ?)`, kind, p.name, p.alias)
		if err != nil {
			return Entry{}, err
		}
		if !ok {
			return Entry{}, notFound(fmt.Sprintf("no alias %q; %s", p.alias, aliasHint(ctx, q, kind, p.name)))
		}
		return e, nil

	case refDigest:
		es, err := s.byPrefix(ctx, q, kind, p.prefix)
		if err != nil {
			return Entry{}, err
		}
		switch len(es) {
		case 0:
			return Entry{}, notFound("no live " + string(kind) + " has a digest starting with " + p.prefix + otherKindHint(ctx, q, kind, p.prefix))
		case 1:
			return es[0], nil
		}
		return Entry{}, ambiguous(kind, ref, es)

	default: // refName, possibly also a digest prefix
		e, ok, err := s.loadOne(ctx, q, `e.id = (SELECT entry_id FROM aliases WHERE kind = ? AND name = ? AND alias = 'latest')`, kind, p.name)
		if err != nil {
			return Entry{}, err
		}
		var es []Entry
		if p.prefix != "" {
			if es, err = s.byPrefix(ctx, q, kind, p.prefix); err != nil {
				return Entry{}, err
			}
		}
		switch {
		case ok && len(es) > 0:
			return Entry{}, fmt.Errorf("registry: %w: %s %q is both a name and a digest prefix; write %s@latest for the name or sha256:%s for the digest",
				ErrAmbiguous, kind, ref, p.name, p.prefix)
		case ok:
			return e, nil
		case len(es) == 1:
			return es[0], nil
		case len(es) > 1:
			return Entry{}, ambiguous(kind, ref, es)
		}
		return Entry{}, notFound(nameHint(ctx, q, kind, p.name))
	}
}

func (s *Store) byPrefix(ctx context.Context, q queryer, kind Kind, prefix string) ([]Entry, error) {
	// prefix is lower-case hex (checked by parseRef), so GLOB needs no escaping.
	return s.loadEntries(ctx, q, `e.kind = ? AND e.removed IS NULL AND e.digest GLOB ?`, kind, prefix+"*")
}

func ambiguous(kind Kind, ref string, es []Entry) error {
	var b strings.Builder
	for i, e := range es {
		if i == 5 {
			fmt.Fprintf(&b, ", ... (%d in all)", len(es))
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%s)", e.Ref(), e.Digest[:len(DigestPrefix)+16])
	}
	return fmt.Errorf("registry: %w: %s %q matches %d entries: %s; give more digest digits or use NAME:VERSION",
		ErrAmbiguous, kind, ref, len(es), b.String())
}

// nameHint says what exists under kind/name, for not-found messages.
func nameHint(ctx context.Context, q queryer, kind Kind, name string) string {
	rows, err := q.QueryContext(ctx, `SELECT version, removed IS NULL FROM entries WHERE kind = ? AND name = ? ORDER BY version`, kind, name)
	if err != nil {
		return fmt.Sprintf("no %s named %q", kind, name)
	}
	defer rows.Close()
	var live []int
	n, maxV := 0, 0
	for rows.Next() {
		var v int
		var isLive bool
		if rows.Scan(&v, &isLive) != nil {
			break
		}
		n++
		maxV = v
		if isLive {
			live = append(live, v)
		}
	}
	switch {
	case n == 0:
		msg := fmt.Sprintf("there is no %s named %q", kind, name)
		if others := otherKinds(ctx, q, kind, `name = ?`, name); others != "" {
			msg += fmt.Sprintf(" (but there is a %s with that name)", others)
		}
		return msg + fmt.Sprintf("; `rgml %s list` shows the names", kind.Plural())
	case len(live) == 0:
		return fmt.Sprintf("all versions of %s %q (1-%d) have been removed", kind, name, maxV)
	}
	return fmt.Sprintf("%s %q has live versions %s, latest is %d", kind, name, versionRanges(live), live[len(live)-1])
}

// versionRanges formats sorted versions compactly: "1-3, 5, 8-9".
func versionRanges(vs []int) string {
	var b strings.Builder
	for i := 0; i < len(vs); {
		j := i
		for j+1 < len(vs) && vs[j+1] == vs[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		if j == i {
			fmt.Fprintf(&b, "%d", vs[i])
		} else {
			fmt.Fprintf(&b, "%d-%d", vs[i], vs[j])
		}
		i = j + 1
	}
	return b.String()
}

func aliasHint(ctx context.Context, q queryer, kind Kind, name string) string {
	rows, err := q.QueryContext(ctx, `SELECT a.alias, e.version FROM aliases a JOIN entries e ON e.id = a.entry_id
		WHERE a.kind = ? AND a.name = ? ORDER BY a.alias`, kind, name)
	if err != nil {
		return nameHint(ctx, q, kind, name)
	}
	defer rows.Close()
	var parts []string
	for rows.Next() {
		var a string
		var v int
		if rows.Scan(&a, &v) == nil {
			parts = append(parts, fmt.Sprintf("%s -> %d", a, v))
		}
	}
	if len(parts) == 0 {
		return nameHint(ctx, q, kind, name)
	}
	return fmt.Sprintf("%s %q has aliases %s", kind, name, strings.Join(parts, ", "))
}

// otherKinds names the kinds other than kind that have live entries
// matching where ("" if none), e.g. "model or flow".
func otherKinds(ctx context.Context, q queryer, kind Kind, where string, arg any) string {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT kind FROM entries WHERE kind <> ? AND removed IS NULL AND `+where+` ORDER BY kind`, kind, arg)
	if err != nil {
		return ""
	}
	defer rows.Close()
	var ks []string
	for rows.Next() {
		var k string
		if rows.Scan(&k) == nil {
			ks = append(ks, k)
		}
	}
	return strings.Join(ks, " or ")
}

func otherKindHint(ctx context.Context, q queryer, kind Kind, prefix string) string {
	if others := otherKinds(ctx, q, kind, `digest GLOB ?`, prefix+"*"); others != "" {
		return fmt.Sprintf(" (but a %s does)", others)
	}
	return ""
}

// List returns the live entries of kind ("" for all kinds) named name (""
// for all names), ordered by kind, name and version, with files and aliases.
func (s *Store) List(kind Kind, name string) ([]Entry, error) {
	where, args := []string{"e.removed IS NULL"}, []any{}
	if kind != "" {
		if err := kind.check(); err != nil {
			return nil, err
		}
		where, args = append(where, "e.kind = ?"), append(args, kind)
	}
	if name != "" {
		if err := ValidateName(name); err != nil {
			return nil, err
		}
		where, args = append(where, "e.name = ?"), append(args, name)
	}
	ctx, cancel := s.opContext()
	defer cancel()
	tx, err := s.readTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return s.loadEntries(ctx, tx, strings.Join(where, " AND "), args...)
}

// Lineage returns the provenance chain of the entry ref resolves to: the
// entry itself, then its parent, the parent's parent and so on (resumed
// trainings), then, breadth first, every dataset and input any of them
// used and the datasets, parents and inputs of those in turn, each once, in
// the order first referenced (a flow: its models, its initial dataset, then
// the datasets the models were trained on). Entries removed since keep
// their metadata and appear with Removed set (their files may be gone after
// GC). Read the details (plugins, parameters, seeds, roles, metrics) with
// Store.Manifest.
func (s *Store) Lineage(kind Kind, ref string) ([]Entry, error) {
	if err := kind.check(); err != nil {
		return nil, err
	}
	ctx, cancel := s.opContext()
	defer cancel()
	tx, err := s.readTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	e, err := s.resolve(ctx, tx, kind, ref)
	if err != nil {
		return nil, err
	}
	chain := []Entry{e}
	seen := map[string]bool{e.Digest: true}
	for cur := e; ; {
		targets, err := linkTargets(ctx, tx, cur.id, "parent")
		if err != nil {
			return nil, err
		}
		if len(targets) == 0 || seen[DigestPrefix+targets[0]] {
			break
		}
		p, err := s.byDigest(ctx, tx, targets[0], cur, "parent")
		if err != nil {
			return nil, err
		}
		seen[p.Digest] = true
		chain = append(chain, p)
		cur = p
	}
	for i := 0; i < len(chain); i++ {
		m := chain[i]
		var targets []string
		for _, role := range []string{"dataset", "input", "parent"} {
			ts, err := linkTargets(ctx, tx, m.id, role)
			if err != nil {
				return nil, err
			}
			targets = append(targets, ts...)
		}
		for _, h := range targets {
			if seen[DigestPrefix+h] {
				continue
			}
			d, err := s.byDigest(ctx, tx, h, m, "input")
			if err != nil {
				return nil, err
			}
			seen[d.Digest] = true
			chain = append(chain, d)
		}
	}
	return chain, nil
}

// FindByKey returns the newest live entry of kind whose Lineage.Key is key
// (64 hex digits, any case), and false if there is none: the experiment
// engine's way to tell that a step's result already exists. It is one
// indexed query, fast on stores of any size.
func (s *Store) FindByKey(ctx context.Context, kind Kind, key string) (Entry, bool, error) {
	if err := kind.check(); err != nil {
		return Entry{}, false, err
	}
	k := strings.ToLower(key)
	if len(k) != 64 || !isHex(k) {
		return Entry{}, false, fmt.Errorf("registry: %w: key %q: expected 64 hex digits (a sha256)", ErrBadRef, key)
	}
	tx, err := s.readTx(ctx)
	if err != nil {
		return Entry{}, false, err
	}
	defer tx.Rollback()
	return s.loadOne(ctx, tx, `e.id = (SELECT id FROM entries WHERE kind = ? AND key = ? AND removed IS NULL ORDER BY id DESC LIMIT 1)`, kind, k)
}

func linkTargets(ctx context.Context, q queryer, id int64, role string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT target FROM links WHERE entry_id = ? AND role = ? ORDER BY pos`, id, role)
	if err != nil {
		return nil, fmt.Errorf("registry: lineage: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("registry: lineage: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func (s *Store) byDigest(ctx context.Context, q queryer, h string, from Entry, role string) (Entry, error) {
	e, ok, err := s.loadOne(ctx, q, `e.digest = ?`, h)
	if err != nil {
		return Entry{}, err
	}
	if !ok {
		return Entry{}, fmt.Errorf("registry: %w: lineage of %s: %s %s%s is not in the database %s", ErrNotFound, from, role, DigestPrefix, h, filepath.Join(s.root, DBFile))
	}
	return e, nil
}

// Lookup returns the entry, live or removed, whose digest is the full digest
// d ("sha256:HEX" or HEX), e.g. a Lineage.Datasets element.
func (s *Store) Lookup(d string) (Entry, error) {
	h, err := normalizeDigest(d)
	if err != nil {
		return Entry{}, fmt.Errorf("registry: %w", err)
	}
	ctx, cancel := s.opContext()
	defer cancel()
	tx, err := s.readTx(ctx)
	if err != nil {
		return Entry{}, err
	}
	defer tx.Rollback()
	e, ok, err := s.loadOne(ctx, tx, `e.digest = ?`, h)
	if err != nil {
		return Entry{}, err
	}
	if !ok {
		return Entry{}, fmt.Errorf("registry: %w: no entry with digest %s%s in %s", ErrNotFound, DigestPrefix, h, s.root)
	}
	return e, nil
}
