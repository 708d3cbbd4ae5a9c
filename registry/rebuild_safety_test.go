package registry

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A rebuild killed half way leaves a database with a schema and some of
// the entries, or none. Stores refuse it (gc would delete the other
// entries' blobs), and the next Rebuild replaces it and recovers them all.
func TestInterruptedRebuildRunsAgain(t *testing.T) {
	s := newStore(t)
	put(t, s, Dataset, "d", Lineage{})
	put(t, s, Model, "m", Lineage{})
	s.Close()
	root := s.Root()
	db := filepath.Join(root, DBFile)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(db + suffix)
	}
	// What a killed Rebuild leaves: its marker and a database with the
	// schema and no entries.
	if err := writeMarker(filepath.Join(root, RebuildMarker)); err != nil {
		t.Fatal(err)
	}
	partial, err := open(root, false, true)
	if err != nil {
		t.Fatal(err)
	}
	partial.Close()

	for _, open := range []func(string) (*Store, error){Open, OpenReadOnly} {
		if _, err := open(root); !errors.Is(err, ErrNoDatabase) || !strings.Contains(err.Error(), "rebuild") {
			t.Fatalf("open after an interrupted rebuild: %v; want ErrNoDatabase naming rebuild", err)
		}
	}
	rep, err := Rebuild(context.Background(), root)
	if err != nil {
		t.Fatalf("rebuild after an interrupted one: %v", err)
	}
	if rep.Entries != 2 {
		t.Errorf("rebuild recovered %d entries, want 2", rep.Entries)
	}
	if _, err := os.Stat(filepath.Join(root, RebuildMarker)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the marker outlived a finished rebuild: %v", err)
	}
	r, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	mustVerify(t, r)
	for _, ref := range []struct {
		kind Kind
		name string
	}{{Dataset, "d"}, {Model, "m"}} {
		if _, err := r.Resolve(ref.kind, ref.name); err != nil {
			t.Errorf("%s %s after rebuild: %v", ref.kind, ref.name, err)
		}
	}
}

// A rebuild that fails once it has set the old database aside and created
// a new one (a full disk, Ctrl-C) leaves the store as it found it, so that
// it can run again.
func TestFailedRebuildChangesNothing(t *testing.T) {
	s := newStore(t)
	put(t, s, Dataset, "d", Lineage{})
	s.Close()
	root := s.Root()
	db := filepath.Join(root, DBFile)
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(db + suffix)
	}
	os.WriteFile(db, []byte("not a database at all, but long enough to be read"), 0o644)
	rebuildFault = func() error {
		if _, err := os.Stat(filepath.Join(root, RebuildMarker)); err != nil {
			t.Errorf("no marker while the rebuild inserts: %v", err)
		}
		return errors.New("disk full")
	}
	_, err := Rebuild(context.Background(), root)
	rebuildFault = func() error { return nil }
	if err == nil {
		t.Fatal("a rebuild that failed inserting succeeded")
	}
	if b, _ := os.ReadFile(db); string(b) != "not a database at all, but long enough to be read" {
		t.Errorf("a failed rebuild changed %s: %d bytes, %.40q", DBFile, len(b), b)
	}
	if _, err := os.Stat(filepath.Join(root, RebuildMarker)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed rebuild left its marker: %v", err)
	}
	if _, err := Rebuild(context.Background(), root); err != nil {
		t.Fatalf("rebuild after a failed one: %v", err)
	}
	lost, _ := filepath.Glob(db + ".lost-*")
	if len(lost) != 1 {
		t.Errorf("set aside %v, want the one lost database", lost)
	}
}

// A database restored from a backup older than some entries does not
// know them: gc keeps their manifests and files, and says so, instead of
// deleting every newer entry; a manifest whose version a
// later entry took is an interrupted Put's, and garbage.
func TestGCKeepsEntriesTheDatabaseLost(t *testing.T) {
	s := newStore(t)
	put(t, s, Dataset, "old", Lineage{})
	s.Close()
	root := s.Root()
	db := filepath.Join(root, DBFile)
	backup, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	lost := put(t, s2, Dataset, "new", Lineage{})
	lostFiles := lost.Files
	s2.Close()
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(db + suffix)
	}
	if err := os.WriteFile(db, backup, 0o644); err != nil {
		t.Fatal(err)
	}

	r, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rep, err := r.GC(false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Blobs != 0 || len(rep.Unknown) != 1 || !strings.HasPrefix(rep.Unknown[0], "dataset new:1 ") {
		t.Errorf("gc: deleted %d blobs %v, unknown %v; want none deleted, dataset new:1 kept", rep.Blobs, rep.Paths, rep.Unknown)
	}
	for _, f := range append(lostFiles, FileRef{Digest: lost.Digest}) {
		h := strings.TrimPrefix(f.Digest, DigestPrefix)
		if _, err := os.Stat(r.blobPath(h)); err != nil {
			t.Errorf("gc deleted %s of the lost entry: %v", f.Digest, err)
		}
	}
	// A new Put of the name takes version 1: the lost manifest is now an
	// interrupted Put's, and goes with its file (verify then finds the
	// live entries whole).
	again := put(t, r, Dataset, "new", Lineage{Extra: map[string]any{"again": true}})
	rep, err = r.GC(false)
	if err != nil {
		t.Fatal(err)
	}
	gone := strings.Join(rep.Paths, " ")
	if again.Version != 1 || rep.Blobs != 1+len(lostFiles) || len(rep.Unknown) != 0 || !strings.Contains(gone, strings.TrimPrefix(lost.Digest, DigestPrefix)) {
		t.Errorf("gc after new:1 was taken again (version %d): deleted %v, unknown %v; want the old manifest only", again.Version, rep.Paths, rep.Unknown)
	}
	mustVerify(t, r)
}

// Rebuild of a folder that does not exist says there is no registry there
// (rgml: exit 2), not that blobs/sha256 cannot be opened.
func TestRebuildNoRegistry(t *testing.T) {
	_, err := Rebuild(context.Background(), filepath.Join(t.TempDir(), "nowhere"))
	if !errors.Is(err, ErrNoRegistry) {
		t.Errorf("rebuild of a missing folder: %v; want ErrNoRegistry", err)
	}
}
