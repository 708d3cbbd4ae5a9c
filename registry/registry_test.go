package registry

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func newStore(t testing.TB) *Store {
	t.Helper()
	root, _ := newLocation(t)
	s, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func put(t testing.TB, s *Store, kind Kind, name string, lin Lineage, files ...File) Entry {
	t.Helper()
	if len(files) == 0 {
		files = []File{{Name: "data.bin", Data: []byte(name + time.Now().String())}}
	}
	e, err := s.Put(context.Background(), kind, name, files, lin)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func mustVerify(t testing.TB, s *Store) {
	t.Helper()
	ps, err := s.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		t.Errorf("verify: %s", p)
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestRoundTrip(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		ctx := context.Background()
		cfg := bytes.Repeat([]byte{1, 0xff}, 1000)
		labels := []byte("T=2.269")
		ds, err := s.Put(ctx, Dataset, "ising-L16", []File{{Name: "data.npz", Data: cfg}, {Name: "labels.npz", Reader: bytes.NewReader(labels)}}, Lineage{
			Plugin:     &PluginRef{Name: "ising", Version: "1.2.0", SHA256: strings.Repeat("ab", 32)},
			Algorithm:  "metropolis",
			Seed:       42,
			Parameters: map[string]any{"L": 16, "T": []float64{2.0, 2.269, 2.5}},
			Samples:    3000, PerPoint: 1000,
		})
		if err != nil {
			t.Fatal(err)
		}
		if ds.Version != 1 || ds.Kind != Dataset || ds.Name != "ising-L16" || len(ds.Files) != 2 || ds.Size != int64(len(cfg)+len(labels)) {
			t.Fatalf("unexpected entry %+v", ds)
		}
		if ds.Files[0].Digest != "sha256:"+sha(cfg) {
			t.Fatalf("file digest %s", ds.Files[0].Digest)
		}

		m1 := put(t, s, Model, "rbm", Lineage{Datasets: []string{ds.Digest}, Seed: 7,
			HyperParameters: map[string]any{"lr": 0.01, "k": 1},
			Metrics:         &Metrics{Epochs: 10, WallSeconds: 1.5, FinalLosses: map[string]float64{"recon": 0.25}},
			Host:            &HostRef{Version: "0.1.0", Commit: "deadbeef"}})
		m2 := put(t, s, Model, "rbm", Lineage{Datasets: []string{strings.TrimPrefix(ds.Digest, "sha256:")}, Parent: m1.Digest})
		if m1.Version != 1 || m2.Version != 2 {
			t.Fatalf("versions %d %d", m1.Version, m2.Version)
		}

		// Every reference form.
		hexd := strings.TrimPrefix(m1.Digest, "sha256:")
		for ref, want := range map[string]int{
			"rbm": 2, "rbm:1": 1, "rbm:2": 2, "rbm@latest": 2,
			"sha256:" + hexd[:8]: 1, hexd[:10]: 1, strings.ToUpper("sha256:" + hexd): 1,
		} {
			e, err := s.Resolve(Model, ref)
			if err != nil {
				t.Fatalf("resolve %q: %v", ref, err)
			}
			if e.Version != want {
				t.Fatalf("resolve %q: version %d, want %d", ref, e.Version, want)
			}
		}
		if e, err := s.Get(Model, "rbm", 1); err != nil || e.Digest != m1.Digest {
			t.Fatalf("get: %v %v", e, err)
		}

		// Files and manifest.
		got, err := s.ReadFile(ds, "data.npz")
		if err != nil || !bytes.Equal(got, cfg) {
			t.Fatalf("readfile: %v", err)
		}
		raw, err := s.ReadFile(ds, ManifestFile)
		if err != nil || "sha256:"+sha(raw) != ds.Digest {
			t.Fatalf("manifest digest: %v", err)
		}
		man, err := s.Manifest(m2)
		if err != nil {
			t.Fatal(err)
		}
		if man.Format != ManifestFormat || man.Version != 2 || man.Lineage.Parent != m1.Digest || man.Lineage.Datasets[0] != ds.Digest || !man.Created.Equal(m2.Created) {
			t.Fatalf("manifest %+v", man)
		}
		if _, err := s.ReadFile(ds, "nope.npz"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "data.npz") {
			t.Fatalf("missing file error: %v", err)
		}

		// Lineage: model, parent, dataset.
		chain, err := s.Lineage(Model, "rbm")
		if err != nil {
			t.Fatal(err)
		}
		var refs []string
		for _, e := range chain {
			refs = append(refs, string(e.Kind)+"/"+e.Ref())
		}
		if want := []string{"model/rbm:2", "model/rbm:1", "dataset/ising-L16:1"}; !slices.Equal(refs, want) {
			t.Fatalf("lineage %v, want %v", refs, want)
		}

		// Tags.
		if err := s.Tag(Model, "rbm", "best", 1); err != nil {
			t.Fatal(err)
		}
		if e, _ := s.Resolve(Model, "rbm@best"); e.Version != 1 {
			t.Fatalf("best -> %d", e.Version)
		}
		if err := s.Tag(Model, "rbm", "best", 2); err != nil {
			t.Fatal(err)
		}
		if e, _ := s.Resolve(Model, "rbm@best"); e.Version != 2 || !slices.Equal(e.Aliases, []string{"best", "latest"}) {
			t.Fatalf("best moved: %+v", e)
		}
		if err := s.Tag(Model, "rbm", "latest", 1); !errors.Is(err, ErrInvalidName) {
			t.Fatalf("tag latest: %v", err)
		}
		if err := s.Tag(Model, "rbm", "x", 9); !errors.Is(err, ErrNotFound) {
			t.Fatalf("tag missing version: %v", err)
		}

		// Export.
		dir := filepath.Join(t.TempDir(), "out")
		if err := s.Export(ds, dir); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "data.npz")); !bytes.Equal(b, cfg) {
			t.Fatal("exported data differs")
		}
		if b, _ := os.ReadFile(filepath.Join(dir, ManifestFile)); "sha256:"+sha(b) != ds.Digest {
			t.Fatal("exported manifest differs")
		}
		if err := s.Export(ds, dir); err != nil { // idempotent
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "labels.npz"), []byte("mine"), 0o644)
		if err := s.Export(ds, dir); !errors.Is(err, fs.ErrExist) {
			t.Fatalf("export over different file: %v", err)
		}

		// Remove the latest: latest moves back, number not reused, tag gone.
		if _, err := s.Remove(Model, "rbm", false); err != nil {
			t.Fatal(err)
		}
		if e, _ := s.Resolve(Model, "rbm"); e.Version != 1 {
			t.Fatalf("latest after remove: %d", e.Version)
		}
		if _, err := s.Resolve(Model, "rbm:2"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "removed") {
			t.Fatalf("removed version: %v", err)
		}
		if _, err := s.Resolve(Model, "rbm@best"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("tag of removed: %v", err)
		}
		m3 := put(t, s, Model, "rbm", Lineage{})
		if m3.Version != 3 {
			t.Fatalf("version after remove: %d", m3.Version)
		}
		all, err := s.List("", "")
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 || all[0].Kind != Dataset || all[1].Version != 1 || all[2].Version != 3 {
			t.Fatalf("list: %v", all)
		}

		// GC removes the blobs only m2 used (its file and manifest); a dry run first.
		rep, err := s.GC(true)
		if err != nil || rep.Blobs != 2 {
			t.Fatalf("gc dry run: %+v %v", rep, err)
		}
		rep, err = s.GC(false)
		if err != nil || rep.Blobs != 2 || rep.Bytes == 0 {
			t.Fatalf("gc: %+v %v", rep, err)
		}
		if rep, _ := s.GC(false); rep.Blobs != 0 {
			t.Fatalf("second gc: %+v", rep)
		}
		mustVerify(t, s)
		chain, err = s.Lineage(Model, "rbm:1")
		if err != nil || len(chain) != 2 {
			t.Fatalf("lineage rbm:1: %v %v", chain, err)
		}
	})
}

