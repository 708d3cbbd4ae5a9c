package registry

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCopyToPostgres copies a directory store with lineage, tags, a removed
// entry and its collected files (data and manifest) into a PostgreSQL store and reads every
// entry back, digest for digest.
func TestCopyToPostgres(t *testing.T) {
	ctx := context.Background()
	src := newStore(t)
	ds := put(t, src, Dataset, "ising-L8", Lineage{Seed: 1})
	put(t, src, Dataset, "ising-L8", Lineage{Seed: 2})
	m := put(t, src, Model, "rbm", Lineage{Datasets: []string{ds.Digest}})
	m2 := put(t, src, Model, "rbm", Lineage{Parent: m.Digest, Datasets: []string{ds.Digest}})
	put(t, src, Flow, "flow", Lineage{Inputs: []Input{{Role: "weights", Digest: m2.Digest}}, Key: strings.Repeat("ab", 32)})
	gone := put(t, src, Dataset, "scratch", Lineage{})
	if err := src.Tag(Model, "rbm", "paper", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Remove(Dataset, "scratch", false); err != nil {
		t.Fatal(err)
	}
	if _, err := src.GC(false); err != nil {
		t.Fatal(err)
	}

	t.Run("postgres", func(t *testing.T) {
		root, _ := newLocation(t)
		dst, err := Open(root)
		if err != nil {
			t.Fatal(err)
		}
		defer dst.Close()
		rep, err := Copy(ctx, dst, src)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Entries != 6 || rep.Gone != 2 || rep.Blobs != 10 {
			t.Fatalf("report %+v", rep)
		}
		want, _ := src.List("", "")
		got, err := dst.List("", "")
		if err != nil || len(got) != len(want) {
			t.Fatalf("list: %d entries, want %d (%v)", len(got), len(want), err)
		}
		for i := range want {
			w, g := want[i], got[i]
			if g.Digest != w.Digest || g.Version != w.Version || !g.Created.Equal(w.Created) || strings.Join(g.Aliases, ",") != strings.Join(w.Aliases, ",") {
				t.Errorf("entry %d: got %+v, want %+v", i, g, w)
			}
			for _, f := range append(fileNames(w), ManifestFile) {
				a, _ := src.ReadFile(w, f)
				b, err := dst.ReadFile(g, f)
				if err != nil || string(a) != string(b) {
					t.Errorf("%s %s: %v", g, f, err)
				}
			}
		}
		if e, err := dst.Resolve(Model, "rbm@paper"); err != nil || e.Digest != m.Digest {
			t.Fatalf("tag: %v %v", e, err)
		}
		if l, err := dst.Lineage(Flow, "flow"); err != nil || len(l) != 4 {
			t.Fatalf("lineage: %d %v", len(l), err)
		}
		if e, ok, err := dst.FindByKey(ctx, Flow, strings.Repeat("ab", 32)); err != nil || !ok || e.Name != "flow" {
			t.Fatalf("key: %v %v %v", e, ok, err)
		}
		if _, err := dst.Resolve(Dataset, "scratch"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("removed entry resolves: %v", err)
		}
		// Numbers go on where the source stopped, and are never reused.
		if e := put(t, dst, Dataset, "scratch", Lineage{}); e.Version != gone.Version+1 {
			t.Fatalf("next version %d", e.Version)
		}
		if _, err := Copy(ctx, dst, src); !errors.Is(err, ErrBadLocation) || !strings.Contains(err.Error(), "empty") {
			t.Fatalf("copy into a non-empty registry: %v", err)
		}
	})

	t.Run("postgres-corrupt", func(t *testing.T) {
		p := blobOf(t, src, m.Files[0].Digest)
		os.Chmod(p, 0o644)
		b, _ := os.ReadFile(p)
		defer os.WriteFile(p, b, 0o444)
		os.WriteFile(p, append([]byte("x"), b[1:]...), 0o444)
		root, _ := newLocation(t)
		dst, err := Open(root)
		if err != nil {
			t.Fatal(err)
		}
		defer dst.Close()
		if _, err := Copy(ctx, dst, src); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "rbm:1") {
			t.Fatalf("copy of a corrupt source: %v", err)
		}
		if l, _ := dst.List("", ""); len(l) != 0 {
			t.Fatalf("%d entries written despite the corrupt blob", len(l))
		}
	})
}

func TestOpenPostgresBadInput(t *testing.T) {
	blobs := t.TempDir()
	for _, tc := range []struct {
		root  string
		o     Options
		want  error
		words string
	}{
		{"postgres://rgml:secret@127.0.0.1:1/x?connect_timeout=5", Options{Blobs: blobs}, ErrUnreachable, "cannot reach"},
		{"postgres://rgml@127.0.0.1:1/x", Options{}, ErrBadLocation, "RGML_BLOBS"},
		{"postgres://rgml@127.0.0.1:1/x?sslmode=bogus", Options{Blobs: blobs}, ErrBadLocation, "sslmode"},
		{filepath.Join(t.TempDir(), "reg"), Options{Blobs: blobs}, ErrBadLocation, "postgres:// URL"},
		{"postgres://rgml:secret@127.0.0.1:1/x", Options{Blobs: filepath.Join(blobs, "missing"), ReadOnly: true}, ErrNoRegistry, "does not exist"},
	} {
		t.Setenv(EnvBlobs, "")
		_, err := OpenWith(tc.root, tc.o)
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.words) || strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: %v", tc.root, err)
		}
	}
}
