package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// putV1 records an entry the way Put did under schema 1 (no key column,
// links of roles dataset and parent only), so a store of that schema can be
// built without the old program.
func putV1(t *testing.T, s *Store, kind Kind, name string, lin Lineage) Entry {
	t.Helper()
	ctx := context.Background()
	h, n, err := s.writeBlob(ctx, strings.NewReader(name))
	if err != nil {
		t.Fatal(err)
	}
	created := s.timestamp()
	files := []FileRef{{Name: "data.bin", Digest: DigestPrefix + h, Size: n}}
	m := Manifest{Format: ManifestFormat, Kind: kind, Name: name, Version: 1, Created: created, Files: files, Lineage: lin}
	mdata, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	mh, _, err := s.writeBlob(ctx, bytes.NewReader(append(mdata, '\n')))
	if err != nil {
		t.Fatal(err)
	}
	now := fmtTime(created)
	res, err := s.db.Exec(`INSERT INTO entries (kind, name, version, digest, created, size) VALUES (?, ?, 1, ?, ?, ?)`, kind, name, mh, now, n)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	if _, err := s.db.Exec(`INSERT INTO files (entry_id, pos, name, digest, size) VALUES (?, 0, 'data.bin', ?, ?)`, id, h, n); err != nil {
		t.Fatal(err)
	}
	for i, d := range lin.Datasets {
		if _, err := s.db.Exec(`INSERT INTO links (entry_id, role, pos, target) VALUES (?, 'dataset', ?, ?)`, id, i, strings.TrimPrefix(d, DigestPrefix)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.db.Exec(`INSERT INTO aliases (kind, name, alias, entry_id, moved) VALUES (?, ?, 'latest', ?, ?)`, kind, name, id, now); err != nil {
		t.Fatal(err)
	}
	return Entry{Kind: kind, Name: name, Version: 1, Digest: DigestPrefix + mh}
}

func TestMigrateFromSchema1(t *testing.T) {
	root := filepath.Join(t.TempDir(), "reg")
	saved := migrations
	t.Cleanup(func() { migrations = saved })
	migrations = saved[:1]
	s, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	d := putV1(t, s, Dataset, "d", Lineage{Seed: 1})
	m := putV1(t, s, Model, "m", Lineage{Datasets: []string{d.Digest}})
	if _, err := s.db.Exec(`INSERT INTO entries (kind, name, version, digest, created, size) VALUES ('flow', 'f', 1, 'x', 'now', 0)`); err == nil {
		t.Fatal("schema 1 accepted a flow")
	}
	s.Close()
	if v := userVersion(t, filepath.Join(root, DBFile)); v != 1 {
		t.Fatalf("user_version %d", v)
	}

	migrations = saved
	if _, err := OpenReadOnly(root); err == nil || !strings.Contains(err.Error(), "rgml registry init") {
		t.Fatalf("read-only open of an old schema: %v", err)
	}
	s, err = Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.UpgradedFrom() != 1 {
		t.Errorf("UpgradedFrom %d", s.UpgradedFrom())
	}
	if v := userVersion(t, filepath.Join(root, DBFile)); v != SchemaVersion() {
		t.Fatalf("user_version %d after migration", v)
	}
	var fk bool
	if err := s.db.QueryRow(`SELECT foreign_keys FROM pragma_foreign_keys`).Scan(&fk); err != nil || !fk {
		t.Fatalf("foreign keys left off after the migration: %v %v", fk, err)
	}
	chain, err := s.Lineage(Model, "m")
	if err != nil || len(chain) != 2 || chain[1].Digest != d.Digest || chain[0].Digest != m.Digest {
		t.Fatalf("old lineage after migration: %v %v", refs(chain), err)
	}
	if _, err := s.Remove(Dataset, "d", false); !errors.Is(err, ErrInUse) {
		t.Fatalf("old links lost: %v", err)
	}
	f := put(t, s, Flow, "f", Lineage{Key: keyOf("f"), Inputs: []Input{{"rbm", m.Digest}, {"from", d.Digest}}})
	if got, ok, err := s.FindByKey(context.Background(), Flow, keyOf("f")); err != nil || !ok || got.Digest != f.Digest {
		t.Fatalf("FindByKey after migration: %v %v %v", got, ok, err)
	}
	if _, err := s.Remove(Model, "m", false); !errors.Is(err, ErrInUse) {
		t.Fatalf("input link not protecting: %v", err)
	}
	// Files and aliases still reference entries.
	if _, err := s.db.Exec(`INSERT INTO files (entry_id, pos, name, digest, size) VALUES (999, 0, 'x', 'y', 0)`); err == nil {
		t.Fatal("foreign key from files to entries lost")
	}
	mustVerify(t, s)
}
