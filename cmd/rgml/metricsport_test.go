package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/rgml/rgml/framework/metrics"
)

// rgmlDefaultMetrics runs the CLI in-process without --metrics-addr, so
// that the default address applies; notice is how long a command works
// before it says where its metrics are served.
func rgmlDefaultMetrics(t *testing.T, notice time.Duration, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Setenv("RGML_METRICS_ADDR", "") // restored after the test
	os.Unsetenv("RGML_METRICS_ADDR")
	var o, e bytes.Buffer
	en := &env{stdout: &o, stderr: &e, logger: hclog.NewNullLogger(), metrics: metrics.New(""), metricsNotice: notice}
	app := newApp(en)
	full, err := normalizeArgs(app, append([]string{"rgml", "--plugin-dir", pluginDir, "--registry", registryDir(t)}, args...))
	if err == nil {
		err = app.RunContext(context.Background(), full)
	}
	if err != nil {
		return 1, o.String(), e.String() + err.Error()
	}
	return 0, o.String(), e.String()
}

// When another process holds the default metrics port, help starts no
// server and says nothing about metrics, a short command serves on a free
// port without a word, and a command still working after the notice delay
// says once where its metrics are.
func TestBusyDefaultMetricsPort(t *testing.T) {
	ln, err := net.Listen("tcp", metrics.DefaultAddr)
	switch {
	case err == nil:
		defer ln.Close()
	case errors.Is(err, syscall.EADDRINUSE):
		// Someone else holds it: busy all the same.
	default:
		t.Fatal(err)
	}
	code, out, stderr := rgmlDefaultMetrics(t, 0, "train", "--help")
	if code != 0 || !strings.Contains(out, "--learner") || stderr != "" {
		t.Errorf("train --help: exit %d, stderr %q", code, stderr)
	}
	sample := []string{"sample", "--model", "ising", "--param", "T=1", "--per-point", "4", "--L", "4", "--name", "d"}
	code, _, stderr = rgmlDefaultMetrics(t, time.Hour, sample...)
	if code != 0 || strings.Contains(stderr, "metrics") {
		t.Errorf("a short sample: exit %d, stderr %q, want no word on metrics", code, stderr)
	}
	code, _, stderr = rgmlDefaultMetrics(t, time.Nanosecond, append(sample[:len(sample)-1], "d2")...)
	if code != 0 {
		t.Fatalf("sample: exit %d: %s", code, stderr)
	}
	if n := strings.Count(stderr, "metrics at http://127.0.0.1:"); n != 1 || strings.Contains(stderr, metrics.DefaultAddr+"/metrics") || strings.Contains(stderr, "WARN") {
		t.Errorf("a long sample says %d times where its metrics are (want once, on a free port, no warning): %q", n, stderr)
	}
}
