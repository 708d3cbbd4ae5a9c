//go:build linux

package host_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/sdk"
)

// procState is a process's state letter from /proc (R, S, T, Z, …), or ""
// once it is gone.
func procState(pid int) string {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return ""
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) == 0 {
		return ""
	}
	return fields[0]
}

// gone waits up to limit for pid to be gone or a zombie (an orphan's
// reaper is not ours).
func gone(pid int, limit time.Duration) bool {
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if s := procState(pid); s == "" || s == "Z" {
			return true
		}
	}
	return false
}

// within runs f and fails the test if it has not returned after limit;
// the processes named by pids are killed then, so a failure leaves
// nothing behind.
func within(t *testing.T, limit time.Duration, what string, f func(), pids func() []int) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(limit):
		for _, p := range pids() {
			if p > 0 {
				syscall.Kill(p, syscall.SIGKILL)
			}
		}
		t.Fatalf("%s: still waiting after %v", what, limit)
	}
}

func pids(p ...int) func() []int { return func() []int { return p } }

// pidIn reads a process id from a file (0 if there is none yet).
func pidIn(file string) int {
	b, _ := os.ReadFile(file)
	n, _ := strconv.Atoi(string(b))
	return n
}

// A plugin frozen by SIGSTOP mid-stream answers nothing, not even a
// shutdown: the idle timeout still ends the call within its deadline and
// the plugin is killed, not waited for.
func TestStoppedPluginMidStream(t *testing.T) {
	const idle = time.Second
	h := host.New(host.Config{Dir: pluginDir(t), IdleTimeout: idle})
	defer h.Close()
	m, err := h.Model(context.Background(), "misbehave")
	if err != nil {
		t.Fatal(err)
	}
	pid := m.Pid()
	req := sdk.SampleRequest{Points: []sdk.Params{{"mode": 4}}, Size: 4, PerPoint: 10}
	within(t, idle+8*time.Second, "sampling from a stopped plugin", func() {
		err = m.Sample(context.Background(), req, func(sdk.SampleChunk) error { return nil })
	}, pids(pid))
	var pe *host.Error
	if !errors.As(err, &pe) || !pe.Stalled {
		t.Fatalf("got %v, want a *host.Error with Stalled", err)
	}
	if !gone(pid, 5*time.Second) {
		t.Errorf("plugin %d still there (state %s) after the host gave up on it", pid, procState(pid))
	}
	within(t, 5*time.Second, "closing the host", h.Close, pids(pid))
}

// Cancelling the context of a call (what Ctrl-C does) returns at once even
// when the plugin is frozen, and killing it afterwards does not wait for
// an answer that never comes.
func TestCancelWhileStopped(t *testing.T) {
	h := host.New(host.Config{Dir: pluginDir(t), IdleTimeout: time.Minute})
	defer h.Close()
	m, err := h.Model(context.Background(), "misbehave")
	if err != nil {
		t.Fatal(err)
	}
	pid := m.Pid()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopped := make(chan bool, 1)
	go func() {
		// Cancel once the plugin is frozen, as a user would.
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if procState(pid) == "T" {
				stopped <- true
				cancel()
				return
			}
		}
		stopped <- false
		cancel()
	}()
	req := sdk.SampleRequest{Points: []sdk.Params{{"mode": 4}}, Size: 4, PerPoint: 10}
	within(t, 25*time.Second, "sampling after cancel", func() {
		err = m.Sample(ctx, req, func(sdk.SampleChunk) error { return nil })
	}, pids(pid))
	if !<-stopped {
		t.Fatal("the plugin never stopped itself")
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	within(t, 5*time.Second, "killing the stopped plugin", m.Kill, pids(pid))
	if !gone(pid, 5*time.Second) {
		t.Errorf("plugin %d still there (state %s) after Kill", pid, procState(pid))
	}
}

// A wrapper whose child keeps the plugin's stdout and stderr open and
// never handshakes fails within the start timeout, whether the wrapper
// exits or hangs, and its child is killed with it. A child that left the
// process group (setsid) is out of the host's reach, but the host stops
// reading the pipes it holds and returns all the same.
func TestChildHoldsPipesAtStart(t *testing.T) {
	const start = time.Second
	for _, c := range []struct {
		mode    string
		escapes bool
	}{{"fork-exit", false}, {"fork-hang", false}, {"fork-setsid", true}} {
		t.Run(c.mode, func(t *testing.T) {
			pidFile := filepath.Join(t.TempDir(), "child.pid")
			logs := &syncBuffer{}
			h := host.New(host.Config{Dir: pluginDir(t), StartTimeout: start, Logger: hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Warn}),
				Env: []string{"RGML_MISBEHAVE_AT_START=" + c.mode, "RGML_MISBEHAVE_PIDFILE=" + pidFile}})
			defer h.Close()
			t.Cleanup(func() {
				if p := pidIn(pidFile); p > 0 {
					syscall.Kill(p, syscall.SIGKILL)
				}
			})
			var err error
			within(t, start+10*time.Second, "starting a plugin whose child holds its pipes", func() {
				_, err = h.Model(context.Background(), "misbehave")
			}, func() []int { return []int{pidIn(pidFile)} })
			if err == nil || !strings.Contains(err.Error(), `plugin "misbehave"`) || !strings.Contains(err.Error(), "starting") {
				t.Errorf("got %v, want an error naming the plugin and start-up", err)
			}
			pid := pidIn(pidFile)
			if pid == 0 {
				t.Fatal("the wrapper wrote no child pid")
			}
			if !c.escapes && !gone(pid, 5*time.Second) {
				t.Errorf("the wrapper's child %d outlived the failed start (state %s)", pid, procState(pid))
			}
			// Bounded because the host let go of the pipes, not because
			// it gave up on go-plugin.
			if strings.Contains(logs.String(), "still waiting") {
				t.Errorf("the host gave up waiting for the plugin:\n%s", logs)
			}
		})
	}
}

// Cancelling the context of a launch (Ctrl-C) ends the start-up at once,
// not at the start timeout, and leaves no plugin process.
func TestCancelDuringStart(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "child.pid")
	h := host.New(host.Config{Dir: pluginDir(t), StartTimeout: time.Minute,
		Env: []string{"RGML_MISBEHAVE_AT_START=fork-hang", "RGML_MISBEHAVE_PIDFILE=" + pidFile}})
	defer h.Close()
	t.Cleanup(func() {
		if p := pidIn(pidFile); p > 0 {
			syscall.Kill(p, syscall.SIGKILL)
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for deadline := time.Now().Add(20 * time.Second); pidIn(pidFile) == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		}
		cancel()
	}()
	var err error
	within(t, 25*time.Second, "starting after cancel", func() {
		_, err = h.Model(ctx, "misbehave")
	}, func() []int { return []int{pidIn(pidFile)} })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if pid := pidIn(pidFile); pid == 0 || !gone(pid, 5*time.Second) {
		t.Errorf("the wrapper's child %d outlived the cancelled start (state %s)", pid, procState(pid))
	}
}
