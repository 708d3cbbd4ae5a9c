package registry

import (
	"bytes"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func userVersion(t *testing.T, dbPath string) int {
	t.Helper()
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOpenExistingDoesNotWrite(t *testing.T) {
	root := filepath.Join(t.TempDir(), "reg")
	s, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	e := put(t, s, Model, "m", Lineage{}, File{Name: "w.npz", Data: []byte("w")})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(root, DBFile)
	before, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		s, err = Open(root)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Resolve(Model, "m"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.List("", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReadFile(e, "w.npz"); err != nil {
			t.Fatal(err)
		}
		mustVerify(t, s)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	after, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Fatal("opening and reading an existing store changed registry.db")
	}
	if v := userVersion(t, dbPath); v != SchemaVersion() {
		t.Fatalf("user_version %d", v)
	}
}

func TestSchemaTooNew(t *testing.T) {
	root := filepath.Join(t.TempDir(), "reg")
	s, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	dbPath := filepath.Join(root, DBFile)
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(root)
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("err %v, want ErrSchemaTooNew", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "99") || !strings.Contains(msg, "upgrade rgml") {
		t.Fatalf("message: %s", msg)
	}
	if v := userVersion(t, dbPath); v != 99 {
		t.Fatalf("user_version changed to %d", v)
	}
}

func TestForwardMigration(t *testing.T) {
	root := filepath.Join(t.TempDir(), "reg")
	s, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	e := put(t, s, Dataset, "d", Lineage{})
	s.Close()

	saved := migrations
	t.Cleanup(func() { migrations = saved })
	migrations = append(saved[:len(saved):len(saved)], `CREATE TABLE extra (x INTEGER)`)
	s, err = Open(root)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Resolve(Dataset, "d"); err != nil || got.Digest != e.Digest {
		t.Fatalf("after migration: %v %v", got, err)
	}
	if _, err := s.db.Exec(`INSERT INTO extra VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if v := userVersion(t, filepath.Join(root, DBFile)); v != len(saved)+1 {
		t.Fatalf("user_version %d", v)
	}

	// The older program now refuses the migrated store.
	migrations = saved
	if _, err := Open(root); !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("old program on new store: %v", err)
	}
}

func TestNotRegistry(t *testing.T) {
	root := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(root, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE mine (x)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(root); !errors.Is(err, ErrNotRegistry) {
		t.Fatalf("err %v", err)
	}
}

func TestOddRootPath(t *testing.T) {
	root := filepath.Join(t.TempDir(), "my reg?#%20x")
	s, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, Dataset, "d", Lineage{})
	s.Close()
	if _, err := os.Stat(filepath.Join(root, DBFile)); err != nil {
		t.Fatalf("database not at the root: %v", err)
	}
	s, err = Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Resolve(Dataset, "d"); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentCreate(t *testing.T) {
	root := filepath.Join(t.TempDir(), "reg")
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := Open(root)
			if err == nil {
				err = s.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if v := userVersion(t, filepath.Join(root, DBFile)); v != SchemaVersion() {
		t.Fatalf("user_version %d", v)
	}
}
