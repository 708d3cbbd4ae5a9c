package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"modernc.org/sqlite" // pure-Go SQLite driver "sqlite"
)

// Layout of a store root.
const (
	// DirName is the directory Locate looks for, like .git.
	DirName = ".rgml"
	// EnvHome overrides Locate.
	EnvHome = "RGML_HOME"
	// EnvRegistry names the registry for the command line: a directory
	// or a postgres:// URL. It takes precedence over EnvHome there.
	EnvRegistry = "RGML_REGISTRY"
	// EnvBlobs is the blob directory of a PostgreSQL registry when Open is
	// not given WithBlobs.
	EnvBlobs = "RGML_BLOBS"
	// DBFile is the SQLite metadata database inside the root.
	DBFile = "registry.db"
	// BlobDir holds the content-addressed blobs: BlobDir/sha256/ab/abcdef...
	BlobDir = "blobs"

	tmpDirName   = "tmp" // under BlobDir: temp files of writes in progress
	lockFileName = "lock"
	readmeName   = "README.txt"

	// BusyTimeout is how long a writer waits for another one's lock.
	BusyTimeout = 10 * time.Second

	applicationID = 0x52474d4c // "RGML", stored in PRAGMA application_id
)

// Store is an open registry. It is safe for concurrent use by multiple
// goroutines, and any number of processes may open the same root at once.
type Store struct {
	root     string // directory, or the PostgreSQL URL without password
	url      string // PostgreSQL: the URL as given (Root)
	pg       bool   // metadata in PostgreSQL (else SQLite in root)
	blobs    string // directory holding sha256/ and tmp/
	db       *sql.DB
	lockDB   *sql.DB // PostgreSQL: connections holding advisory locks
	now      func() time.Time
	readOnly bool
	adopt    bool // creating the database next to existing blobs (Rebuild)
	created  bool // by this Open
	upgraded int  // schema version this Open migrated from (0: none)
	// base is the context of OpenContext: the methods that take none
	// (Resolve, List, Tag, GC, …) stop with it, and wait for the
	// database at most OpTimeout per call.
	base        context.Context
	lockWaiting func(holder string) // Options.LockWaiting
}

// OpTimeout bounds how long a method without a context argument waits for
// the database (a PostgreSQL server that stopped answering, a lock never
// released); methods with one are bounded by their context.
const OpTimeout = 2 * time.Minute

// opContext is the context of a method that takes none.
func (s *Store) opContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(s.base, OpTimeout)
}