func TestLineageRemovedParentKept(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		p := put(t, s, Model, "a", Lineage{})
		c := put(t, s, Model, "b", Lineage{Parent: p.Digest})
		// b's lineage needs a: refused, naming b, unless forced.
		if _, err := s.Remove(Model, "a:1", false); !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "model b:1") {
			t.Fatalf("remove of a parent: %v", err)
		}
		if _, err := s.Remove(Model, "a:1", true); err != nil {
			t.Fatal(err)
		}
		rep, err := s.GC(false)
		if err != nil || rep.Blobs != 1 || rep.KeptLineage != 1 {
			t.Fatalf("gc must delete a's data and keep its manifest: %+v %v", rep, err)
		}
		chain, err := s.Lineage(Model, c.Ref())
		if err != nil {
			t.Fatal(err)
		}
		if len(chain) != 2 || chain[1].Digest != p.Digest || chain[1].Removed.IsZero() {
			t.Fatalf("chain %+v", chain)
		}
		if m, err := s.Manifest(chain[1]); err != nil || m.Name != "a" {
			t.Fatalf("manifest of the removed parent after gc: %+v %v", m, err)
		}
		if _, err := s.ReadFile(chain[1], "data.bin"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "removed") {
			t.Fatalf("read of removed, collected entry: %v", err)
		}
		if err := s.Export(chain[1], t.TempDir()); !errors.Is(err, ErrNotFound) {
			t.Fatalf("export of removed, collected entry: %v", err)
		}
		mustVerify(t, s)
	})
}

