package sdktest

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is the module's root, three levels up from this package.
const repoRoot = "../../.."

// The Makefile builds every plugin with BuildFlags, with and without
// OpenBLAS, and the rgml binary keeps its version stamp.
func TestMakefileBuildsPluginsWithBuildFlags(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	flags := strings.Join(BuildFlags(), " ")
	for _, blas := range []string{"yes", "no"} {
		cmd := exec.Command("make", "-n", "--no-print-directory", "rgml", "plugins", "OPENBLAS="+blas, "PYTHON_PLUGINS=no")
		cmd.Dir = repoRoot
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make -n: %v\n%s", err, out)
		}
		builds := 0
		for _, line := range strings.Split(string(out), "\n") {
			switch {
			case strings.Contains(line, "go build") && strings.Contains(line, "/plugins/$(basename"):
				builds++
				if !strings.Contains(line, "go build "+flags+" ") {
					t.Errorf("OPENBLAS=%s: a plugin is built without %q: %s", blas, flags, strings.TrimSpace(line))
				}
			case strings.Contains(line, "go build") && strings.Contains(line, "./cmd/rgml"):
				builds++
				if !strings.Contains(line, "-X main.commit=") {
					t.Errorf("OPENBLAS=%s: rgml is built without its commit: %s", blas, strings.TrimSpace(line))
				}
			}
		}
		if builds < 2 {
			t.Errorf("OPENBLAS=%s: make -n shows %d builds of rgml and the plugins:\n%s", blas, builds, out)
		}
	}
}

// A plugin built with BuildFlags from two checkouts of one source, at two
// commits of two repositories in two directories, is the same bytes, so
// its sha256 (in every step key) is too; a change of its source changes
// them. Built without the flags, the two checkouts differ (their paths and
// commits are in the binary): the power check.
func TestPluginBuildIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a plugin four times")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	const pkg = "./plugins/ising/cmd/rgml-plugin-ising"
	a, b := checkout(t, pkg, "first"), checkout(t, pkg, "second")
	build := func(dir string, flags bool) string {
		t.Helper()
		out := filepath.Join(t.TempDir(), "rgml-plugin")
		cmd := BuildCommand(out, pkg)
		if !flags {
			cmd = exec.Command("go", "build", "-o", out, pkg)
		}
		cmd.Dir = dir
		if o, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s in %s: %v\n%s", cmd, dir, err, o)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		return hex.EncodeToString(sum[:])
	}
	same := build(a, true)
	if other := build(b, true); other != same {
		t.Errorf("one source in two checkouts: sha256 %s and %s", same, other)
	}
	if build(a, false) == build(b, false) {
		t.Error("power: without the flags the two checkouts gave the same binary (the test shows nothing)")
	}
	model := filepath.Join(b, "plugins", "ising", "model.go")
	src, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(src), `const Version = "1.0.0"`, `const Version = "1.0.1"`, 1)
	if changed == string(src) {
		t.Fatal("the source change did not apply")
	}
	if err := os.WriteFile(model, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	if build(b, true) == same {
		t.Error("a changed source built to the same binary")
	}
}

// checkout copies the module's go.mod, go.sum and the packages of this
// module that pkg builds from (their files but tests) into a new git
// repository whose one commit's message is msg.
func checkout(t *testing.T, pkg, msg string) string {
	t.Helper()
	list := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}} {{.Dir}}{{end}}", pkg)
	list.Dir = repoRoot
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "checkout-"+msg)
	copyFile := func(rel string) {
		data, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, rel), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("go.mod")
	copyFile("go.sum")
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		_, dir, _ := strings.Cut(line, " ")
		rel, err := filepath.Rel(root, dir)
		if err != nil || strings.HasPrefix(rel, "..") {
			continue // a dependency outside the module
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Type().IsRegular() && !strings.HasSuffix(e.Name(), "_test.go") {
				copyFile(filepath.Join(rel, e.Name()))
			}
		}
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", msg}} {
		git := exec.Command("git", args...)
		git.Dir = dst
		if o, err := git.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, o)
		}
	}
	if _, err := os.Stat(filepath.Join(dst, filepath.FromSlash(strings.TrimPrefix(pkg, "./")))); err != nil {
		t.Fatalf("the checkout lacks %s: %v", pkg, err)
	}
	return dst
}
