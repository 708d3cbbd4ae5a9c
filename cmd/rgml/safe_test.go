package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/npz"
)

// hostile holds what a terminal obeys: clear the screen, set the window
// title, a carriage return, 8-bit CSI, and a right-to-left override.
const hostile = "T\x1b[2J\x1b]0;pwned\x07\x0d\u009b1m\u202e"

func noControls(t *testing.T, what, s string) {
	t.Helper()
	for _, r := range s {
		if r == '\n' || r == '\t' {
			continue
		}
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u202e' {
			t.Errorf("%s prints control character %U raw: %q", what, r, s)
			return
		}
	}
}

// Labels (and so parameter keys) come from users' files: what rgml prints
// of them, in results and in error text, reaches the terminal escaped.
func TestUserTextReachesTheTerminalEscaped(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.npz")
	if err := npz.WriteFile(good, npz.Int8("configs", make([]int8, 2*16), 2, 16), npz.Float64(hostile, []float64{1, 2}, 2)); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := rgml(t, "datasets", "import", good, "--name", "imp")
	if code != 0 {
		t.Fatalf("import: exit %d: %q", code, stderr)
	}
	noControls(t, "datasets import", stdout+stderr)
	if !strings.Contains(stdout, `T\x1b[2J\x1b]0;pwned\x07\x0d\u009b1m\u202e`) {
		t.Errorf("the label is not shown escaped: %q", stdout)
	}
	bad := filepath.Join(dir, "bad.npz")
	if err := npz.WriteFile(bad, npz.Int8("configs", make([]int8, 2*16), 2, 16), npz.Int8(hostile, []int8{1, 2}, 2)); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = rgml(t, "datasets", "import", bad, "--name", "imp2")
	if code != exitUsage {
		t.Errorf("import of a bad label: exit %d: %q", code, stderr)
	}
	noControls(t, "the error of datasets import", stdout+stderr)
	// A selection of it, and the lineage that records it.
	code, stdout, stderr = rgml(t, "train", "--learner", "rbm", "--data", "imp", "--where", "X=1", "--set", "hidden=2", "--set", "epochs=1")
	if code != exitUsage || !strings.Contains(stderr, "has no label") {
		t.Errorf("train --where X: exit %d: %q", code, stderr)
	}
	noControls(t, "the error of train --where", stdout+stderr)
	for _, args := range [][]string{{"datasets", "show", "imp"}, {"datasets", "lineage", "imp"}, {"datasets", "list"}, {"run", filepath.Join(dir, "no\x1b[2Jspec.yaml")}} {
		_, stdout, stderr := rgml(t, args...)
		noControls(t, strings.Join(args, " "), stdout+stderr)
	}
}

// termSafe escapes what a terminal would obey and leaves the rest,
// newlines, tabs and non-ASCII letters included, as it is; safeWriter
// does the same across writes that split a character.
func TestTermSafe(t *testing.T) {
	for in, want := range map[string]string{
		"plain T=0,inf\n\tÅ β ∞": "plain T=0,inf\n\tÅ β ∞",
		hostile:                  `T\x1b[2J\x1b]0;pwned\x07\x0d\u009b1m\u202e`,
		"bad \xff byte":          `bad \xff byte`,
		"bell\x07 del\x7f":       `bell\x07 del\x7f`,
	} {
		if got := termSafe(in); got != want {
			t.Errorf("termSafe(%q) = %q, want %q", in, got, want)
		}
		var b bytes.Buffer
		w := &safeWriter{w: &b}
		for i := 0; i < len(in); i++ { // a byte at a time
			if n, err := w.Write([]byte{in[i]}); n != 1 || err != nil {
				t.Fatalf("Write: %d, %v", n, err)
			}
		}
		w.Flush()
		if b.String() != want {
			t.Errorf("safeWriter byte by byte: %q, want %q", b.String(), want)
		}
	}
	_ = os.Stderr
}