// Locate finds the registry root for a working directory wd ("" means the
// current directory):
//
//  1. $RGML_HOME if set (relative paths are taken relative to wd);
//  2. otherwise the first directory named .rgml in wd or any parent of wd,
//     found the way git finds .git;
//  3. otherwise wd/.rgml, which Open will create.
//
// found is false only in case 3, so a command can tell the user that a new
// registry is about to be created there.
func Locate(wd string) (root string, found bool, err error) {
	if wd == "" {
		if wd, err = os.Getwd(); err != nil {
			return "", false, fmt.Errorf("registry: locate: %w", err)
		}
	}
	wd, err = filepath.Abs(wd)
	if err != nil {
		return "", false, fmt.Errorf("registry: locate: %w", err)
	}
	if h := os.Getenv(EnvHome); h != "" {
		if !filepath.IsAbs(h) {
			h = filepath.Join(wd, h)
		}
		return filepath.Clean(h), true, nil
	}
	for dir := wd; ; {
		cand := filepath.Join(dir, DirName)
		if fi, err := os.Stat(cand); err == nil && fi.IsDir() {
			return cand, true, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return filepath.Join(wd, DirName), false, nil
}

// Open opens the store at root for reading and writing, creating it
// (directories, database, schema) if it does not exist; Store.Created then
// reports true, so a program can say where it created one. Opening an
// existing store writes nothing to it unless its schema is older than this
// program's, in which case the forward migrations run in one transaction. A
// store written by a newer program is refused with ErrSchemaTooNew.
//
// A root whose blobs/ holds blobs but whose database is missing, empty or
// without a schema is refused with ErrNoDatabase and left untouched:
// re-creating the database would hide every entry and let GC delete every
// blob.
//
// A root that is a postgres:// or postgresql:// URL (see IsURL) opens a
// registry whose metadata is in that PostgreSQL database and whose blobs are
// in the directory given by OpenWith's Options.Blobs or, without it, $RGML_BLOBS: a path
// that every machine using the registry sees. Such a store is created the
// same way (schema and blob directories); a database holding other tables
// is ErrNotRegistry, an unreachable one ErrUnreachable.
func Open(root string) (*Store, error) { return OpenWith(root, Options{}) }

// OpenReadOnly opens an existing store for reading and never creates or
// changes anything: SQLite is opened with mode=ro (and immutable=1 when the
// directory is not writable and no write-ahead log is pending, since SQLite
// could not create its shared-memory file there), so a colleague's or a
// shared read-only store can be listed, verified and exported. A root
// without a store is ErrNoRegistry (ErrNoDatabase if blobs are present);
// Put, Tag, Untag, Remove and GC without dryRun fail with ErrReadOnly.
//
// A PostgreSQL store (see Open) is read in sessions with
// default_transaction_read_only on.
func OpenReadOnly(root string) (*Store, error) { return OpenWith(root, Options{ReadOnly: true}) }

// Options are those of OpenWith.
type Options struct {
	// ReadOnly opens as OpenReadOnly does.
	ReadOnly bool
	// Blobs is the blob directory of a PostgreSQL registry ("" means
	// $RGML_BLOBS). A directory registry keeps its blobs inside its root,
	// so there it is an ErrBadLocation error.
	Blobs string
	// LockWaiting, if set, is called once when a wait for the store lock
	// has lasted LockNotice, with who holds it ("pid 123", or "another
	// process"): a command that says nothing while it waits looks hung.
	LockWaiting func(holder string)
}

// LockNotice is how long a wait for the store lock lasts before
// Options.LockWaiting is called; MaxLockWait is how long a read-only
// store's wait lasts at most, whatever the context (a gc or a writer
// stopped with SIGSTOP holds it for ever). A write waits until its
// context ends: it may hold hours of work that a deadline would discard.
const (
	LockNotice  = 2 * time.Second
	MaxLockWait = 10 * time.Minute
)

// lockDeadline bounds a read-only store's wait for the lock by MaxLockWait.
func lockDeadline(ctx context.Context, readOnly bool) (context.Context, context.CancelFunc) {
	if !readOnly {
		return ctx, func() {}
	}
	return context.WithTimeoutCause(ctx, MaxLockWait, fmt.Errorf("no lock in %s", MaxLockWait))
}

// OpenWith is Open, or OpenReadOnly with o.ReadOnly, with a blob directory
// for a PostgreSQL registry.
func OpenWith(root string, o Options) (*Store, error) {
	return OpenContext(context.Background(), root, o)
}

// OpenContext is OpenWith whose waits on the database end with ctx (a
// PostgreSQL server that accepts connections but does not answer them
// is abandoned when ctx is cancelled, not only after ConnectTimeout), as
// do later those of the methods that take no context.
func OpenContext(ctx context.Context, root string, o Options) (*Store, error) {
	if IsURL(root) {
		return openPostgres(ctx, root, o.ReadOnly, o)
	}
	if o.Blobs != "" {
		return nil, fmt.Errorf("registry: %w: a blob directory (%s) was given, but %s is a directory registry, which keeps its blobs inside; give a postgres:// URL as the registry, or drop the blob directory",
			ErrBadLocation, o.Blobs, root)
	}
	s, err := open(root, o.ReadOnly, false)
	if s != nil {
		s.base, s.lockWaiting = ctx, o.LockWaiting
	}
	return s, err
}

// open opens or creates the store; adopt (Rebuild) creates a database next
// to existing blobs.
func open(root string, readOnly, adopt bool) (*Store, error) {
	if root == "" {
		return nil, errors.New("registry: open: empty root path (use Locate to find one)")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("registry: open %s: %w", root, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case err == nil && !fi.IsDir():
		return nil, fmt.Errorf("registry: open %s: %w", abs, syscall.ENOTDIR)
	case errors.Is(err, fs.ErrNotExist) && readOnly:
		return nil, fmt.Errorf("registry: %w at %s", ErrNoRegistry, abs)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("registry: open %s: %w", abs, err)
	}
	dbPath := filepath.Join(abs, DBFile)
	if _, err := os.Stat(filepath.Join(abs, RebuildMarker)); err == nil && !adopt {
		return nil, fmt.Errorf("registry: %w: a rebuild of %s did not finish (%s is there), so %s holds only some of its entries: run `rgml registry rebuild` again",
			ErrNoDatabase, abs, RebuildMarker, DBFile)
	}
	dbInfo, statErr := os.Stat(dbPath)
	noDB := errors.Is(statErr, fs.ErrNotExist)
	if statErr != nil && !noDB {
		return nil, fmt.Errorf("registry: open %s: %w", dbPath, statErr)
	}
	if noDB || dbInfo.Size() == 0 {
		what := "is missing"
		if !noDB {
			what = "is empty (0 bytes)"
		}
		if err := checkNoBlobs(abs, what); err != nil && !adopt {
			return nil, err
		}
		if readOnly {
			return nil, fmt.Errorf("registry: %w at %s (%s %s)", ErrNoRegistry, abs, DBFile, what)
		}
	}
	if !readOnly && fi != nil && (!canWrite(abs) || !noDB && !canWrite(dbPath)) {
		return nil, fmt.Errorf("registry: open %s: %w: you may not write it (commands that only read, such as list, show, lineage, export and verify, still work)",
			abs, ErrReadOnly)
	}
	if !readOnly && !noDB && dbInfo.Size() > 0 {
		// Look before opening for writing: the writable DSN switches
		// the journal mode, a write that a database we refuse must not
		// see. Busy means another process is creating the database right
		// now, so no blobs can be orphaned; migrate checks again under
		// the write lock.
		if err := probe(abs, dbPath); err != nil && !isBusy(err) {
			return nil, err
		}
	}
	if !readOnly {
		for _, d := range []string{abs, filepath.Join(abs, BlobDir, "sha256"), filepath.Join(abs, BlobDir, tmpDirName)} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return nil, fmt.Errorf("registry: open %s: %w", abs, err)
			}
		}
	}

	source := dsn(dbPath)
	if readOnly {
		// A pending -wal holds committed transactions that immutable=1
		// would ignore.
		source = dsnReadOnly(dbPath, !canWrite(abs) && !exists(dbPath+"-wal"))
	}
	db, err := sql.Open("sqlite", source)
	if err != nil {
		return nil, fmt.Errorf("registry: open %s: %w", dbPath, err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(2)
	s := &Store{root: abs, blobs: filepath.Join(abs, BlobDir), db: db, now: time.Now, readOnly: readOnly, adopt: adopt, base: context.Background()}
	// Processes creating the same store at once can see SQLITE_BUSY while
	// one of them switches the new database to WAL mode, a step SQLite's
	// busy handler does not cover: retry until BusyTimeout.
	for deadline := time.Now().Add(BusyTimeout); ; {
		err = s.migrate(context.Background())
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Duration(5+rand.IntN(20)) * time.Millisecond)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	if s.created {
		s.writeReadme() // best effort: documentation for humans, not state
	}
	return s, nil
}

// probe checks, read-only, that dbPath is a registry this program can open,
// or an empty database in a root without blobs.
func probe(root, dbPath string) error {
	v, err := schemaVersion(root, dbPath)
	if err != nil {
		return err
	}
	if v == 0 {
		return checkNoBlobs(root, "has no schema")
	}
	return nil
}

// schemaVersion reads, read-only, the schema version of the database
// (0: none yet), or an error for one that is not a registry's.
func schemaVersion(root, dbPath string) (int, error) {
	db, err := sql.Open("sqlite", dsnReadOnly(dbPath, false))
	if err != nil {
		return 0, fmt.Errorf("registry: open %s: %w", dbPath, err)
	}
	defer db.Close()
	s := &Store{root: root, db: db}
	return s.schemaState(context.Background(), db, dbPath)
}

// checkNoBlobs refuses a root whose database is gone but whose blobs are
// not: what says what is wrong with the database.
func checkNoBlobs(root, what string) error {
	n := countBlobs(filepath.Join(root, BlobDir))
	if n == 0 {
		return nil
	}
	return fmt.Errorf("registry: %w: %s %s but %s holds %d blob(s); nothing was changed: restore %s from a backup, or recover the entries from their manifests with `rgml registry rebuild`, or move %s away to start an empty registry",
		ErrNoDatabase, filepath.Join(root, DBFile), what, filepath.Join(root, BlobDir), n, DBFile, root)
}

// countBlobs counts the files named like blobs in the blob directory.
func countBlobs(blobs string) int {
	n := 0
	shards, _ := os.ReadDir(filepath.Join(blobs, "sha256"))
	for _, sh := range shards {
		if !sh.IsDir() || len(sh.Name()) != 2 || !isHex(sh.Name()) {
			continue
		}
		files, _ := os.ReadDir(filepath.Join(blobs, "sha256", sh.Name()))
		for _, f := range files {
			if len(f.Name()) == 64 && isHex(f.Name()) {
				n++
			}
		}
	}
	return n
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func dsn(path string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(BusyTimeout.Milliseconds()))
	q.Set("_foreign_keys", "1")
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_txlock", "immediate") // write transactions take the lock up front
	return u.String() + "?" + q.Encode()
}

// dsnReadOnly opens the database with mode=ro: SQLite then never writes the
// database (no journal-mode switch, no lock upgrade). immutable=1 also stops
// it from creating the -shm file, which it cannot do in a directory it may
// not write.
func dsnReadOnly(path string, immutable bool) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	q := url.Values{}
	q.Set("mode", "ro")
	if immutable {
		q.Set("immutable", "1")
	}
	q.Set("_busy_timeout", fmt.Sprint(BusyTimeout.Milliseconds()))
	return u.String() + "?" + q.Encode()
}

// ReadOnly reports whether the store was opened with OpenReadOnly.
func (s *Store) ReadOnly() bool { return s.readOnly }

// Created reports whether Open created the store (its database schema).
func (s *Store) Created() bool { return s.created }

// UpgradedFrom returns the schema version Open migrated the store from, or
// 0 if it did not migrate it (up to date, or created).
func (s *Store) UpgradedFrom() int { return s.upgraded }

// checkWritable fails with ErrReadOnly on a store opened read-only.
func (s *Store) checkWritable(op string) error {
	if s.readOnly {
		return fmt.Errorf("registry: %s: %w: %s was opened for reading only", op, ErrReadOnly, s.root)
	}
	return nil
}

// Root returns the absolute path of the store root, or the URL of a
// PostgreSQL store as it was given to Open.
func (s *Store) Root() string {
	if s.pg {
		return s.url
	}
	return s.root
}

// WorkDir is a local directory for the working files of the store's users
// (training checkpoints, cached plugin descriptions): the registry
// directory, or for PostgreSQL "work" in the shared blob directory, so that
// a training killed on one node resumes on another. It is not created here.
func (s *Store) WorkDir() string {
	if s.pg {
		return filepath.Join(s.blobs, "work")
	}
	return s.root
}

// Close closes the database. Blobs need no closing.
func (s *Store) Close() error {
	if s.lockDB != nil {
		s.lockDB.Close()
	}
	return s.db.Close()
}

// SchemaVersion returns the schema version this program writes (PRAGMA
// user_version of the database).
func SchemaVersion() int { return len(migrations) }

// migrations[i] upgrades the schema from version i to i+1. Append only; never
// edit a released migration.
var migrations = []string{
	// 1: initial schema.
	`
PRAGMA application_id = ` + fmt.Sprint(applicationID) + `;
CREATE TABLE entries (
	id      INTEGER PRIMARY KEY,
	kind    TEXT    NOT NULL CHECK (kind IN ('dataset', 'model')),
	name    TEXT    NOT NULL,
	version INTEGER NOT NULL CHECK (version > 0),
	digest  TEXT    NOT NULL UNIQUE,   -- hex sha256 of the manifest blob
	created TEXT    NOT NULL,          -- UTC, 2006-01-02T15:04:05.000000Z
	size    INTEGER NOT NULL,          -- total bytes of the content files
	removed TEXT,                      -- NULL while live; time of Remove otherwise
	UNIQUE (kind, name, version)
);
CREATE TABLE files (
	entry_id INTEGER NOT NULL REFERENCES entries (id),
	pos      INTEGER NOT NULL,
	name     TEXT    NOT NULL,
	digest   TEXT    NOT NULL,         -- hex sha256 of the blob
	size     INTEGER NOT NULL,
	PRIMARY KEY (entry_id, name)
);
CREATE INDEX files_by_digest ON files (digest);
CREATE TABLE aliases (
	kind     TEXT    NOT NULL,
	name     TEXT    NOT NULL,
	alias    TEXT    NOT NULL,
	entry_id INTEGER NOT NULL REFERENCES entries (id),
	moved    TEXT    NOT NULL,
	PRIMARY KEY (kind, name, alias)
);
CREATE INDEX aliases_by_entry ON aliases (entry_id);
CREATE TABLE links (
	entry_id INTEGER NOT NULL REFERENCES entries (id),
	role     TEXT    NOT NULL CHECK (role IN ('parent', 'dataset')),
	pos      INTEGER NOT NULL,
	target   TEXT    NOT NULL,         -- hex digest of the referenced entry
	PRIMARY KEY (entry_id, role, pos)
);
CREATE TABLE history (
	id      INTEGER PRIMARY KEY,
	time    TEXT    NOT NULL,
	op      TEXT    NOT NULL,          -- put, tag, untag, remove
	kind    TEXT    NOT NULL,
	name    TEXT    NOT NULL,
	version INTEGER,
	alias   TEXT,
	digest  TEXT
);
`,
	// 2: kinds flow, analysis and run; lineage inputs of any kind with
	// their role (links.label); step keys. SQLite cannot change a CHECK
	// constraint in place, so entries and links are rebuilt (the
	// documented 12-step procedure; migrate turns foreign keys off).
	`
CREATE TABLE entries_new (
	id      INTEGER PRIMARY KEY,
	kind    TEXT    NOT NULL CHECK (kind IN ('dataset', 'model', 'flow', 'analysis', 'run')),
	name    TEXT    NOT NULL,
	version INTEGER NOT NULL CHECK (version > 0),
	digest  TEXT    NOT NULL UNIQUE,   -- hex sha256 of the manifest blob
	created TEXT    NOT NULL,          -- UTC, 2006-01-02T15:04:05.000000Z
	size    INTEGER NOT NULL,          -- total bytes of the content files
	removed TEXT,                      -- NULL while live; time of Remove otherwise
	key     TEXT,                      -- hex step key of the experiment engine, or NULL
	UNIQUE (kind, name, version)
);
INSERT INTO entries_new (id, kind, name, version, digest, created, size, removed)
	SELECT id, kind, name, version, digest, created, size, removed FROM entries;
DROP TABLE entries;
ALTER TABLE entries_new RENAME TO entries;
CREATE INDEX entries_by_key ON entries (kind, key);
CREATE TABLE links_new (
	entry_id INTEGER NOT NULL REFERENCES entries (id),
	role     TEXT    NOT NULL CHECK (role IN ('parent', 'dataset', 'input')),
	pos      INTEGER NOT NULL,
	target   TEXT    NOT NULL,         -- hex digest of the referenced entry
	label    TEXT    NOT NULL DEFAULT '', -- the Input's role for role 'input'
	PRIMARY KEY (entry_id, role, pos)
);
INSERT INTO links_new (entry_id, role, pos, target) SELECT entry_id, role, pos, target FROM links;
DROP TABLE links;
ALTER TABLE links_new RENAME TO links;
CREATE INDEX links_by_target ON links (target);
`,
	// 3: leases on step keys (lease.go): one process computes a step's
	// entry while the others wait for it.
	leasesTable,
}

// leasesTable is migration 3, the same SQL on both backends.
const leasesTable = `
CREATE TABLE leases (
	kind     TEXT NOT NULL,
	key      TEXT NOT NULL,          -- hex step key
	holder   TEXT NOT NULL,          -- NewHolder of the process computing it
	acquired TEXT NOT NULL,          -- UTC, as entries.created
	expires  TEXT NOT NULL,          -- renewed by the holder while it works
	PRIMARY KEY (kind, key)
);
`

func (s *Store) migrate(ctx context.Context) error {
	dbPath := filepath.Join(s.root, DBFile)
	fail := func(err error) error { return fmt.Errorf("registry: open %s: %w", dbPath, err) }

	// First look in a read-only transaction: an up-to-date store is left
	// untouched.
	rtx, err := s.db.BeginTx(ctx, s.readOptions())
	if err != nil {
		return fail(err)
	}
	v, err := s.schemaState(ctx, rtx, dbPath)
	rtx.Rollback()
	if err != nil || v == len(migrations) {
		return err
	}
	if s.readOnly {
		if v == 0 {
			if err := checkNoBlobs(s.root, "has no schema"); err != nil {
				return err
			}
			return fmt.Errorf("registry: %w at %s (%s has no schema)", ErrNoRegistry, s.root, DBFile)
		}
		return fmt.Errorf("registry: open %s: %w (version %d, this program's %d) and a read-only open cannot upgrade it; open it for writing once (`rgml registry init` does) to upgrade it",
			dbPath, ErrSchemaOld, v, len(migrations))
	}

	// Migrations that rebuild tables need foreign keys off, which SQLite
	// allows only outside a transaction: take one connection for it and
	// turn them back on before it returns to the pool.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fail(fmt.Errorf("migrate: %w", err))
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return fail(fmt.Errorf("migrate: %w", err))
	}
	defer conn.ExecContext(context.Background(), `PRAGMA foreign_keys = ON`)
	tx, err := conn.BeginTx(ctx, nil) // BEGIN IMMEDIATE: one migrator at a time
	if err != nil {
		return fail(fmt.Errorf("migrate: %w", err))
	}
	defer tx.Rollback()
	if v, err = s.schemaState(ctx, tx, dbPath); err != nil || v == len(migrations) {
		return err // or another process migrated meanwhile
	}
	s.upgraded = v
	if v == 0 {
		// Checked under the write lock: blobs cannot come from a
		// concurrent creator, which would have committed the schema
		// first. They belong to a store whose database was lost.
		if err := checkNoBlobs(s.root, "has no schema"); err != nil && !s.adopt {
			return err
		}
		s.created = true
	}
	for i := v; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fail(fmt.Errorf("migrate schema %d -> %d: %w", i, i+1, err))
		}
	}
	var bad int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_foreign_key_check`).Scan(&bad); err != nil || bad > 0 {
		return fail(fmt.Errorf("migrate schema %d -> %d: %d foreign key violation(s) %v; nothing was changed", v, len(migrations), bad, err))
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migrations))); err != nil {
		return fail(fmt.Errorf("migrate: %w", err))
	}
	if err := tx.Commit(); err != nil {
		return fail(fmt.Errorf("migrate: %w", err))
	}
	return nil
}

// schemaState reads and checks the schema version of the database: a
// version this program knows (possibly 0 for an empty database), or an error
// for a newer schema or a database that is not a registry.
func (s *Store) schemaState(ctx context.Context, q queryer, dbPath string) (int, error) {
	var v, app, tables int
	if err := q.QueryRowContext(ctx, `SELECT (SELECT user_version FROM pragma_user_version),
		(SELECT application_id FROM pragma_application_id), (SELECT COUNT(*) FROM sqlite_schema)`).Scan(&v, &app, &tables); err != nil {
		// Overwritten or damaged beyond SQLite's reading, next to blobs:
		// a lost database, which Rebuild can recreate.
		if isNotADB(err) {
			if lost := checkNoBlobs(s.root, "is not an SQLite database (overwritten or damaged)"); lost != nil {
				return 0, lost
			}
		}
		return 0, fmt.Errorf("registry: open %s: %w", dbPath, err)
	}
	if app != 0 && app != applicationID || app == 0 && (v != 0 || tables > 0) {
		return 0, fmt.Errorf("registry: open %s: %w (application_id %#x, user_version %d, %d schema objects); choose another directory",
			dbPath, ErrNotRegistry, app, v, tables)
	}
	if v > len(migrations) {
		return 0, fmt.Errorf("registry: open %s: %w: the store has schema version %d but this program knows versions up to %d; upgrade rgml (the store was not modified)",
			dbPath, ErrSchemaTooNew, v, len(migrations))
	}
	return v, nil
}

const readme = `This directory is an rgml registry (datasets and trained weights).

