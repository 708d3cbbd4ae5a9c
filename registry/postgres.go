package registry

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// IsURL reports whether a registry location names a PostgreSQL database
// (postgres:// or postgresql://) rather than a directory.
func IsURL(loc string) bool {
	return strings.HasPrefix(loc, "postgres://") || strings.HasPrefix(loc, "postgresql://")
}

// RedactURL returns a registry location fit for messages: a PostgreSQL URL
// without its password, a directory as it is.
func RedactURL(loc string) string {
	if !IsURL(loc) {
		return loc
	}
	return redact(loc)
}

// redact returns the URL without its password, for messages.
func redact(loc string) string {
	u, err := url.Parse(loc)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// ConnectTimeout bounds how long Open waits for a PostgreSQL server that
// does not answer, unless the URL sets connect_timeout.
const ConnectTimeout = 10 * time.Second

// openPostgres opens the registry whose metadata is in the PostgreSQL
// database at loc and whose blobs are under o.Blobs.
func openPostgres(ctx context.Context, loc string, readOnly bool, o Options) (*Store, error) {
	where := redact(loc)
	cfg, err := pgx.ParseConfig(loc)
	if err != nil {
		return nil, fmt.Errorf("registry: %w: %s: %v", ErrBadLocation, where, oneLine(err))
	}
	blobs := o.Blobs
	if blobs == "" {
		blobs = os.Getenv(EnvBlobs)
	}
	if blobs == "" {
		return nil, fmt.Errorf("registry: %w: %s keeps metadata only; give the blob directory every machine sees with --blobs or %s", ErrBadLocation, where, EnvBlobs)
	}
	if blobs, err = filepath.Abs(blobs); err != nil {
		return nil, fmt.Errorf("registry: open %s: %w", where, err)
	}
	fi, err := os.Stat(blobs)
	switch {
	case err == nil && !fi.IsDir():
		return nil, fmt.Errorf("registry: %w: blob path %s is not a directory", ErrBadLocation, blobs)
	case errors.Is(err, fs.ErrNotExist) && readOnly:
		return nil, fmt.Errorf("registry: %w: blob directory %s does not exist (is the shared filesystem mounted here?)", ErrNoRegistry, blobs)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("registry: open %s: %w", blobs, err)
	}
	if !readOnly {
		for _, d := range []string{filepath.Join(blobs, "sha256"), filepath.Join(blobs, tmpDirName)} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return nil, fmt.Errorf("registry: open blob directory %s: %w", blobs, err)
			}
		}
	}

	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = ConnectTimeout
	}
	cfg.RuntimeParams["application_name"] = "rgml"
	// The server's own bound on a statement (a lock wait behind another
	// session included), as OpTimeout is the client's; a URL may set
	// another (…&statement_timeout=10min).
	if _, ok := cfg.RuntimeParams["statement_timeout"]; !ok && !strings.Contains(cfg.RuntimeParams["options"], "statement_timeout") {
		cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(OpTimeout.Milliseconds(), 10)
	}
	if readOnly {
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
	}
	db := sql.OpenDB(pgConnector{stdlib.GetConnector(*cfg)})
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(2)
	// Advisory locks held across a Put live on their own connections, from
	// their own pool: a Put waiting there holds no connection a commit needs.
	lockDB := sql.OpenDB(pgConnector{stdlib.GetConnector(*cfg)})
	lockDB.SetMaxOpenConns(8)
	lockDB.SetMaxIdleConns(1)
	s := &Store{root: where, url: loc, pg: true, blobs: blobs, db: db, lockDB: lockDB, now: time.Now, readOnly: readOnly, base: ctx, lockWaiting: o.LockWaiting}
	if err := db.PingContext(ctx); err != nil {
		s.Close()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("registry: open %s: %w", where, ctx.Err())
		}
		// pgx reports every attempt, the refused TLS of sslmode=prefer
		// first: when the server answered, its answer is the cause.
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("registry: %w: the PostgreSQL server of %s answered: %s (SQLSTATE %s)%s",
				ErrBadLocation, where, pe.Message, pe.Code, pgHint(pe.Code, cfg))
		}
		return nil, fmt.Errorf("registry: %w: cannot reach the PostgreSQL database %s: %s", ErrUnreachable, where, oneLine(err))
	}
	for deadline := time.Now().Add(BusyTimeout); ; {
		err = s.migratePG(ctx)
		if err == nil || !isRetryable(err) || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Duration(5+rand.IntN(20)) * time.Millisecond)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// pgHint says what to do about a server's refusal to connect, when there