func TestLineageValidation(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		ctx := context.Background()
		files := []File{{Name: "w.npz", Data: []byte("w")}}
		unknown := "sha256:" + strings.Repeat("0", 64)
		if _, err := s.Put(ctx, Model, "m", files, Lineage{Datasets: []string{unknown}}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown dataset: %v", err)
		}
		if _, err := s.Put(ctx, Model, "m", files, Lineage{Parent: "abc"}); !errors.Is(err, ErrBadRef) {
			t.Fatalf("short parent: %v", err)
		}
		m := put(t, s, Model, "m", Lineage{})
		if _, err := s.Put(ctx, Model, "m2", files, Lineage{Datasets: []string{m.Digest}}); !errors.Is(err, ErrBadRef) {
			t.Fatalf("model as dataset: %v", err)
		}
		_, err := s.Put(ctx, Model, "m", files, Lineage{Metrics: &Metrics{FinalLosses: map[string]float64{"x": math.NaN()}}})
		if err == nil || !strings.Contains(err.Error(), "NaN") {
			t.Fatalf("NaN: %v", err)
		}
		if _, err := s.Put(ctx, Model, "m", nil, Lineage{}); err == nil {
			t.Fatal("no files accepted")
		}
		if _, err := s.Put(ctx, Model, "m", []File{{Name: "a"}, {Name: "a"}}, Lineage{}); !errors.Is(err, ErrInvalidName) {
			t.Fatalf("duplicate file: %v", err)
		}
		if _, err := s.Put(ctx, Model, "m", []File{{Name: ManifestFile}}, Lineage{}); !errors.Is(err, ErrInvalidName) {
			t.Fatalf("reserved file: %v", err)
		}
		if _, err := s.Put(ctx, Kind("weights"), "m", files, Lineage{}); !errors.Is(err, ErrInvalidKind) {
			t.Fatalf("kind: %v", err)
		}
		// Failed puts consumed no version.
		if e := put(t, s, Model, "m", Lineage{}); e.Version != 2 {
			t.Fatalf("version %d", e.Version)
		}
		mustVerify(t, s)
	})
}

