package sdktest

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// StudyTimeout bounds StudyCheck's run of `rgml plugins check`.
const StudyTimeout = 10 * time.Minute

// StudyCheck runs `rgml plugins check MODEL` — a tiny study of the model
// through the learners and analyzers installed beside it: sample, RBM,
// thermometer, flow, thermometer-free check, report — and fails t with the
// line of each part that fails. rgml is the path of the rgml binary ("":
// the one on $PATH), pluginDir the folder holding the model's built plugin
// beside the others, locked (`rgml plugins lock`); args go to the command
// (e.g. "--L", "8"). The kit itself imports no host: the study is rgml's.
func StudyCheck(t testing.TB, rgml, pluginDir, model string, args ...string) {
	t.Helper()
	if rgml == "" {
		p, err := exec.LookPath("rgml")
		if err != nil {
			t.Fatalf("StudyCheck: no rgml binary given and none on $PATH: %v", err)
			return
		}
		rgml = p
	}
	ctx, cancel := context.WithTimeout(context.Background(), StudyTimeout)
	defer cancel()
	full := append([]string{"--plugin-dir", pluginDir, "--metrics-addr", "off", "plugins", "check", model}, args...)
	out, err := exec.CommandContext(ctx, rgml, full...).CombinedOutput()
	switch {
	case ctx.Err() != nil:
		t.Fatalf("rgml plugins check %s: no end within %v\n%s", model, StudyTimeout, out)
		return
	case err == nil:
		t.Logf("rgml plugins check %s:\n%s", model, out)
		return
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("rgml plugins check %s: %v\n%s", model, err, out)
		return
	}
	failed := 0
	for _, line := range strings.Split(string(out), "\n") {
		if _, why, ok := strings.Cut(line, " FAIL: "); ok {
			t.Errorf("%s: %s", strings.TrimSpace(line[:strings.Index(line, " FAIL: ")]), why)
			failed++
		}
	}
	if failed == 0 {
		t.Errorf("rgml plugins check %s failed:\n%s", model, out)
	}
}