// is something to say.
func pgHint(code string, cfg *pgx.ConnConfig) string {
	switch code {
	case "3D000": // invalid_catalog_name
		return fmt.Sprintf("; create it (createdb -h HOST -U %s %s) or fix the URL", cfg.User, cfg.Database)
	case "28000", "28P01": // invalid_authorization_specification, invalid_password
		return "; check the user and password in the URL (or ~/.pgpass) and the server's pg_hba.conf"
	}
	return ""
}

// oneLine keeps an error message on one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// pgMigrations[i] upgrades a PostgreSQL registry from schema version i to
// i+1; the numbers and the resulting tables are those of migrations (SQLite),
// so both backends hold the same data the same way. rgml_schema plays the
// part of SQLite's user_version and application_id. Append only.
var pgMigrations = []string{
	// 1: initial schema.
	`
CREATE TABLE rgml_schema (
	application TEXT    NOT NULL CHECK (application = 'rgml'),
	version     INTEGER NOT NULL
);
INSERT INTO rgml_schema (application, version) VALUES ('rgml', 0);
CREATE TABLE entries (
	id      BIGINT  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	kind    TEXT    NOT NULL CONSTRAINT entries_kind CHECK (kind IN ('dataset', 'model')),
	name    TEXT    NOT NULL,
	version INTEGER NOT NULL CHECK (version > 0),
	digest  TEXT    NOT NULL UNIQUE,
	created TEXT    NOT NULL,
	size    BIGINT  NOT NULL,
	removed TEXT,
	UNIQUE (kind, name, version)
);
CREATE TABLE files (
	entry_id BIGINT  NOT NULL REFERENCES entries (id),
	pos      INTEGER NOT NULL,
	name     TEXT    NOT NULL,
	digest   TEXT    NOT NULL,
	size     BIGINT  NOT NULL,
	PRIMARY KEY (entry_id, name)
);
CREATE INDEX files_by_digest ON files (digest);
CREATE TABLE aliases (
	kind     TEXT   NOT NULL,
	name     TEXT   NOT NULL,
	alias    TEXT   NOT NULL,
	entry_id BIGINT NOT NULL REFERENCES entries (id),
	moved    TEXT   NOT NULL,
	PRIMARY KEY (kind, name, alias)
);
CREATE INDEX aliases_by_entry ON aliases (entry_id);
CREATE TABLE links (
	entry_id BIGINT  NOT NULL REFERENCES entries (id),
	role     TEXT    NOT NULL CONSTRAINT links_role CHECK (role IN ('parent', 'dataset')),
	pos      INTEGER NOT NULL,
	target   TEXT    NOT NULL,
	PRIMARY KEY (entry_id, role, pos)
);
CREATE TABLE history (
	id      BIGINT  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	time    TEXT    NOT NULL,
	op      TEXT    NOT NULL,
	kind    TEXT    NOT NULL,
	name    TEXT    NOT NULL,
	version INTEGER,
	alias   TEXT,
	digest  TEXT
);
`,
	// 2: kinds flow, analysis and run; links.label; step keys.
	`
ALTER TABLE entries DROP CONSTRAINT entries_kind,
	ADD CONSTRAINT entries_kind CHECK (kind IN ('dataset', 'model', 'flow', 'analysis', 'run')),
	ADD COLUMN key TEXT;
CREATE INDEX entries_by_key ON entries (kind, key);
ALTER TABLE links DROP CONSTRAINT links_role,
	ADD CONSTRAINT links_role CHECK (role IN ('parent', 'dataset', 'input')),
	ADD COLUMN label TEXT NOT NULL DEFAULT '';
CREATE INDEX links_by_target ON links (target);
`,
	// 3: leases on step keys.
	leasesTable,
}

// pgSchemaState reads the schema version of a PostgreSQL registry (0: an
// empty database), or an error for a newer schema or a database that holds
// other tables.
func (s *Store) pgSchemaState(ctx context.Context, q queryer) (int, error) {
	var have bool
	var tables int
	if err := q.QueryRowContext(ctx, `SELECT to_regclass('rgml_schema') IS NOT NULL,
		(SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema())`).Scan(&have, &tables); err != nil {
		return 0, fmt.Errorf("registry: open %s: %w", s.root, err)
	}
	if !have {
		if tables > 0 {
			return 0, fmt.Errorf("registry: open %s: %w (%d tables of something else in its current schema); choose another database or schema",
				s.root, ErrNotRegistry, tables)
		}
		return 0, nil
	}
	var v int
	err := q.QueryRowContext(ctx, `SELECT version FROM rgml_schema`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		// Another process is creating the schema: to_regclass reads the
		// latest catalog, the SELECT an older snapshot. Version 0 sends
		// the caller to the migration, which looks again under its lock.
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("registry: open %s: %w: rgml_schema: %v", s.root, ErrNotRegistry, err)
	}
	if v > len(pgMigrations) {
		return 0, fmt.Errorf("registry: open %s: %w: the store has schema version %d but this program knows versions up to %d; upgrade rgml (the store was not modified)",
			s.root, ErrSchemaTooNew, v, len(pgMigrations))
	}
	return v, nil
}

