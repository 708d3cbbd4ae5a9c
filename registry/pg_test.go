package registry

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"

	"github.com/rgml/rgml/registry/pgtest"
)

// The PostgreSQL half of the suite runs against a throwaway server (see
// package pgtest) that the first test needing it starts and TestMain stops;
// each test gets a database of its own.

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.StopShared()
	os.Exit(code)
}

// newPGDatabase creates an empty database for the test and returns its URL;
// helper processes never start a server.
func newPGDatabase(t testing.TB) string {
	t.Helper()
	if os.Getenv(helperEnv) != "" {
		t.Skip("helper process")
	}
	return pgtest.Database(t)
}

// onPostgres reports whether the test runs in the postgres half of
// bothBackends.
func onPostgres(t testing.TB) bool { return strings.Contains(t.Name(), "/postgres") }

// bothBackends runs body against a directory (SQLite) store and against a
// PostgreSQL one: newStore and newLocation pick the backend by the subtest.
func bothBackends(t *testing.T, body func(t *testing.T)) {
	t.Run("sqlite", body)
	t.Run("postgres", body)
}

// newLocation returns where to open a fresh store for this test: a
// directory, or a PostgreSQL URL with RGML_BLOBS set (for this process and,
// through env, for helper processes).
func newLocation(t testing.TB) (root string, env []string) {
	t.Helper()
	if !onPostgres(t) {
		return filepath.Join(t.TempDir(), "reg"), nil
	}
	u := newPGDatabase(t)
	blobs := filepath.Join(t.TempDir(), "blobs")
	t.Setenv(EnvBlobs, blobs)
	return u, []string{EnvBlobs + "=" + blobs}
}

func TestRebind(t *testing.T) {
	for in, want := range map[string]string{
		`SELECT a FROM t WHERE x = ? AND y = 'a?b' AND z = ?`: `SELECT a FROM t WHERE x = $1 AND y = 'a?b' AND z = $2`,
		`e.digest GLOB ?`:    `e.digest LIKE replace($1, '*', '%')`,
		`SELECT 'it''s' , ?`: `SELECT 'it''s' , $1`,
	} {
		if got := rebind(in); got != want {
			t.Errorf("rebind(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMigrationsNumberedAlike(t *testing.T) {
	if len(pgMigrations) != len(migrations) {
		t.Fatalf("%d PostgreSQL migrations, %d SQLite ones: a schema version must mean the same on both", len(pgMigrations), len(migrations))
	}
}

func TestPGSmoke(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		e := put(t, s, Dataset, "d", Lineage{})
		e2 := put(t, s, Dataset, "d", Lineage{Datasets: []string{e.Digest}})
		if e2.Version != 2 {
			t.Fatal(e2.Version)
		}
		l, err := s.List("", "")
		if err != nil || len(l) != 2 {
			t.Fatal(l, err)
		}
		if _, err := s.Resolve(Dataset, e.Digest[7:15]); err != nil {
			t.Fatal(err)
		}
		mustVerify(t, s)
	})
}

// TestPGSchema: the PostgreSQL schema is versioned and migrated like
// SQLite's, and a database that is not a registry's is left alone.
func TestPGSchema(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		raw := func(t *testing.T, u string) *sql.DB {
			db, err := sql.Open("pgx", u)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
		t.Run("forward", func(t *testing.T) {
			u, _ := newLocation(t)
			os.MkdirAll(os.Getenv(EnvBlobs), 0o755)
			db := raw(t, u)
			if _, err := db.Exec(pgMigrations[0] + `UPDATE rgml_schema SET version = 1;
				INSERT INTO entries (kind, name, version, digest, created, size) VALUES ('model', 'old', 1, '` + strings.Repeat("a", 64) + `', '2024-01-01T00:00:00.000000Z', 0);
				INSERT INTO aliases SELECT 'model', 'old', 'latest', id, created FROM entries`); err != nil {
				t.Fatal(err)
			}
			if _, err := OpenReadOnly(u); !errors.Is(err, ErrSchemaOld) {
				t.Fatalf("read-only open of an old schema: %v", err)
			}
			s, err := Open(u)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if s.UpgradedFrom() != 1 || s.Created() {
				t.Fatalf("upgraded from %d, created %v", s.UpgradedFrom(), s.Created())
			}
			if e, err := s.Resolve(Model, "old"); err != nil || e.Version != 1 {
				t.Fatalf("old entry: %v %v", e, err)
			}
			put(t, s, Flow, "new", Lineage{Key: strings.Repeat("0", 64)}) // schema 2's kind and key
			if _, err := db.Exec(`UPDATE rgml_schema SET version = 99`); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(u); !errors.Is(err, ErrSchemaTooNew) {
				t.Fatalf("newer schema: %v", err)
			}
		})
		t.Run("not a registry", func(t *testing.T) {
			u, _ := newLocation(t)
			db := raw(t, u)
			if _, err := db.Exec(`CREATE TABLE mine (x INTEGER)`); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(u); !errors.Is(err, ErrNotRegistry) {
				t.Fatalf("open: %v", err)
			}
			var n int
			db.QueryRow(`SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()`).Scan(&n)
			if n != 1 {
				t.Fatalf("%d tables after a refused open, want 1", n)
			}
		})
		t.Run("create", func(t *testing.T) {
			u, _ := newLocation(t)
			if _, err := OpenReadOnly(u); !errors.Is(err, ErrNoRegistry) {
				t.Fatalf("read-only open of an empty database: %v", err)
			}
			var n int
			raw(t, u).QueryRow(`SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()`).Scan(&n)
			if n != 0 {
				t.Fatalf("read-only open created %d tables", n)
			}
			const k = 4
			created := make(chan bool, k)
			for range k {
				go func() {
					s, err := Open(u)
					if err != nil {
						t.Error(err)
						created <- false
						return
					}
					created <- s.Created()
					s.Close()
				}()
			}
			c := 0
			for range k {
				if <-created {
					c++
				}
			}
			if c != 1 {
				t.Fatalf("%d opens say they created the registry, want 1", c)
			}
		})
	})
}