func TestInvalidNames(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		ctx := context.Background()
		files := []File{{Name: "f", Data: []byte("x")}}
		bad := []string{"", "a/b", "/abs", "..", "a..b", "../x", "a\x00b", "a;b", "$(rm -rf ~)", "`id`", "a b", " a",
			"a|b", "a&b", "a>b", "a*", "a?", "a'b", `a"b`, "a\\b", "a:b", "a@b", ".hidden", "-rf", "_x", "é", "a\nb",
			strings.Repeat("a", 129)}
		for _, n := range bad {
			if _, err := s.Put(ctx, Dataset, n, files, Lineage{}); !errors.Is(err, ErrInvalidName) {
				t.Errorf("name %q: err %v, want ErrInvalidName", n, err)
			} else if !strings.Contains(err.Error(), "names are") {
				t.Errorf("name %q: message lacks the rules: %v", n, err)
			}
			if _, err := s.Put(ctx, Dataset, "ok", []File{{Name: n, Data: []byte("x")}}, Lineage{}); !errors.Is(err, ErrInvalidName) {
				t.Errorf("file name %q: err %v", n, err)
			}
			if n != "" {
				if err := s.Tag(Dataset, "ok", n, 1); !errors.Is(err, ErrInvalidName) {
					t.Errorf("alias %q: err %v", n, err)
				}
			}
		}
		for _, n := range []string{"a", "ising-L16", "rbm_v2.1", "A0", strings.Repeat("z", 128)} {
			if err := ValidateName(n); err != nil {
				t.Errorf("good name %q rejected: %v", n, err)
			}
		}
		if l, _ := s.List("", ""); len(l) != 0 {
			t.Fatalf("invalid puts stored entries: %v", l)
		}
	})
}

func TestBadRefs(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		e := put(t, s, Dataset, "ising", Lineage{})
		for ref, want := range map[string]error{
			"":              ErrBadRef,
			"ising:0":       ErrBadRef,
			"ising:-1":      ErrBadRef,
			"ising:x":       ErrBadRef,
			"ising:":        ErrBadRef,
			"a/b:1":         ErrBadRef,
			"ising@":        ErrBadRef,
			"ising@a;b":     ErrBadRef,
			"sha256:abc":    ErrBadRef,
			"sha256:xyzxyz": ErrBadRef,
			"$(reboot)":     ErrBadRef,
			"ising:2":       ErrNotFound,
			"ising@best":    ErrNotFound,
			"other":         ErrNotFound,
			"sha256:000000": ErrNotFound,
		} {
			_, err := s.Resolve(Dataset, ref)
			if !errors.Is(err, want) {
				t.Errorf("ref %q: err %v, want %v", ref, err, want)
			}
		}
		_, err := s.Resolve(Dataset, "ising:2")
		if !strings.Contains(err.Error(), "latest is 1") {
			t.Errorf("not-found message lacks a hint: %v", err)
		}
		_, err = s.Resolve(Dataset, "ising:x")
		if !strings.Contains(err.Error(), "NAME:VERSION") {
			t.Errorf("bad-ref message lacks the forms: %v", err)
		}
		_, err = s.Resolve(Model, "ising")
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "there is a dataset") {
			t.Errorf("other-kind hint: %v", err)
		}
		_, err = s.Resolve(Model, e.Digest[:20])
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "a dataset does") {
			t.Errorf("other-kind digest hint: %v", err)
		}
		if _, err := s.Resolve(Kind("x"), "ising"); !errors.Is(err, ErrInvalidKind) {
			t.Errorf("kind: %v", err)
		}
	})
}

// insertFake adds metadata rows with chosen digests (no blobs), for tests
// that need specific digests.
func insertFake(t testing.TB, s *Store, kind Kind, name string, version int, digest string) {
	t.Helper()
	now := fmtTime(s.timestamp())
	if _, err := s.db.Exec(`INSERT INTO entries (kind, name, version, digest, created, size) VALUES (?, ?, ?, ?, ?, 1)`, kind, name, version, digest, now); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := s.db.QueryRow(`SELECT id FROM entries WHERE digest = ?`, digest).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`INSERT INTO files (entry_id, pos, name, digest, size) VALUES (?, 0, 'f', ?, 1)`, id, strings.Repeat("0", 64)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`INSERT INTO aliases (kind, name, alias, entry_id, moved) VALUES (?, ?, 'latest', ?, ?)
		ON CONFLICT (kind, name, alias) DO UPDATE SET entry_id = excluded.entry_id`, kind, name, id, now); err != nil {
		t.Fatal(err)
	}
}

