package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

// rgmlProc runs the rgml binary as a real process; prefix (e.g. setpriv
// and its arguments) runs it under another identity.
func rgmlProc(t *testing.T, reg string, prefix []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	full := append(append(prefix, rgmlBin, "--plugin-dir", pluginDir, "--registry", reg, "--metrics-addr", "off"), args...)
	cmd := exec.Command(full[0], full[1:]...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), o.String(), e.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, o.String(), e.String()
}

// oneLine checks that stderr is one "rgml: " line containing every want.
func oneLine(t *testing.T, what, stderr string, want ...string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "rgml: ") {
		t.Errorf("%s: want one \"rgml: \" line, got %q", what, stderr)
		return
	}
	for _, w := range want {
		if !strings.Contains(lines[0], w) {
			t.Errorf("%s: %q lacks %q", what, lines[0], w)
		}
	}
}

// Item 2: a mistyped --registry is never created by a command that only
// reads or changes existing entries; init and the first write say where
// they create one.
func TestMissingRegistryIsNotCreated(t *testing.T) {
	reg := filepath.Join(t.TempDir(), "typo", "reg")
	for _, args := range [][]string{
		{"datasets", "list"}, {"models", "list", "--json"}, {"datasets", "show", "x"}, {"models", "lineage", "x"},
		{"datasets", "export", "x", filepath.Join(t.TempDir(), "out")}, {"datasets", "tag", "x:1", "best"},
		{"datasets", "rm", "x"}, {"registry", "verify"}, {"registry", "gc"}, {"registry", "gc", "--dry-run"},
		{"flow", "--rbm", "r", "--thermometer", "t", "--from", "x"},
	} {
		code, _, stderr := rgmlIn(t, reg, args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		oneLine(t, strings.Join(args, " "), stderr, "no registry at "+reg, "rgml registry init")
		if _, err := os.Stat(filepath.Dir(reg)); err == nil {
			t.Fatalf("%v created %s", args, filepath.Dir(reg))
		}
	}
	code, out, stderr := rgmlIn(t, reg, "registry", "init")
	if code != 0 || !strings.Contains(out, "created a new registry at "+reg) {
		t.Fatalf("init: exit %d %q %q", code, out, stderr)
	}
	if code, out, _ = rgmlIn(t, reg, "registry", "init"); code != 0 || !strings.Contains(out, "already a registry") {
		t.Errorf("second init: exit %d %q", code, out)
	}
	if code, out, stderr = rgmlIn(t, reg, "datasets", "list"); code != 0 || !strings.Contains(out, "NAME") {
		t.Errorf("list of an empty registry: exit %d %q %q", code, out, stderr)
	}
	// Not-found errors name the registry searched.
	code, _, stderr = rgmlIn(t, reg, "datasets", "show", "nope")
	if code != 2 {
		t.Errorf("show nope: exit %d", code)
	}
	oneLine(t, "show nope", stderr, "not found", reg)

	// The first write to a new registry says where it creates it.
	reg2 := filepath.Join(t.TempDir(), "new")
	code, _, stderr = rgmlIn(t, reg2, "sample", "--model", "ising", "--per-point", "2", "--L", "4")
	if code != 0 || !strings.Contains(stderr, "created a new registry at "+reg2) {
		t.Errorf("first sample: exit %d, stderr %q", code, stderr)
	}
}

// Item 2: blobs without their database are refused, by real processes,
// and nothing is re-created or deleted.
func TestLostDatabaseIsRefused(t *testing.T) {
	for _, lose := range []string{"deleted", "truncated"} {
		t.Run(lose, func(t *testing.T) {
			sampleInto(t, "train", "1")
			reg := registryDir(t)
			db := filepath.Join(reg, registry.DBFile)
			if lose == "deleted" {
				os.Remove(db)
			} else {
				os.WriteFile(db, nil, 0o644)
			}
			blobs := countFiles(t, filepath.Join(reg, "blobs", "sha256"))
			for _, args := range [][]string{
				{"datasets", "list"}, {"registry", "verify"}, {"registry", "gc"}, {"registry", "init"},
				{"sample", "--model", "ising", "--per-point", "2", "--L", "4"},
			} {
				code, _, stderr := rgmlProc(t, reg, nil, args...)
				if code != 1 {
					t.Errorf("%v: exit %d, want 1", args, code)
				}
				oneLine(t, strings.Join(args, " "), stderr, db, "backup", "rgml registry rebuild`, or move")
			}
			if n := countFiles(t, filepath.Join(reg, "blobs", "sha256")); n != blobs || n == 0 {
				t.Errorf("%d blobs before, %d after", blobs, n)
			}
			fi, err := os.Stat(db)
			if lose == "deleted" && err == nil || lose == "truncated" && (err != nil || fi.Size() != 0) {
				t.Errorf("the database was re-created: %v %v", fi, err)
			}
			// The recovery the message offers works.
			if code, out, stderr := rgmlProc(t, reg, nil, "registry", "rebuild"); code != 0 || !strings.Contains(out, "from 1 manifest(s)") {
				t.Fatalf("rebuild: exit %d %q %q", code, out, stderr)
			}
			if code, out, _ := rgmlProc(t, reg, nil, "datasets", "list"); code != 0 || !strings.Contains(out, "train ") {
				t.Errorf("list after rebuild: exit %d %q", code, out)
			}
			if code, out, _ := rgmlProc(t, reg, nil, "registry", "verify"); code != 0 {
				t.Errorf("verify after rebuild: exit %d %q", code, out)
			}
			if code, _, _ := rgmlProc(t, reg, nil, "registry", "rebuild"); code == 0 {
				t.Error("rebuild of a sound registry: exit 0")
			}
		})
	}
}

func countFiles(t *testing.T, dir string) int {
	n := 0
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

// Item 3: removing a dataset that a model was trained on is refused unless
// forced; gc then keeps what the model's lineage needs, and verify checks
// every lineage reference.
func TestRemoveDatasetKeepsModelLineage(t *testing.T) {
	reg := registryDir(t)
	sampleInto(t, "base", "1")
	mustRgml(t, "train", "--learner", "rbm", "--data", "base", "--set", "epochs=2", "--set", "hidden=4", "--name", "net")

	code, _, stderr := rgmlProc(t, reg, nil, "datasets", "rm", "base")
	if code != 2 {
		t.Errorf("rm of a trained-on dataset: exit %d", code)
	}
	oneLine(t, "rm", stderr, "remove dataset base:1 (", "model net:1", "rerun with --force")
	if code, _, stderr = rgmlProc(t, reg, nil, "datasets", "rm", "--force", "base"); code != 0 {
		t.Fatalf("rm --force: exit %d %s", code, stderr)
	}
	code, out, _ := rgmlProc(t, reg, nil, "registry", "gc")
	if code != 0 || !strings.Contains(out, "deleted 1 blob(s)") || !strings.Contains(out, "1 of them manifests") {
		t.Errorf("gc: exit %d %q", code, out)
	}
	code, out, stderr = rgmlProc(t, reg, nil, "models", "lineage", "net")
	if code != 0 || !strings.Contains(out, "dataset base:1") || !strings.Contains(out, "plugin ising") {
		t.Errorf("lineage after rm + gc: exit %d %q %q", code, out, stderr)
	}
	if code, out, _ = rgmlProc(t, reg, nil, "registry", "verify"); code != 0 {
		t.Errorf("verify: exit %d %q", code, out)
	}

	// A lineage manifest lost anyway is a verify failure naming both ends.
	s, err := registry.OpenReadOnly(reg)
	if err != nil {
		t.Fatal(err)
	}
	chain, err := s.Lineage(registry.Model, "net")
	s.Close()
	if err != nil || len(chain) != 2 {
		t.Fatalf("lineage: %v %v", chain, err)
	}
	p, _ := s.BlobPath(chain[1].Digest)
	os.Remove(p)
	code, out, _ = rgmlProc(t, reg, nil, "registry", "verify")
	if code != 1 || !strings.Contains(out, "lineage") || !strings.Contains(out, "model net:1") || !strings.Contains(out, "dataset base:1") {
		t.Errorf("verify with a lost lineage manifest: exit %d %q", code, out)
	}
}

// Item 7: a registry its reader may not write (a colleague's, a shared one)
// can be listed, shown, verified and exported. The test runs rgml as the
// unprivileged user nobody, since root ignores permissions.
func TestReadOnlyRegistryCanBeRead(t *testing.T) {
	setpriv, err := exec.LookPath("setpriv")
	if err != nil || os.Geteuid() != 0 {
		t.Skip("needs root and setpriv to run rgml as another user")
	}
	sampleInto(t, "train", "1")
	reg := registryDir(t)
	out := filepath.Join(filepath.Dir(reg), "out")
	os.Mkdir(out, 0o777)
	os.Chmod(out, 0o777)
	for _, d := range []string{filepath.Dir(reg), filepath.Dir(filepath.Dir(reg)), filepath.Dir(rgmlBin)} {
		os.Chmod(d, 0o755)
	}
	filepath.WalkDir(reg, func(p string, d os.DirEntry, err error) error {
		if err == nil {
			if d.IsDir() {
				os.Chmod(p, 0o555)
			} else {
				os.Chmod(p, 0o444)
			}
		}
		return nil
	})
	t.Cleanup(func() {
		filepath.WalkDir(reg, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
	})
	before := countFiles(t, reg)
	nobody := []string{setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"}
	for _, args := range [][]string{
		{"datasets", "list"}, {"datasets", "list", "--json"}, {"datasets", "show", "train"}, {"datasets", "lineage", "train"},
		{"registry", "verify"}, {"registry", "gc", "--dry-run"}, {"datasets", "export", "train", filepath.Join(out, "train")},
	} {
		code, stdout, stderr := rgmlProc(t, reg, nobody, args...)
		if code != 0 {
			t.Errorf("%v as nobody: exit %d\n%s%s", args, code, stdout, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "train", "data.npz")); err != nil {
		t.Errorf("export: %v", err)
	}
	if n := countFiles(t, reg); n != before {
		t.Errorf("reading changed the registry: %d files before, %d after", before, n)
	}
	// Writing is refused with one line.
	for _, args := range [][]string{{"datasets", "tag", "train:1", "best"}, {"registry", "gc"}, {"sample", "--model", "ising", "--per-point", "2", "--L", "4"}} {
		code, _, stderr := rgmlProc(t, reg, nobody, args...)
		if code != 1 {
			t.Errorf("%v on a read-only registry: exit %d", args, code)
		}
		oneLine(t, args[1], stderr, "you may not write it")
	}

	// A reader that owns the files leaves SQLite's -wal and -shm behind;
	// the read-only reader then goes through them instead of immutable=1.
	os.Chmod(reg, 0o755)
	if code, _, stderr := rgmlProc(t, reg, nil, "datasets", "list"); code != 0 {
		t.Fatalf("list as root: %s", stderr)
	}
	if _, err := os.Stat(filepath.Join(reg, registry.DBFile+"-wal")); err != nil {
		t.Logf("no -wal left behind (%v): the second pass repeats the first", err)
	}
	os.Chmod(reg, 0o555)
	for _, args := range [][]string{{"datasets", "list"}, {"registry", "verify"}} {
		if code, stdout, stderr := rgmlProc(t, reg, nobody, args...); code != 0 {
			t.Errorf("%v as nobody, with -wal and -shm present: exit %d\n%s%s", args, code, stdout, stderr)
		}
	}
}

// Item 9: an export that fails (here: a damaged manifest) leaves nothing.
func TestExportOfDamagedEntryLeavesNothing(t *testing.T) {
	sampleInto(t, "train", "1")
	s, err := registry.OpenReadOnly(registryDir(t))
	if err != nil {
		t.Fatal(err)
	}
	en, err := s.Resolve(registry.Dataset, "train")
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := s.BlobPath(en.Digest)
	os.Chmod(p, 0o644)
	os.WriteFile(p, []byte("{}"), 0o444)
	parent := t.TempDir()
	code, _, stderr := rgml(t, "datasets", "export", "train", filepath.Join(parent, "train"))
	if code != 1 {
		t.Errorf("export: exit %d", code)
	}
	oneLine(t, "export", stderr, "corrupt", "manifest.json")
	assertEmpty(t, parent)
}

// Exporting onto a file, or over different files of the same names, is a
// wrong DIR (exit 2) and changes nothing.
func TestExportIntoWrongPlace(t *testing.T) {
	sampleInto(t, "train", "1")
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("mine"), 0o644)
	code, _, stderr := rgml(t, "datasets", "export", "train", file)
	if code != exitUsage {
		t.Errorf("export onto a file: exit %d", code)
	}
	oneLine(t, "export onto a file", stderr, file, "not a directory")
	other := filepath.Join(dir, "other")
	os.Mkdir(other, 0o755)
	os.WriteFile(filepath.Join(other, "data.npz"), []byte("mine"), 0o644)
	code, _, stderr = rgml(t, "datasets", "export", "train", other)
	if code != exitUsage {
		t.Errorf("export over other files: exit %d", code)
	}
	oneLine(t, "export over other files", stderr, "data.npz", "different content")
	if b, _ := os.ReadFile(filepath.Join(other, "data.npz")); string(b) != "mine" {
		t.Errorf("export overwrote data.npz: %q", b)
	}
	if entries, _ := os.ReadDir(other); len(entries) != 1 {
		t.Errorf("export left %d files in %s", len(entries), other)
	}
}

// --registry naming a file is a wrong command line (exit 2), for reading,
// writing and init alike, and the file is left alone.
func TestRegistryIsAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(file, []byte("mine"), 0o644)
	for _, args := range [][]string{{"datasets", "list"}, {"registry", "init"}, {"sample", "--model", "ising", "--param", "T=1", "--per-point", "2", "--L", "4"}} {
		code, _, stderr := rgmlIn(t, file, args...)
		if code != exitUsage {
			t.Errorf("%q: exit %d", args, code)
		}
		oneLine(t, strings.Join(args, " "), stderr, file, "not a directory", "--registry")
	}
	if b, _ := os.ReadFile(file); string(b) != "mine" {
		t.Errorf("the file was changed: %q", b)
	}
}

// Item 9: a failure after the dataset was registered says so.
func TestRegisteredButNamesTheEntry(t *testing.T) {
	en := registry.Entry{Kind: registry.Dataset, Name: "train", Version: 3, Digest: "sha256:" + strings.Repeat("ab", 32)}
	msg := experiment.RegisteredBut(en, "writing /x/d.npz", os.ErrPermission).Error()
	for _, want := range []string{"writing /x/d.npz", "permission denied", "dataset train:3", "was registered", "rgml datasets export train:3 DIR"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
}

// Item 11: --json on list, show and lineage; models list says what tells
// models apart.
func TestRegistryJSONAndModelsList(t *testing.T) {
	sampleInto(t, "base", "1")
	mustRgml(t, "train", "--learner", "rbm", "--data", "base", "--set", "epochs=2", "--set", "hidden=4", "--name", "net")
	for _, args := range [][]string{
		{"datasets", "list", "--json"}, {"models", "list", "--json"}, {"datasets", "show", "--json", "base"},
		{"models", "show", "--json", "net"}, {"models", "lineage", "--json", "net"}, {"datasets", "lineage", "--json", "base"},
	} {
		out := mustRgml(t, args...)
		var v any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Errorf("%v: not JSON: %v\n%s", args, err, out)
		}
	}
	var chain []struct {
		Kind    string `json:"kind"`
		Name    string `json:"name"`
		Lineage struct {
			Plugin struct{ Name string } `json:"plugin"`
		} `json:"lineage"`
	}
	json.Unmarshal([]byte(mustRgml(t, "models", "lineage", "--json", "net")), &chain)
	if len(chain) != 2 || chain[0].Name != "net" || chain[0].Lineage.Plugin.Name != "rbm" || chain[1].Kind != "dataset" || chain[1].Lineage.Plugin.Name != "ising" {
		t.Errorf("lineage --json: %+v", chain)
	}
	out := mustRgml(t, "models", "list")
	for _, want := range []string{"LEARNER", "DATASET", "HYPER-PARAMETERS", "FINAL LOSS", "rbm", "base:1", "hidden=4", "epochs=2", "reconstruction_error="} {
		if !strings.Contains(out, want) {
			t.Errorf("models list lacks %q:\n%s", want, out)
		}
	}
}
