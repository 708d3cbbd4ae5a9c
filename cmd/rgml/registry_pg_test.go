package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/registry/pgtest"
)

// TestRegistryMigrateToPostgres moves a directory registry to PostgreSQL
// with `registry migrate --to` and goes on working there through
// --registry URL --blobs DIR.
func TestRegistryMigrateToPostgres(t *testing.T) {
	_, url := pgtest.Own(t)
	blobs := filepath.Join(t.TempDir(), "shared-blobs")
	code, _, stderr := rgml(t, "sample", "--model", "ising", "--param", "T=1,3", "--per-point", "10", "--L", "4", "--seed", "3")
	if code != 0 {
		t.Fatalf("sample: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := rgml(t, "--blobs", blobs, "registry", "migrate", "--to", url)
	if code != 0 || !strings.Contains(stdout, "copied 1 entries and 2 blob(s)") || !strings.Contains(stdout, "every digest verified") {
		t.Fatalf("migrate: exit %d: %s %s", code, stdout, stderr)
	}
	_, local, _ := rgml(t, "datasets", "list", "--json")
	pg := func(args ...string) (int, string, string) {
		return rgmlIn(t, url, append([]string{"--blobs", blobs}, args...)...)
	}
	if code, out, stderr := pg("datasets", "list", "--json"); code != 0 || out != local {
		t.Fatalf("list on PostgreSQL: exit %d: %s %s\nwant %s", code, out, stderr, local)
	}
	if code, out, stderr := pg("sample", "--model", "ising", "--param", "T=2", "--per-point", "10", "--L", "4", "--seed", "4"); code != 0 || !strings.Contains(out, "registered dataset ising:2") {
		t.Fatalf("sample into PostgreSQL: exit %d: %s %s", code, out, stderr)
	}
	// A training keeps its checkpoints in the shared blob directory (where
	// another node can resume it), not in a folder named after the URL.
	if code, out, stderr := pg("train", "--learner", "rbm", "--data", "ising", "--set", "hidden=4", "--set", "epochs=4", "--checkpoint-every", "1"); code != 0 {
		t.Fatalf("train on PostgreSQL: exit %d: %s %s", code, out, stderr)
	}
	if _, err := os.Stat(filepath.Join(blobs, "work", "checkpoints")); err != nil {
		t.Errorf("no checkpoints in the shared blob directory: %v", err)
	}
	if _, err := os.Stat("postgres:"); err == nil {
		os.RemoveAll("postgres:")
		t.Errorf("the training wrote checkpoints under a folder named after the database URL")
	}
	if code, out, stderr := pg("registry", "verify"); code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("verify: exit %d: %s %s", code, out, stderr)
	}
	// A second migration would mix two registries: refused, nothing changed.
	if code, _, stderr := rgml(t, "--blobs", blobs, "registry", "migrate", "--to", url); code != exitUsage || !strings.Contains(stderr, "empty registry") {
		t.Fatalf("migrate into a non-empty registry: exit %d: %s", code, stderr)
	}
}

func TestRegistryPostgresBadInput(t *testing.T) {
	blobs := t.TempDir()
	for _, tc := range []struct {
		reg  string
		args []string
		want string
	}{
		{"postgres://rgml@127.0.0.1:1/x", []string{"--blobs", blobs, "datasets", "list"}, "cannot reach the PostgreSQL database"},
		{"postgres://rgml@127.0.0.1:1/x", []string{"datasets", "list"}, "--blobs or RGML_BLOBS"},
		{"", []string{"--blobs", blobs, "datasets", "list"}, "is a directory registry"},
		{"postgres://rgml@127.0.0.1:1/x", []string{"registry", "rebuild"}, "of a directory registry"},
		{"", []string{"--blobs", blobs, "registry", "migrate", "--to", "/some/dir"}, "give the postgres://… URL"},
		{"", []string{"--blobs", blobs, "registry", "migrate", "--to", "postgres://rgml@127.0.0.1:1/x"}, "no registry at"},
	} {
		t.Setenv("RGML_BLOBS", "")
		reg := tc.reg
		if reg == "" {
			reg = registryDir(t)
		}
		code, _, stderr := rgmlIn(t, reg, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%s %v: exit %d: %q", reg, tc.args, code, stderr)
		}
	}
}