func TestAmbiguousPrefix(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		insertFake(t, s, Model, "x", 1, "abcdef01"+strings.Repeat("1", 56))
		insertFake(t, s, Model, "x", 2, "abcdef02"+strings.Repeat("2", 56))
		insertFake(t, s, Model, "abcdef", 1, "99"+strings.Repeat("3", 62))
		_, err := s.Resolve(Model, "sha256:abcdef")
		if !errors.Is(err, ErrAmbiguous) || !strings.Contains(err.Error(), "x:1") || !strings.Contains(err.Error(), "x:2") {
			t.Fatalf("ambiguous prefix: %v", err)
		}
		if e, err := s.Resolve(Model, "abcdef02"); err != nil || e.Version != 2 {
			t.Fatalf("unique prefix: %v %v", e, err)
		}
		// "abcdef" is both a name and a digest prefix.
		_, err = s.Resolve(Model, "abcdef")
		if !errors.Is(err, ErrAmbiguous) || !strings.Contains(err.Error(), "abcdef@latest") {
			t.Fatalf("name/prefix ambiguity: %v", err)
		}
		if e, err := s.Resolve(Model, "abcdef@latest"); err != nil || e.Name != "abcdef" {
			t.Fatalf("abcdef@latest: %v %v", e, err)
		}
	})
}

func blobOf(t *testing.T, s *Store, digest string) string {
	t.Helper()
	p, err := s.BlobPath(digest)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCorruptBlob(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		data := bytes.Repeat([]byte("weights"), 1000)
		e := put(t, s, Model, "rbm", Lineage{}, File{Name: "weights.npz", Data: data})
		other := put(t, s, Model, "other", Lineage{}, File{Name: "w.npz", Data: data}) // shares the blob
		mustVerify(t, s)

		p := blobOf(t, s, e.Files[0].Digest)
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o444 {
			t.Fatalf("blob mode %v, want read-only", fi.Mode().Perm())
		}
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(p)
		b[len(b)/2] ^= 0x01
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}

		ps, err := s.Verify(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 || ps[0].Kind != ProblemCorrupt || ps[0].Blob != e.Files[0].Digest || len(ps[0].Used) != 2 {
			t.Fatalf("problems: %v", ps)
		}
		u := ps[0].Used
		if u[0].Name != "other" || u[0].File != "w.npz" || u[1].Name != "rbm" || u[1].Version != 1 || u[1].File != "weights.npz" || u[1].Digest != e.Digest {
			t.Fatalf("uses: %+v", u)
		}
		if !strings.Contains(ps[0].String(), "model rbm:1 file weights.npz") {
			t.Fatalf("problem string: %s", ps[0])
		}
		got, err := s.ReadFile(e, "weights.npz")
		if !errors.Is(err, ErrCorrupt) || got != nil {
			t.Fatalf("readfile of corrupt blob: %v", err)
		}
		if msg := err.Error(); !strings.Contains(msg, "rbm:1") || !strings.Contains(msg, "weights.npz") {
			t.Fatalf("corrupt message lacks entry or file: %s", msg)
		}
		if err := s.Export(other, t.TempDir()); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("export of corrupt blob: %v", err)
		}
		// Putting the same bytes again repairs the blob.
		put(t, s, Model, "rbm", Lineage{}, File{Name: "weights.npz", Data: data})
		mustVerify(t, s)
		if _, err := s.ReadFile(e, "weights.npz"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestMissingBlobAndManifestMismatch(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		e := put(t, s, Dataset, "d", Lineage{}, File{Name: "data.npz", Data: []byte("abc")})
		if err := os.Remove(blobOf(t, s, e.Files[0].Digest)); err != nil {
			t.Fatal(err)
		}
		ps, _ := s.Verify(context.Background())
		if len(ps) != 1 || ps[0].Kind != ProblemMissing || len(ps[0].Used) != 1 || ps[0].Used[0].Name != "d" {
			t.Fatalf("problems: %v", ps)
		}
		if _, err := s.ReadFile(e, "data.npz"); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "missing") {
			t.Fatalf("readfile: %v", err)
		}

		// Database edited behind our back: the manifest no longer agrees.
		e2 := put(t, s, Dataset, "d2", Lineage{})
		if _, err := s.db.Exec(`UPDATE files SET size = 999 WHERE entry_id = ?`, e2.id); err != nil {
			t.Fatal(err)
		}
		ps, _ = s.Verify(context.Background())
		if len(ps) != 2 || ps[0].Kind != ProblemManifest || ps[1].Kind != ProblemMissing {
			t.Fatalf("problems: %v", ps)
		}
	})
}