Layout
  registry.db          SQLite database (WAL mode) with the metadata:
                         entries(kind, name, version, digest, created, size, removed)
                         files(entry_id, name, digest, size)
                         aliases(kind, name, alias, entry_id)   -- "latest" and user tags
                         links(entry_id, role, target)          -- lineage: parent / dataset digests
                         history(time, op, kind, name, version, alias, digest)
                         leases(kind, key, holder, acquired, expires)  -- steps being computed
  blobs/sha256/ab/abcd...   immutable files, named by the sha256 of their bytes
                            (every entry's manifest.json is one of them; the
                            entry digest is the sha256 of its manifest)
  blobs/tmp/           writes in progress; stale files are removed by gc

Reading from Python without rgml
  import sqlite3, hashlib, numpy as np
  db = sqlite3.connect("registry.db")
  (h,) = db.execute("""SELECT f.digest FROM aliases a JOIN files f ON f.entry_id = a.entry_id
                       WHERE a.kind = 'model' AND a.name = ? AND a.alias = 'latest'
                       AND f.name = 'weights.npz'""", ("my-rbm",)).fetchone()
  path = f"blobs/sha256/{h[:2]}/{h}"
  assert hashlib.sha256(open(path, "rb").read()).hexdigest() == h
  weights = np.load(path)

