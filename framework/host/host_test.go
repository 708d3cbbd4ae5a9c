package host_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/framework/sdk/sdktest"
)

var misbehave string // path of the built test plugin

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rgml-host-test-")
	if err != nil {
		panic(err)
	}
	misbehave = filepath.Join(dir, "rgml-plugin-misbehave")
	if out, err := sdktest.BuildCommand(misbehave, "./internal/rgml-plugin-misbehave").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// pluginDir returns a fresh plugin directory holding a copy of the test
// plugin.
func pluginDir(t *testing.T) string {
	dir := t.TempDir()
	b, err := os.ReadFile(misbehave)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rgml-plugin-misbehave"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	lockAll(t, dir)
	return dir
}

// lockAll locks every plugin in dir, as `rgml plugins lock` does: the host
// runs nothing else.
func lockAll(t testing.TB, dir string) {
	t.Helper()
	if _, err := host.New(host.Config{Dir: dir}).WriteLock(); err != nil {
		t.Fatal(err)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func sampleMode(t *testing.T, h *host.Host, mode float64) error {
	t.Helper()
	m, err := h.Model(context.Background(), "misbehave")
	if err != nil {
		t.Fatal(err)
	}
	req := sdk.SampleRequest{Points: []sdk.Params{{"mode": mode}}, Size: 4, PerPoint: 10}
	return m.Sample(context.Background(), req, func(sdk.SampleChunk) error { return nil })
}

func TestSampleAndLogBridge(t *testing.T) {
	logs := &syncBuffer{}
	h := host.New(host.Config{Dir: pluginDir(t), Logger: hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Info})})
	defer h.Close()
	if err := sampleMode(t, h, 0); err != nil {
		t.Fatal(err)
	}
	h.Close()
	if !strings.Contains(logs.String(), "misbehave sampling") {
		t.Errorf("plugin log line not re-logged by the host; host log:\n%s", logs)
	}
}

func TestCrashMidStream(t *testing.T) {
	h := host.New(host.Config{Dir: pluginDir(t)})
	defer h.Close()
	err := sampleMode(t, h, 1)
	var pe *host.Error
	if !errors.As(err, &pe) || !pe.Crashed {
		t.Fatalf("got %v, want a *host.Error with Crashed", err)
	}
	msg := err.Error()
	for _, want := range []string{`plugin "misbehave" crashed while sampling`, "panic: misbehave plugin crashed on purpose"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
	if strings.Contains(msg, "goroutine") {
		t.Errorf("error carries a stack trace: %q", msg)
	}
}

func TestExitMidStream(t *testing.T) {
	h := host.New(host.Config{Dir: pluginDir(t)})
	defer h.Close()
	err := sampleMode(t, h, 3)
	var pe *host.Error
	if !errors.As(err, &pe) || !pe.Crashed {
		t.Fatalf("got %v, want a *host.Error with Crashed", err)
	}
}

func TestHangMidStream(t *testing.T) {
	h := host.New(host.Config{Dir: pluginDir(t), IdleTimeout: 300 * time.Millisecond})
	defer h.Close()
	done := make(chan error, 1)
	go func() { done <- sampleMode(t, h, 2) }()
	select {
	case err := <-done:
		var pe *host.Error
		if !errors.As(err, &pe) || !pe.Stalled {
			t.Fatalf("got %v, want a *host.Error with Stalled", err)
		}
		if !strings.Contains(err.Error(), `plugin "misbehave" hung while sampling`) {
			t.Errorf("message %q", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("host hung with its plugin")
	}
}

func TestFailureAtStart(t *testing.T) {
	for _, mode := range []string{"exit", "hang"} {
		t.Run(mode, func(t *testing.T) {
			h := host.New(host.Config{Dir: pluginDir(t), StartTimeout: time.Second, Env: []string{"RGML_MISBEHAVE_AT_START=" + mode}})
			defer h.Close()
			_, err := h.Model(context.Background(), "misbehave")
			if err == nil || !strings.Contains(err.Error(), `plugin "misbehave"`) || !strings.Contains(err.Error(), "starting") {
				t.Fatalf("got %v, want an error naming the plugin and start-up", err)
			}
		})
	}
}

func TestInvalidArgumentIsTyped(t *testing.T) {
	h := host.New(host.Config{Dir: pluginDir(t)})
	defer h.Close()
	err := sampleMode(t, h, 9)
	if !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Fatalf("got %v, want ErrInvalidArgument", err)
	}
	if !strings.Contains(err.Error(), "mode = 9 is out of range") {
		t.Errorf("message %q does not say what is wrong", err)
	}
}

func TestLockRefusesChangedBinary(t *testing.T) {
	dir := pluginDir(t)
	h := host.New(host.Config{Dir: dir})
	defer h.Close()
	if _, err := h.WriteLock(); err != nil {
		t.Fatal(err)
	}
	entries, err := h.List()
	if err != nil || len(entries) != 1 || entries[0].Status != host.StatusOK {
		t.Fatalf("after lock: %+v, %v", entries, err)
	}
	if _, err := h.Model(context.Background(), "misbehave"); err != nil {
		t.Fatalf("locked, unchanged plugin refused: %v", err)
	}
	// Replace the binary (the running one cannot be written to).
	path := filepath.Join(dir, "rgml-plugin-misbehave")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(path)
	if err := os.WriteFile(path, append(b, "tampered"...), 0o755); err != nil {
		t.Fatal(err)
	}
	entries, _ = h.List()
	if entries[0].Status != host.StatusChanged {
		t.Errorf("status after change: %s", entries[0].Status)
	}
	_, err = h.Model(context.Background(), "misbehave")
	if err == nil || !strings.Contains(err.Error(), "changed since it was locked") || !strings.Contains(err.Error(), "rgml plugins lock misbehave") {
		t.Fatalf("changed binary: got %v", err)
	}
	os.Remove(filepath.Join(dir, "rgml-plugin-misbehave"))
	entries, _ = h.List()
	if len(entries) != 1 || entries[0].Status != host.StatusMissing {
		// An empty directory is an error for List; with the lock entry
		// left, Discover fails first.
		if len(entries) != 0 {
			t.Errorf("after removal: %+v", entries)
		}
	}
}

func TestNoPlugins(t *testing.T) {
	h := host.New(host.Config{Dir: t.TempDir()})
	_, err := h.Model(context.Background(), "ising")
	if !errors.Is(err, host.ErrNoPlugins) || !strings.Contains(err.Error(), "make build") {
		t.Fatalf("got %v", err)
	}
	h = host.New(host.Config{Dir: pluginDir(t)})
	_, err = h.Model(context.Background(), "ising")
	if err == nil || !strings.Contains(err.Error(), `no plugin "ising"`) || !strings.Contains(err.Error(), "found: misbehave") {
		t.Fatalf("got %v", err)
	}
}

// A plugin is the name of its binary: one that calls itself otherwise
// (here misbehave installed as rgml-plugin-other) is refused, since lineage
// would record the name it gives.
func TestPluginNamedOtherwiseIsRefused(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(misbehave)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rgml-plugin-other"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	lockAll(t, dir)
	h := host.New(host.Config{Dir: dir})
	defer h.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	m, err := h.Model(ctx, "other")
	if err == nil {
		m.Kill()
		t.Fatal("a plugin that calls itself misbehave ran as other")
	}
	if !strings.Contains(err.Error(), `calls itself "misbehave"`) || strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q; want one line saying what it calls itself", err)
	}
}
