package sdktest

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// BuildFlags are the `go build` flags rgml's plugins are built with (the
// Makefile's PLUGIN_BUILD, and the tests that build plugins): -trimpath
// and -buildvcs=false keep the checkout's path and its commit out of the
// binary, so the same source gives the same bytes, and so the same sha256
// in the step keys, from any checkout and at any commit. No plugin reads
// its build information (runtime/debug.ReadBuildInfo); the host binary
// keeps its version stamp.
func BuildFlags() []string { return []string{"-trimpath", "-buildvcs=false"} }

// BuildCommand is `go build` with BuildFlags of the main package pkg into
// out; extra (e.g. -ldflags, -tags) go before pkg.
func BuildCommand(out, pkg string, extra ...string) *exec.Cmd {
	args := append(append(append([]string{"build"}, BuildFlags()...), "-o", out), extra...)
	return exec.Command("go", append(args, pkg)...)
}

// Build compiles the Go main package at pkg (a path relative to the test's
// directory, e.g. "./cmd/rgml-plugin-ising") as the Makefile builds
// plugins (BuildFlags) and returns the binary's path.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), filepath.Base(pkg))
	if b, err := BuildCommand(out, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	return out
}
