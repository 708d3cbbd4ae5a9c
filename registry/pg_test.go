package registry

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