// migratePG brings the database to the current schema: first a look in a
// read-only transaction, so an up-to-date store is left untouched, then the
// missing migrations in one transaction under an advisory lock.
func (s *Store) migratePG(ctx context.Context) error {
	rtx, err := s.db.BeginTx(ctx, s.readOptions())
	if err != nil {
		return fmt.Errorf("registry: open %s: %w", s.root, err)
	}
	v, err := s.pgSchemaState(ctx, rtx)
	rtx.Rollback()
	if err != nil || v == len(pgMigrations) {
		return err
	}
	if s.readOnly {
		if v == 0 {
			if n := countBlobs(s.blobs); n > 0 {
				return fmt.Errorf("registry: %w: %s has no schema but %s holds %d blob(s); check the URL (a lost database is recovered from the manifests by `rgml registry migrate` from a rebuilt directory store)",
					ErrNoDatabase, s.root, s.blobs, n)
			}
			return fmt.Errorf("registry: %w at %s (no schema)", ErrNoRegistry, s.root)
		}
		return fmt.Errorf("registry: open %s: %w (version %d, this program's %d) and a read-only open cannot upgrade it; open it for writing once (`rgml registry init` does) to upgrade it",
			s.root, ErrSchemaOld, v, len(pgMigrations))
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("registry: open %s: migrate: %w", s.root, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, pgLockMigrate); err != nil {
		return fmt.Errorf("registry: open %s: migrate: %w", s.root, err)
	}
	if v, err = s.pgSchemaState(ctx, tx); err != nil || v == len(pgMigrations) {
		return err // or another process migrated meanwhile
	}
	s.upgraded = v
	if v == 0 {
		if n := countBlobs(s.blobs); n > 0 {
			return fmt.Errorf("registry: %w: %s has no schema but %s holds %d blob(s) of another registry; nothing was changed: check the URL and --blobs, or choose an empty blob directory",
				ErrNoDatabase, s.root, s.blobs, n)
		}
		s.created = true
	}
	for i := v; i < len(pgMigrations); i++ {
		if _, err := tx.ExecContext(ctx, pgMigrations[i]); err != nil {
			return fmt.Errorf("registry: open %s: migrate schema %d -> %d: %w", s.root, i, i+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE rgml_schema SET version = ?`, len(pgMigrations)); err != nil {
		return fmt.Errorf("registry: open %s: migrate: %w", s.root, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("registry: open %s: migrate: %w", s.root, err)
	}
	return nil
}

// pgLock is lock for a PostgreSQL store: a session advisory lock, shared
// for writers and exclusive for GC, on a connection of its own. Like flock,
// the server drops it when the process (its connection) dies; unlike flock
// it works for processes on different machines sharing the blob directory.
func (s *Store) pgLock(ctx context.Context, exclusive bool) (unlock func(), err error) {
	conn, err := s.lockDB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("registry: lock %s: %w", s.root, err)
	}
	take, release := "pg_advisory_lock_shared", "pg_advisory_unlock_shared"
	if exclusive {
		take, release = "pg_advisory_lock", "pg_advisory_unlock"
	}
	ctx, cancel := lockDeadline(ctx, s.readOnly)
	defer cancel()
	if s.lockWaiting != nil {
		t := time.AfterFunc(LockNotice, func() { s.lockWaiting("another session") })
		defer t.Stop()
	}
	if _, err := conn.ExecContext(ctx, "SELECT "+take+"(?)", pgLockBlobs); err != nil {
		conn.Close()
		return nil, fmt.Errorf("registry: lock %s: %w", s.root, err)
	}
	return func() {
		// Released also after ctx ends, within a bound: the connection is
		// discarded rather than waited on.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(rctx, "SELECT "+release+"(?)", pgLockBlobs); err != nil {
			// Discard the session rather than pool a lock it may still hold.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
}
