package registry

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// The registry's SQL is written once, in SQLite's dialect with ? placeholders.
// The differences PostgreSQL needs are confined to this file and postgres.go:
// placeholders and GLOB are rewritten by the connection (pgConn), and the
// few statements whose semantics differ go through the Store methods below.

// pgConnector hands database/sql connections that rewrite the SQL.
type pgConnector struct{ driver.Connector }

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	cn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &pgConn{cn.(*stdlib.Conn)}, nil
}

// pgConn is pgx's database/sql connection with the queries rebound; every
// other driver interface (transactions, sessions, value checks) is pgx's own.
type pgConn struct{ *stdlib.Conn }

func (c *pgConn) Prepare(q string) (driver.Stmt, error) { return c.Conn.Prepare(rebind(q)) }
func (c *pgConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, rebind(q))
}
func (c *pgConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.ExecContext(ctx, rebind(q), args)
}
func (c *pgConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.QueryContext(ctx, rebind(q), args)
}

// rebind turns SQLite's ? placeholders into PostgreSQL's $1, $2, … (outside
// string literals), and "GLOB ?" into a LIKE: the registry globs only hex
// digest prefixes followed by '*', which contain no LIKE metacharacter.
func rebind(q string) string {
	q = strings.ReplaceAll(q, "GLOB ?", "LIKE replace(?, '*', '%')")
	var b strings.Builder
	b.Grow(len(q) + 16)
	n, quoted := 0, false
	for i := 0; i < len(q); i++ {
		switch c := q[i]; {
		case c == '\'':
			quoted = !quoted
			b.WriteByte(c)
		case c == '?' && !quoted:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Keys of the PostgreSQL advisory locks (per database). Numbers, not names:
// pg_advisory_lock takes a bigint. "RGML" followed by a purpose.
const (
	pgLockWrite   int64 = 0x52474d4c_0001 // held by every write transaction: SQLite's BEGIN IMMEDIATE
	pgLockBlobs   int64 = 0x52474d4c_0002 // shared by Put and Verify, exclusive for GC (the flock of a directory store)
	pgLockMigrate int64 = 0x52474d4c_0003 // one schema migrator at a time
)

// beginWrite starts a write transaction. Writers are serialised, as SQLite
// does with BEGIN IMMEDIATE: on PostgreSQL the transaction first takes an
// advisory lock, so concurrent Puts of one name read max(version) one after
// another and get consecutive versions, and alias moves never interleave.
// The transaction stays READ COMMITTED: each statement after the lock sees
// what the previous lock holder committed.
func (s *Store) beginWrite(ctx context.Context) (*sql.Tx, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil || !s.pg {
		return tx, err
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, pgLockWrite); err != nil {
		tx.Rollback()
		return nil, err
	}
	return tx, nil
}

// readOptions are those of a read-only transaction: on PostgreSQL it is
// REPEATABLE READ so that its several queries see one snapshot, as they do
// in SQLite.
func (s *Store) readOptions() *sql.TxOptions {
	if s.pg {
		return &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	}
	return &sql.TxOptions{ReadOnly: true}
}

// insertID runs an INSERT into a table with an id column and returns the
// new row's id: LastInsertId in SQLite, RETURNING in PostgreSQL.
func (s *Store) insertID(ctx context.Context, tx *sql.Tx, q string, args ...any) (int64, error) {
	if s.pg {
		var id int64
		err := tx.QueryRowContext(ctx, q+" RETURNING id", args...).Scan(&id)
		return id, err
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// isRetryable reports whether err is a transient conflict between
// concurrent processes that a retry resolves: SQLite's SQLITE_BUSY or
// SQLITE_LOCKED, PostgreSQL's serialization failure, deadlock or
// lock-not-available.
func isRetryable(err error) bool {
	if isBusy(err) {
		return true
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case "40001", "40P01", "55P03":
		return true
	}
	return false
}
