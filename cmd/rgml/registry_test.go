package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/registry"
)

func sampleInto(t *testing.T, name string, seed string) {
	t.Helper()
	code, _, stderr := rgml(t, "sample", "--model", "ising", "--param", "T=1:3:1", "--per-point", "10", "--L", "4", "--seed", seed, "--name", name)
	if code != 0 {
		t.Fatalf("sample: exit %d: %s", code, stderr)
	}
}

func TestDatasetsLifecycle(t *testing.T) {
	sampleInto(t, "train", "1")
	sampleInto(t, "train", "2")
	sampleInto(t, "test", "3")

	code, out, stderr := rgml(t, "datasets", "list")
	if code != 0 {
		t.Fatalf("list: %d %s", code, stderr)
	}
	for _, want := range []string{"NAME", "train", "test", "latest"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "train "); n != 2 {
		t.Errorf("want 2 versions of train, got %d:\n%s", n, out)
	}

	code, out, _ = rgml(t, "datasets", "show", "train:1")
	if code != 0 || !strings.Contains(out, "data.npz") || !strings.Contains(out, `"algorithm": "metropolis-paper"`) || !strings.Contains(out, `"seed": 1`) {
		t.Errorf("show train:1: exit %d\n%s", code, out)
	}

	code, out, _ = rgml(t, "datasets", "lineage", "train")
	if code != 0 || !strings.Contains(out, "plugin ising 1.0.0") || !strings.Contains(out, `"T":[1,2,3]`) || !strings.Contains(out, "seed 2") {
		t.Errorf("lineage train: exit %d\n%s", code, out)
	}

	if code, out, _ = rgml(t, "datasets", "tag", "train:1", "paper"); code != 0 || !strings.Contains(out, "train@paper -> train:1") {
		t.Errorf("tag: %d %s", code, out)
	}
	dir := filepath.Join(t.TempDir(), "export")
	if code, _, stderr = rgml(t, "datasets", "export", "train@paper", dir); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	arrays, err := npz.ReadFile(filepath.Join(dir, "data.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := npz.Find(arrays, "configs"); !ok || c.Shape[0] != 30 || c.Shape[1] != 16 {
		t.Errorf("exported configs: %+v", c.Shape)
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
		t.Errorf("export wrote no manifest: %v", err)
	}

	if code, _, _ = rgml(t, "datasets", "rm", "test"); code != 0 {
		t.Errorf("rm test: %d", code)
	}
	if code, out, _ = rgml(t, "registry", "gc", "--dry-run"); code != 0 || !strings.Contains(out, "would delete 2 blob(s)") {
		t.Errorf("gc --dry-run: %d %s", code, out)
	}
	if code, out, _ = rgml(t, "registry", "gc"); code != 0 || !strings.Contains(out, "deleted 2 blob(s)") {
		t.Errorf("gc: %d %s", code, out)
	}
	if code, out, _ = rgml(t, "registry", "verify"); code != 0 || !strings.Contains(out, "ok") {
		t.Errorf("verify: %d %s", code, out)
	}
}

func TestVerifyReportsCorruption(t *testing.T) {
	sampleInto(t, "train", "1")
	// Flip a byte of the dataset's blob.
	s, err := registry.Open(registryDir(t))
	if err != nil {
		t.Fatal(err)
	}
	en, err := s.Resolve(registry.Dataset, "train")
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := en.File("data.npz")
	hex := strings.TrimPrefix(f.Digest, "sha256:")
	blob := filepath.Join(registryDir(t), "blobs", "sha256", hex[:2], hex)
	os.Chmod(blob, 0o644)
	b, _ := os.ReadFile(blob)
	b[len(b)/2] ^= 0xff
	os.WriteFile(blob, b, 0o444)

	code, out, stderr := rgml(t, "registry", "verify")
	if code != 1 || !strings.Contains(out, "corrupt") || !strings.Contains(out, "dataset train:1 file data.npz") {
		t.Errorf("verify: exit %d\nstdout %s\nstderr %s", code, out, stderr)
	}
	code, _, stderr = rgml(t, "datasets", "export", "train", t.TempDir())
	if code == 0 || !strings.Contains(stderr, "corrupt") {
		t.Errorf("export of a corrupt entry: exit %d, %q", code, stderr)
	}
}

func TestBadReferences(t *testing.T) {
	sampleInto(t, "train", "1")
	for _, ref := range []string{"nope", "train:7", "train@nope", "../../etc/passwd", "a;rm -rf /", "train:x"} {
		code, _, stderr := rgml(t, "datasets", "show", ref)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != 2 || len(lines) != 1 || !strings.HasPrefix(lines[0], "rgml: ") {
			t.Errorf("show %q: exit %d, stderr %q", ref, code, stderr)
		}
	}
	for _, name := range []string{"../escape", "a/b", "x;y", "$(id)", ".."} {
		code, _, stderr := rgml(t, "sample", "--model", "ising", "--per-point", "2", "--L", "4", "--name", name)
		if code != 2 || !strings.Contains(stderr, "--name") {
			t.Errorf("sample --name %q: exit %d, %q", name, code, stderr)
		}
	}
}
