package registry

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenReadOnlyCreatesNothing(t *testing.T) {
	root := filepath.Join(t.TempDir(), "nonexistent", "reg")
	if _, err := OpenReadOnly(root); !errors.Is(err, ErrNoRegistry) || !strings.Contains(err.Error(), root) {
		t.Fatalf("read-only open of a missing store: %v", err)
	}
	if _, err := os.Stat(filepath.Dir(root)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("read-only open created %s", filepath.Dir(root))
	}
	// An empty directory is not a store either, and stays empty.
	empty := t.TempDir()
	if _, err := OpenReadOnly(empty); !errors.Is(err, ErrNoRegistry) {
		t.Fatalf("read-only open of an empty directory: %v", err)
	}
	if es, _ := os.ReadDir(empty); len(es) != 0 {
		t.Fatalf("read-only open wrote %v", es)
	}
}

func TestReadOnlyStore(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		e := put(t, s, Dataset, "d", Lineage{})
		s.Close()
		r, err := OpenReadOnly(s.Root())
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if got, err := r.Resolve(Dataset, "d"); err != nil || got.Digest != e.Digest {
			t.Fatalf("resolve: %v %v", got, err)
		}
		mustVerify(t, r)
		if _, err := r.Put(context.Background(), Dataset, "d", []File{{Name: "x", Data: []byte("x")}}, Lineage{}); !errors.Is(err, ErrReadOnly) {
			t.Errorf("put: %v", err)
		}
		if _, err := r.Remove(Dataset, "d", true); !errors.Is(err, ErrReadOnly) {
			t.Errorf("remove: %v", err)
		}
		if _, err := r.GC(false); !errors.Is(err, ErrReadOnly) {
			t.Errorf("gc: %v", err)
		}
		if rep, err := r.GC(true); err != nil || rep.Kept != 2 {
			t.Errorf("gc dry run: %+v %v", rep, err)
		}
		// SQLite itself refuses writes, not only our guards.
		if _, err := r.db.Exec(`CREATE TABLE scratch (x)`); err == nil {
			t.Error("a read-only store's database accepted a write")
		}
	})
}

// A store whose database vanished must not come back empty: that would hide
// every entry and let gc delete every blob.
func TestLostDatabaseRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		lose func(db string)
		want string
	}{
		{"deleted", func(db string) { os.Remove(db) }, "is missing"},
		{"truncated", func(db string) { os.WriteFile(db, nil, 0o644) }, "is empty"},
		{"no schema", func(db string) {
			os.Remove(db)
			d, err := sql.Open("sqlite", "file:"+db)
			if err != nil {
				t.Fatal(err)
			}
			d.Exec(`PRAGMA user_version = 0; VACUUM`)
			d.Close()
		}, "has no schema"},
		{"overwritten", func(db string) { os.WriteFile(db, []byte("not a database at all, but long enough to be read"), 0o644) },
			"is not an SQLite database"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			put(t, s, Dataset, "d", Lineage{})
			s.Close()
			db := filepath.Join(s.Root(), DBFile)
			os.Remove(db + "-wal")
			os.Remove(db + "-shm")
			tc.lose(db)
			before, _ := os.ReadFile(db)
			for _, open := range []func(string) (*Store, error){Open, OpenReadOnly} {
				_, err := open(s.Root())
				if !errors.Is(err, ErrNoDatabase) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "backup") {
					t.Fatalf("open: %v", err)
				}
			}
			defer func() {
				// And Rebuild recovers the entry from its manifest.
				if _, err := Rebuild(context.Background(), s.Root()); err != nil {
					t.Fatalf("rebuild: %v", err)
				}
				r, err := OpenReadOnly(s.Root())
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				if _, err := r.Resolve(Dataset, "d"); err != nil {
					t.Errorf("after rebuild: %v", err)
				}
			}()
			if after, _ := os.ReadFile(db); string(after) != string(before) {
				t.Errorf("the refused open changed the database file: %d -> %d bytes", len(before), len(after))
			}
			if n := countBlobs(filepath.Join(s.Root(), BlobDir)); n != 2 {
				t.Errorf("%d blobs left, want 2", n)
			}
		})
	}
}

