package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/blumecapel"
	"github.com/rgml/rgml/plugins/ising"
)

// Only binaries the lock file vouches for run: `plugins list` shows the
// others without running them, launching one is refused in one line that
// says what to run, and --allow-unlocked runs it with a warning.
func TestUnlockedPluginsDoNotRun(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(pluginDir, "rgml-plugin-misbehave"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rgml-plugin-misbehave"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(t.TempDir(), "ran")
	evil := "#!/bin/sh\ntouch " + marker + "\necho hello\n"
	if err := os.WriteFile(filepath.Join(dir, "rgml-plugin-evil"), []byte(evil), 0o755); err != nil {
		t.Fatal(err)
	}
	reg := filepath.Join(t.TempDir(), "registry")
	cli := func(args ...string) (int, string, string) {
		var o, e bytes.Buffer
		code := run(context.Background(), append([]string{"rgml", "--plugin-dir", dir, "--registry", reg, "--metrics-addr", "off"}, args...), &o, &e)
		return code, o.String(), e.String()
	}
	ran := func() bool { _, err := os.Stat(marker); return err == nil }

	if code, _, stderr := cli("sample", "--model", "misbehave", "--per-point", "2", "--L", "4", "--out", filepath.Join(t.TempDir(), "d.npz")); code == 0 || !strings.Contains(stderr, "there is no lock file") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("no lock file: exit %d, %q", code, stderr)
	}
	if code, _, stderr := cli("plugins", "lock", "misbehave"); code != 0 {
		t.Fatalf("lock: exit %d, %s", code, stderr)
	}
	code, stdout, stderr := cli("plugins", "list", "--json")
	var rows []pluginRow
	if code != 0 || json.Unmarshal([]byte(stdout), &rows) != nil || len(rows) != 2 {
		t.Fatalf("list --json: exit %d, %q, %s", code, stdout, stderr)
	}
	if r := rows[0]; r.Name != "evil" || r.Status != "unlocked" || r.Kind != "" {
		t.Errorf("unlocked row %+v", r)
	}
	if r := rows[1]; r.Name != "misbehave" || r.Status != "ok" || r.Kind != "model" || r.Version != "0.0.1" {
		t.Errorf("locked row %+v", r)
	}
	if _, stdout, _ := cli("plugins", "list"); !strings.Contains(stdout, "evil") || !strings.Contains(stdout, "unlocked") {
		t.Errorf("list:\n%s", stdout)
	}
	if ran() {
		t.Fatal("plugins list ran an unlocked binary")
	}
	code, _, stderr = cli("plugins", "describe", "evil")
	if code == 0 || !strings.Contains(stderr, "not in the lock file") || !strings.Contains(stderr, "rgml plugins lock evil") || strings.Count(stderr, "\n") != 1 || ran() {
		t.Errorf("describe evil: exit %d, ran %v, %q", code, ran(), stderr)
	}
	// Allowed, it runs (loudly) and is found not to be a plugin, in one line.
	code, _, stderr = cli("--allow-unlocked", "--log-level", "error", "plugins", "describe", "evil")
	if code == 0 || !ran() || !strings.Contains(stderr, "is not an rgml plugin") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("describe evil, allowed: exit %d, ran %v, %q", code, ran(), stderr)
	}
	if _, _, stderr := cli("--allow-unlocked", "plugins", "describe", "evil"); !strings.Contains(stderr, "not in the lock file") || !strings.Contains(stderr, "--allow-unlocked") {
		t.Errorf("no warning with --allow-unlocked: %q", stderr)
	}
	// Locked (the user trusts it), at the default log level: still one
	// line, without go-plugin's "failed to exit gracefully" beside it.
	if code, _, stderr := cli("plugins", "lock"); code != 0 {
		t.Fatalf("lock: exit %d, %s", code, stderr)
	}
	code, _, stderr = cli("plugins", "describe", "evil")
	if code == 0 || !strings.Contains(stderr, "is not an rgml plugin") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("describe evil, locked: exit %d, %q", code, stderr)
	}
	// In the list, its row says error and the message follows the table.
	code, stdout, stderr = cli("plugins", "list")
	if code != 0 || strings.Contains(stdout, "is not an rgml plugin") || !strings.Contains(stdout, "error") ||
		!strings.Contains(stderr, "is not an rgml plugin") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("list with a locked non-plugin: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// A plugin binary run through a wrapper script (a virtualenv launcher, a
// script that sets variables) has the script as its parent, not the host:
// it must still run, and not take the wrapper for a dead host.
func TestWrappedPluginRuns(t *testing.T) {
	dir := t.TempDir()
	wrapper := "#!/bin/sh\n" + filepath.Join(pluginDir, "rgml-plugin-misbehave") + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "rgml-plugin-misbehave"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	reg := filepath.Join(t.TempDir(), "registry")
	cli := func(args ...string) (int, string, string) {
		var o, e bytes.Buffer
		code := run(context.Background(), append([]string{"rgml", "--plugin-dir", dir, "--registry", reg, "--metrics-addr", "off"}, args...), &o, &e)
		return code, o.String(), e.String()
	}
	if code, _, stderr := cli("plugins", "lock"); code != 0 {
		t.Fatalf("lock: exit %d, %s", code, stderr)
	}
	if code, stdout, stderr := cli("plugins", "describe", "misbehave"); code != 0 || !strings.Contains(stdout, "misbehave") {
		t.Errorf("describe through a wrapper: exit %d, %q, %q", code, stdout, stderr)
	}
}

func TestPluginsDescribeJSON(t *testing.T) {
	code, stdout, stderr := rgml(t, "plugins", "describe", "--json", "ising")
	var d struct {
		Name, Kind, SHA256 string
		Parameters         []struct{ Name, Range string }
		Algorithms         []struct{ Name string }
		StateSpace         []int  `json:"state_space"`
		Lattice            string `json:"lattice"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &d) != nil {
		t.Fatalf("exit %d, %q, %s", code, stdout, stderr)
	}
	if d.Name != "ising" || d.Kind != "model" || len(d.SHA256) != 64 || len(d.Parameters) == 0 || d.Parameters[0].Range == "" || len(d.Algorithms) < 2 || len(d.StateSpace) != 2 ||
		d.Lattice != sdk.LatticeHypercubic {
		t.Errorf("description %+v", d)
	}
	code, stdout, _ = rgml(t, "plugins", "describe", "--json", "rbm")
	var l struct {
		Kind            string
		Hyperparameters []struct{ Name string }
		Weights         []string
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &l) != nil || l.Kind != "learner" || len(l.Hyperparameters) == 0 || len(l.Weights) == 0 {
		t.Errorf("rbm: exit %d, %+v", code, l)
	}
}

// Analyzers are listed and described like the other kinds.
func TestPluginsShowAnalyzers(t *testing.T) {
	code, stdout, stderr := rgml(t, "plugins", "list", "--json")
	var rows []pluginRow
	if code != 0 || json.Unmarshal([]byte(stdout), &rows) != nil {
		t.Fatalf("list --json: exit %d, %q, %s", code, stdout, stderr)
	}
	found := false
	for _, r := range rows {
		if r.Name == "spectrum" {
			found = r.Kind == "analyzer" && r.Version != "" && r.Error == ""
		}
	}
	if !found {
		t.Errorf("spectrum is not listed as an analyzer: %+v", rows)
	}
	code, stdout, _ = rgml(t, "plugins", "describe", "--json", "spectrum")
	var d struct {
		Kind   string
		Inputs []struct {
			Name     string
			Required bool
		}
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &d) != nil || d.Kind != "analyzer" || len(d.Inputs) == 0 || d.Inputs[0].Name != "weights/W" || !d.Inputs[0].Required {
		t.Errorf("describe --json spectrum: exit %d, %+v", code, d)
	}
	code, stdout, _ = rgml(t, "plugins", "describe", "spectrum")
	for _, want := range []string{"analyzer plugin", "INPUT", "weights/W", "reference_T"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("describe spectrum (exit %d) lacks %q:\n%s", code, want, stdout)
		}
	}
}

// kill -9 of rgml takes its plugins along, and leaves no socket behind
// once the next rgml has started.
func TestKilledHostLeavesNoPlugin(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	tmp := t.TempDir()
	cmd := exec.Command(rgmlBin, "--plugin-dir", pluginDir, "--registry", filepath.Join(t.TempDir(), "registry"), "--metrics-addr", "off",
		"sample", "--model", "misbehave", "--param", "mode=2", "--per-point", "5", "--L", "4", "--out", filepath.Join(t.TempDir(), "d.npz"))
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "RGML_MISBEHAVE_IGNORE_SIGPIPE=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var plugin int
	until(t, 60*time.Second, "the plugin did not start", func() bool {
		kids := childProcesses(cmd.Process.Pid, "rgml-plugin-misbehave")
		if len(kids) == 1 && len(sockets(t, tmp)) == 1 {
			plugin = kids[0]
			return true
		}
		return false
	})
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	until(t, 20*time.Second, "the plugin outlived its host", func() bool { return !processRunning(plugin) })
	if s := sockets(t, tmp); len(s) != 0 {
		t.Errorf("sockets left: %v", s)
	}
	// The next rgml removes the dead host's socket folder, and its own.
	next := exec.Command(rgmlBin, "--plugin-dir", pluginDir, "--metrics-addr", "off", "plugins", "describe", "misbehave")
	next.Env = cmd.Env
	if out, err := next.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "rgml-sock-*")); len(left) != 0 {
		t.Errorf("socket folders left: %v", left)
	}
}

func until(t *testing.T, limit time.Duration, msg string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !ok(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
	}
}

// sockets lists the Unix sockets under dir.
func sockets(t *testing.T, dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type()&fs.ModeSocket != 0 {
			out = append(out, path)
		}
		return nil
	})
	return out
}

// childProcesses returns the children of parent running the named binary.
func childProcesses(parent int, name string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		ppid, state := procStat(pid)
		exe, _ := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if ppid == parent && state != "Z" && filepath.Base(exe) == name {
			pids = append(pids, pid)
		}
	}
	return pids
}

// processRunning is false for a process that is gone or a zombie (an
// orphan's reaper may never reap it).
func processRunning(pid int) bool {
	_, state := procStat(pid)
	return state != "" && state != "Z"
}

// procStat returns a process's parent id and state, or zeros if it is gone.
func procStat(pid int) (ppid int, state string) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, ""
	}
	s := string(b)
	// pid (comm) state ppid …; comm may hold spaces and parentheses.
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 2 {
		return 0, ""
	}
	ppid, _ = strconv.Atoi(fields[1])
	return ppid, fields[0]
}

// Ctrl-C while a plugin is frozen by SIGSTOP mid-stream: rgml exits 130
// within 2 s, long before its --plugin-timeout, and takes the plugin along.
func TestInterruptWhilePluginStopped(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	dir := t.TempDir()
	var stderr bytes.Buffer
	cmd := exec.Command(rgmlBin, "--plugin-dir", pluginDir, "--registry", filepath.Join(t.TempDir(), "registry"), "--metrics-addr", "off",
		"--plugin-timeout", "10m", "sample", "--model", "misbehave", "--param", "mode=4", "--per-point", "5", "--L", "4", "--out", filepath.Join(dir, "d.npz"))
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var plugin int
	defer func() {
		cmd.Process.Kill()
		if plugin > 0 {
			syscall.Kill(plugin, syscall.SIGKILL)
		}
	}()
	until(t, 60*time.Second, "the plugin did not stop itself", func() bool {
		kids := childProcesses(cmd.Process.Pid, "rgml-plugin-misbehave")
		if len(kids) == 1 {
			plugin = kids[0]
			_, state := procStat(plugin)
			return state == "T"
		}
		return false
	})
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	select {
	case err := <-exited:
		t.Logf("exited %v after SIGINT", time.Since(sent).Round(time.Millisecond))
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
			t.Errorf("rgml: %v, want exit %d; stderr %q", err, exitInterrupted, stderr.String())
		}
	case <-time.After(2 * time.Second):
		t.Fatal("rgml still running 2 s after SIGINT")
	}
	until(t, 5*time.Second, "the stopped plugin outlived rgml", func() bool { return !processRunning(plugin) })
	assertEmpty(t, dir)
}

// `plugins describe` shows the references a model declares, each with
// where it lies and its source (it printed none of them): a point, a
// line of several points, and the same in --json; a learner has none.
func TestPluginsDescribeReferences(t *testing.T) {
	code, stdout, stderr := rgml(t, "plugins", "describe", "ising")
	want := "T = " + strconv.FormatFloat(ising.Tc, 'g', -1, 64)
	if code != 0 || !strings.Contains(stdout, "REFERENCE") || !regexp.MustCompile(`(?m)^T_c +`+regexp.QuoteMeta(want)+` +`+regexp.QuoteMeta(ising.TcSource)+`$`).MatchString(stdout) {
		t.Errorf("describe ising: exit %d, no line \"T_c  %s  %s\":\n%s%s", code, want, ising.TcSource, stdout, stderr)
	}
	_, stdout, _ = rgml(t, "plugins", "describe", "blumecapel")
	for _, r := range blumecapel.References() {
		line := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(r.Name) + ` .*$`).FindString(stdout)
		if !strings.HasSuffix(line, r.Source) || strings.Count(line, " → ") != len(r.Points)-1 || !strings.Contains(line, "Delta = ") {
			t.Errorf("describe blumecapel: reference %q: %q", r.Name, line)
		}
	}
	_, stdout, _ = rgml(t, "plugins", "describe", "--json", "ising")
	var d struct {
		References []struct {
			Name   string
			Points []map[string]float64
			Source string
		}
	}
	if err := json.Unmarshal([]byte(stdout), &d); err != nil || len(d.References) != 1 || d.References[0].Name != "T_c" ||
		len(d.References[0].Points) != 1 || d.References[0].Points[0]["T"] != ising.Tc || d.References[0].Source != ising.TcSource {
		t.Errorf("describe --json ising: references %+v (%v)", d.References, err)
	}
	if _, stdout, _ := rgml(t, "plugins", "describe", "rbm"); strings.Contains(stdout, "REFERENCE") {
		t.Errorf("describe rbm shows references:\n%s", stdout)
	}
}