Or export an entry to a plain folder: rgml datasets export REF DIR
(rgml models, flows, analyses and runs export alike).
Do not edit files here by hand; use rgml.
`

func (s *Store) writeReadme() {
	p := filepath.Join(s.root, readmeName)
	if _, err := os.Stat(p); err == nil {
		return
	}
	f, err := os.CreateTemp(s.root, ".readme-*")
	if err != nil {
		return
	}
	_, werr := f.WriteString(readme)
	f.Chmod(0o644)
	cerr := f.Close()
	if werr != nil || cerr != nil || os.Rename(f.Name(), p) != nil {
		os.Remove(f.Name())
	}
}

// timeFormat is how times are stored in the database: fixed width, UTC,
// microseconds (what Python's datetime holds).
const timeFormat = "2006-01-02T15:04:05.000000Z"

func (s *Store) timestamp() time.Time {
	return s.now().UTC().Truncate(time.Microsecond)
}

func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(v string) (time.Time, error) {
	t, err := time.Parse(timeFormat, v)
	if err != nil {
		t, err = time.Parse(time.RFC3339Nano, strings.TrimSpace(v))
	}
	return t.UTC(), err
}

// isNotADB reports SQLITE_NOTADB or SQLITE_CORRUPT: the file is not an
// SQLite database, or one damaged beyond reading (truncated, bad pages).
func isNotADB(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code()&0xff == 26 || se.Code()&0xff == 11) // not a database, or malformed (truncated, damaged pages)
}

// isBusy reports whether err is SQLite's SQLITE_BUSY or SQLITE_LOCKED.
func isBusy(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	c := se.Code() & 0xff
	return c == 5 || c == 6
}
