package registry

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// CopyReport says what Copy copied.
type CopyReport struct {
	Entries int   // rows of entries (live and removed)
	Blobs   int   // blobs copied and verified
	Bytes   int64 // their total size
	Gone    int   // blobs of removed entries already garbage-collected in the source
}

// copyTables are copied row for row, ids included, parents before children.
var copyTables = []struct{ name, cols string }{
	{"entries", "id, kind, name, version, digest, created, size, removed, key"},
	{"files", "entry_id, pos, name, digest, size"},
	{"aliases", "kind, name, alias, entry_id, moved"},
	{"links", "entry_id, role, pos, target, label"},
	{"history", "id, time, op, kind, name, version, alias, digest"},
}

// Copy copies every entry of src (live and removed, with versions, aliases,
// lineage and history) into dst, which must be empty: typically a local
// directory registry into a new PostgreSQL one (`rgml registry migrate`).
//
// Each blob is streamed into dst's blob directory and re-hashed on the way:
// one whose bytes do not match its digest, or a missing blob of a live
// entry, stops the copy with ErrCorrupt before dst's database is touched
// (blobs already copied are content-addressed; GC sweeps them). The rows
// are written in one transaction, and dst is then verified as Verify does;
// its problems, if any, are returned with an error.
func Copy(ctx context.Context, dst, src *Store) (CopyReport, error) {
	var rep CopyReport
	if err := dst.checkWritable("copy"); err != nil {
		return rep, err
	}
	if dst.root == src.root && dst.blobs == src.blobs {
		return rep, fmt.Errorf("registry: copy: %w: source and destination are the same registry %s", ErrBadLocation, src.root)
	}
	var n int
	if err := dst.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM entries`).Scan(&n); err != nil {
		return rep, fmt.Errorf("registry: copy: %w", err)
	}
	if n > 0 {
		return rep, fmt.Errorf("registry: copy: %w: %s already holds %d entries; copy only into an empty registry (nothing was changed)", ErrBadLocation, dst.root, n)
	}
	// Keep GC out of both while blobs are in flight.
	unlockSrc, err := src.lock(ctx, false)
	if err != nil {
		return rep, err
	}
	defer unlockSrc()
	unlockDst, err := dst.lock(ctx, false)
	if err != nil {
		return rep, err
	}
	defer func() { unlockDst() }()

	rtx, err := src.readTx(ctx)
	if err != nil {
		return rep, err
	}
	defer rtx.Rollback()
	rows := map[string][][]any{}
	for _, t := range copyTables {
		r, err := rtx.QueryContext(ctx, `SELECT `+t.cols+` FROM `+t.name+` ORDER BY 1`)
		if err != nil {
			return rep, fmt.Errorf("registry: copy: read %s: %w", t.name, err)
		}
		ncol := len(strings.Split(t.cols, ","))
		for r.Next() {
			vals := make([]any, ncol)
			ptrs := make([]any, ncol)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				r.Close()
				return rep, fmt.Errorf("registry: copy: read %s: %w", t.name, err)
			}
			rows[t.name] = append(rows[t.name], vals)
		}
		if err := r.Err(); err != nil {
			return rep, fmt.Errorf("registry: copy: read %s: %w", t.name, err)
		}
	}
	rtx.Rollback()
	rep.Entries = len(rows["entries"])

	// Blobs first: every manifest and file, verified as it is written.
	removed := map[any]bool{}    // entry id -> removed
	owner := map[string]string{} // digest -> an entry using it, for messages
	var order []string           // digests in a stable order
	note := func(h, who string) {
		if _, ok := owner[h]; !ok {
			owner[h] = who
			order = append(order, h)
		}
	}
	names := map[any]string{}
	for _, e := range rows["entries"] {
		who := fmt.Sprintf("%v %v:%v", e[1], e[2], e[3])
		names[e[0]] = who
		removed[e[0]] = e[7] != nil
		note(fmt.Sprint(e[4]), who+" (manifest)")
	}
	for _, f := range rows["files"] {
		note(fmt.Sprint(f[3]), fmt.Sprintf("%s file %v", names[f[0]], f[2]))
	}
	live := map[string]bool{}
	for _, f := range rows["files"] {
		if !removed[f[0]] {
			live[fmt.Sprint(f[3])] = true
		}
	}
	for _, e := range rows["entries"] {
		if !removed[e[0]] {
			live[fmt.Sprint(e[4])] = true
		}
	}
	for _, h := range order {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if _, err := normalizeDigest(h); err != nil {
			return rep, fmt.Errorf("registry: copy: %s: %w", owner[h], err)
		}
		f, _, err := openRegular(src.blobPath(h))
		if errors.Is(err, fs.ErrNotExist) && !live[h] {
			rep.Gone++
			continue
		}
		if err != nil {
			return rep, fmt.Errorf("registry: copy: %w: %s: blob %s%s: %v; run verify on the source (nothing was written to %s's database)", ErrCorrupt, owner[h], DigestPrefix, h, err, dst.root)
		}
		got, size, err := dst.writeBlob(ctx, f)
		f.Close()
		if err != nil {
			return rep, fmt.Errorf("registry: copy: %s: %w", owner[h], err)
		}
		if got != h {
			return rep, fmt.Errorf("registry: copy: %w: %s: blob %s%s has sha256 %s in the source; run verify on the source (nothing was written to %s's database)", ErrCorrupt, owner[h], DigestPrefix, h, got, dst.root)
		}
		rep.Blobs++
		rep.Bytes += size
	}

	tx, err := dst.beginWrite(ctx)
	if err != nil {
		return rep, fmt.Errorf("registry: copy: %w", err)
	}
	defer tx.Rollback()
	for _, t := range copyTables {
		ncol := len(strings.Split(t.cols, ","))
		q := `INSERT INTO ` + t.name + ` (` + t.cols + `) VALUES (?` + strings.Repeat(", ?", ncol-1) + `)`
		for _, r := range rows[t.name] {
			if _, err := tx.ExecContext(ctx, q, r...); err != nil {
				return rep, fmt.Errorf("registry: copy: write %s: %w", t.name, err)
			}
		}
	}
	if dst.pg {
		// Rows came with their ids: move the identity sequences past them.
		for _, t := range []string{"entries", "history"} {
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), COALESCE((SELECT MAX(id) FROM `+t+`), 0) + 1, false)`); err != nil {
				return rep, fmt.Errorf("registry: copy: %w", err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return rep, fmt.Errorf("registry: copy: commit: %w", err)
	}
	unlockDst() // Verify takes it again
	unlockDst = func() {}
	ps, err := dst.Verify(ctx)
	if err != nil {
		return rep, fmt.Errorf("registry: copy: verify %s: %w", dst.root, err)
	}
	if len(ps) > 0 {
		return rep, fmt.Errorf("registry: copy: %w: %s has %d problem(s) after the copy, the first: %s", ErrCorrupt, dst.root, len(ps), ps[0])
	}
	return rep, nil
}