func TestRemoveKeepsLineageReadable(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		d := put(t, s, Dataset, "train", Lineage{})
		m := put(t, s, Model, "rbm", Lineage{Datasets: []string{d.Digest}})
		_, err := s.Remove(Dataset, "train", false)
		if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "model rbm:1") {
			t.Fatalf("remove of a trained-on dataset: %v", err)
		}
		if _, err := s.Resolve(Dataset, "train"); err != nil {
			t.Fatalf("refused remove removed: %v", err)
		}
		if _, err := s.Remove(Dataset, "train", true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GC(false); err != nil {
			t.Fatal(err)
		}
		chain, err := s.Lineage(Model, m.Ref())
		if err != nil || len(chain) != 2 {
			t.Fatalf("lineage: %v %v", chain, err)
		}
		if _, err := s.Manifest(chain[1]); err != nil {
			t.Fatalf("manifest of the removed dataset: %v", err)
		}
		mustVerify(t, s)

		// A lineage manifest lost anyway (e.g. by an older gc) is reported.
		os.Remove(blobOf(t, s, d.Digest))
		ps, err := s.Verify(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 || ps[0].Kind != ProblemLineage || !strings.Contains(ps[0].String(), "model rbm:1") || !strings.Contains(ps[0].String(), "dataset train:1") {
			t.Fatalf("verify: %v", ps)
		}
	})
}

func TestExportCorruptLeavesNothing(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		e := put(t, s, Dataset, "d", Lineage{})
		mp := blobOf(t, s, e.Digest)
		os.Chmod(mp, 0o644)
		os.WriteFile(mp, []byte(`{"format": "damaged"}`), 0o444)

		parent := t.TempDir()
		dir := filepath.Join(parent, "new", "export")
		if err := s.Export(e, dir); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("export: %v", err)
		}
		if es, _ := os.ReadDir(parent); len(es) != 0 {
			t.Errorf("left behind in %s: %v", parent, es)
		}
		existing := t.TempDir()
		if err := s.Export(e, existing); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("export: %v", err)
		}
		if es, _ := os.ReadDir(existing); len(es) != 0 {
			t.Errorf("left behind in %s: %v", existing, es)
		}
	})
}

func TestRebuildFromManifests(t *testing.T) {
	s := newStore(t)
	d1 := put(t, s, Dataset, "d", Lineage{})
	put(t, s, Dataset, "d", Lineage{})
	x := put(t, s, Dataset, "x", Lineage{})
	m1 := put(t, s, Model, "m", Lineage{Datasets: []string{d1.Digest, x.Digest}})
	m2 := put(t, s, Model, "m", Lineage{Parent: m1.Digest})
	if err := s.Tag(Dataset, "d", "best", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remove(Dataset, "d:2", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remove(Dataset, "x", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GC(false); err != nil {
		t.Fatal(err)
	}
	if _, err := Rebuild(context.Background(), s.Root()); err == nil || !strings.Contains(err.Error(), "has a schema") {
		t.Fatalf("rebuild of a sound store: %v", err)
	}
	s.Close()
	db := filepath.Join(s.Root(), DBFile)
	os.WriteFile(db, nil, 0o644)

	rep, err := Rebuild(context.Background(), s.Root())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Entries != 4 || rep.Removed != 1 || !strings.HasPrefix(rep.OldDatabase, db+".lost-") {
		t.Fatalf("report %+v", rep)
	}
	r, err := Open(s.Root())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	mustVerify(t, r)
	if e, err := r.Resolve(Dataset, "d"); err != nil || e.Digest != d1.Digest {
		t.Errorf("latest d: %v %v", e, err)
	}
	if _, err := r.Resolve(Dataset, "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("x, whose data gc collected, must come back removed: %v", err)
	}
	chain, err := r.Lineage(Model, "m")
	if err != nil || len(chain) != 4 || chain[0].Digest != m2.Digest || chain[1].Digest != m1.Digest {
		t.Fatalf("lineage after rebuild: %v %v", chain, err)
	}
	for _, e := range chain {
		if _, err := r.Manifest(e); err != nil {
			t.Errorf("manifest of %s: %v", e, err)
		}
	}
}