func TestGCStaleTemp(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		put(t, s, Dataset, "d", Lineage{})
		old := filepath.Join(s.tmpDir(), "put-old.tmp")
		fresh := filepath.Join(s.tmpDir(), "put-fresh.tmp")
		os.WriteFile(old, []byte("partial"), 0o644)
		os.WriteFile(fresh, []byte("in progress"), 0o644)
		past := time.Now().Add(-2 * StaleTempAge)
		os.Chtimes(old, past, past)
		rep, err := s.GC(false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.TempFiles != 1 || rep.TempBytes != 7 || rep.Blobs != 0 || rep.Kept != 2 {
			t.Fatalf("report %+v", rep)
		}
		if _, err := os.Stat(old); !errors.Is(err, fs.ErrNotExist) {
			t.Fatal("stale temp file kept")
		}
		if _, err := os.Stat(fresh); err != nil {
			t.Fatal("fresh temp file removed")
		}
	})
}

func TestLocate(t *testing.T) {
	base := t.TempDir()
	deep := filepath.Join(base, "a", "b", "c")
	os.MkdirAll(deep, 0o755)
	t.Setenv(EnvHome, "")

	root, found, err := Locate(deep)
	if err != nil || found || root != filepath.Join(deep, DirName) {
		t.Fatalf("default: %s %v %v", root, found, err)
	}
	os.Mkdir(filepath.Join(base, "a", DirName), 0o755)
	root, found, err = Locate(deep)
	if err != nil || !found || root != filepath.Join(base, "a", DirName) {
		t.Fatalf("upward: %s %v %v", root, found, err)
	}
	t.Setenv(EnvHome, "rel/reg")
	root, found, err = Locate(deep)
	if err != nil || !found || root != filepath.Join(deep, "rel", "reg") {
		t.Fatalf("RGML_HOME: %s %v %v", root, found, err)
	}
}

func TestReadmeAndLayout(t *testing.T) {
	s := newStore(t)
	e := put(t, s, Model, "m", Lineage{}, File{Name: "weights.npz", Data: []byte("w")})
	h := strings.TrimPrefix(e.Files[0].Digest, "sha256:")
	if _, err := os.Stat(filepath.Join(s.Root(), "blobs", "sha256", h[:2], h)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.Root(), readmeName)); err != nil {
		t.Fatal(err)
	}
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q %v", mode, err)
	}
	var fk, busy int
	s.db.QueryRow("PRAGMA foreign_keys").Scan(&fk)
	s.db.QueryRow("PRAGMA busy_timeout").Scan(&busy)
	if fk != 1 || busy != 10000 {
		t.Fatalf("foreign_keys %d busy_timeout %d", fk, busy)
	}
}

func TestConcurrentGoroutines(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		const workers, each = 6, 10
		errs := make(chan error, workers)
		for w := range workers {
			go func() {
				for i := range each {
					_, err := s.Put(context.Background(), Dataset, "shared", []File{{Name: "d", Data: []byte{byte(w), byte(i)}}}, Lineage{})
					if err != nil {
						errs <- err
						return
					}
					if i == each/2 && w == 0 {
						if _, err := s.GC(false); err != nil {
							errs <- err
							return
						}
					}
				}
				errs <- nil
			}()
		}
		for range workers {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		l, err := s.List(Dataset, "shared")
		if err != nil || len(l) != workers*each || l[len(l)-1].Version != workers*each {
			t.Fatalf("list: %d entries, %v", len(l), err)
		}
		mustVerify(t, s)
	})
}
