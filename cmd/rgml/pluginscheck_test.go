package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk/sdktest"
)

var checkParts = []string{"describe", "sample", "rbm", "thermometer", "flow", "check", "report"}

// partLines returns the part lines of `plugins check`, by part.
func partLines(t *testing.T, stdout string) map[string]string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	if len(lines) != len(checkParts) {
		t.Fatalf("want %d part lines, got:\n%s", len(checkParts), stdout)
	}
	out := map[string]string{}
	for i, l := range lines {
		if name, _, _ := strings.Cut(l, " "); name != checkParts[i] {
			t.Fatalf("line %d is part %q, want %q:\n%s", i+1, name, checkParts[i], stdout)
		}
		out[checkParts[i]] = l
	}
	return out
}

// A model with all the study needs passes every part, and the report it
// keeps on request is drawn.
func TestPluginsCheckPasses(t *testing.T) {
	report := filepath.Join(t.TempDir(), "report")
	code, stdout, stderr := rgml(t, "plugins", "check", "ising", "--report", report)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	for part, l := range partLines(t, stdout) {
		if !strings.Contains(l, " ok: ") {
			t.Errorf("part %s: %q", part, l)
		}
	}
	if _, err := os.Stat(filepath.Join(report, "index.html")); err != nil {
		t.Errorf("no report kept: %v", err)
	}
	if _, err := os.Stat(registryDir(t)); !os.IsNotExist(err) {
		t.Errorf("the check wrote to the user's registry (%v)", err)
	}
}

// A model whose sampler leaves its declared state space fails at the
// sample, says why, and skips what needs it; exit 1.
func TestPluginsCheckNamesFailingPart(t *testing.T) {
	code, stdout, stderr := rgml(t, "plugins", "check", "badstates")
	if code != exitFailure {
		t.Fatalf("exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	lines := partLines(t, stdout)
	if l := lines["sample"]; !strings.Contains(l, "FAIL: ") || !strings.Contains(l, "value 0 is not in the state space [-1 1]") {
		t.Errorf("sample: %q", l)
	}
	if l := lines["describe"]; !strings.Contains(l, " ok: ") {
		t.Errorf("describe: %q", l)
	}
	for _, part := range []string{"rbm", "thermometer", "flow", "check", "report"} {
		if l := lines[part]; !strings.Contains(l, "skipped: needs ") {
			t.Errorf("%s: %q", part, l)
		}
	}
	if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "first sample") {
		t.Errorf("stderr: %q", stderr)
	}
}

// A name that is no installed model is exit 2, one line.
func TestPluginsCheckBadName(t *testing.T) {
	for _, args := range [][]string{{"nosuch"}, {"rbm"}, {}, {"ising", "--L", "-1"}} {
		code, stdout, stderr := rgml(t, append([]string{"plugins", "check"}, args...)...)
		if code != exitUsage || stdout != "" || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
}

// recorder is a testing.TB that keeps what a kit reports instead of
// failing the test that runs it.
type recorder struct {
	testing.TB
	errors []string
	fatal  bool
}

func (r *recorder) Helper()             {}
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
	r.fatal = true
}

// sdktest.StudyCheck passes a model that passes `plugins check` and fails
// one that does not, naming the part.
func TestStudyCheckKit(t *testing.T) {
	ok := &recorder{TB: t}
	sdktest.StudyCheck(ok, rgmlBin, pluginDir, "ising")
	if len(ok.errors) > 0 {
		t.Errorf("StudyCheck failed ising: %v", ok.errors)
	}
	bad := &recorder{TB: t}
	sdktest.StudyCheck(bad, rgmlBin, pluginDir, "badstates")
	if bad.fatal || len(bad.errors) != 1 || !strings.HasPrefix(bad.errors[0], "sample: ") {
		t.Errorf("StudyCheck on badstates reported %q (fatal %v), want one error naming the sample", bad.errors, bad.fatal)
	}
}
