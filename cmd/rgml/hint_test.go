package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childNamed returns the pid of a child process of parent whose command
// name is name, or 0.
func childNamed(parent int, name string) int {
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", d.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid …: comm may hold spaces, so split after ')'.
		i := bytes.LastIndexByte(stat, ')')
		f := strings.Fields(string(stat[i+1:]))
		comm, _ := os.ReadFile(filepath.Join("/proc", d.Name(), "comm"))
		if len(f) > 1 && f[1] == strconv.Itoa(parent) && strings.TrimSpace(string(comm)) == name {
			return pid
		}
	}
	return 0
}

// A learner killed in the middle of `rgml run` fails the run with a hint
// that is a command rgml accepts: run it again (rgml run has no
// --resume; it resumes by itself), and doing so resumes the training.
func TestKilledPluginHintIsARealCommand(t *testing.T) {
	spec := smallSpec(t, 16, 1500)
	reg := registryDir(t)
	cmd := exec.Command(rgmlBin, "--plugin-dir", pluginDir, "--registry", reg, "--metrics-addr", "off", "run", spec, "--jobs", "1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	deadline := time.Now().Add(90 * time.Second)
	for {
		if epoch, _ := newestCheckpoint(reg, "s-rbm"); epoch >= 100 {
			if pid := childNamed(cmd.Process.Pid, "rgml-plugin-rbm"); pid != 0 {
				syscall.Kill(pid, syscall.SIGKILL)
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no checkpoint of s-rbm (or no rbm plugin) after 90 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("rgml run still running 60 s after its plugin was killed")
	}
	msg := stderr.String()
	if cmd.ProcessState.ExitCode() != 1 || !strings.Contains(msg, "last checkpoint: epoch") {
		t.Fatalf("exit %d: %s", cmd.ProcessState.ExitCode(), msg)
	}
	if strings.Contains(msg, "--resume") || !strings.Contains(msg, "run the same command again") {
		t.Errorf("the hint is not a command rgml run accepts: %s", msg)
	}
	if code, _, stderr := rgmlIn(t, reg, "run", spec); code != 0 || !strings.Contains(stderr, "resuming s-rbm from epoch") {
		t.Errorf("the hint's command: exit %d, did it resume?\n%s", code, stderr)
	}
}

// An empty --out is wrong input (exit 2, one line), not a failed report.
func TestReportEmptyOutIsUsage(t *testing.T) {
	spec := filepath.Join(t.TempDir(), "one.yaml")
	os.WriteFile(spec, []byte("datasets:\n  - {name: d, model: ising, params: {T: 1}, L: 4, per-point: 5}\n"), 0o644)
	if code, _, stderr := rgml(t, "run", spec); code != 0 {
		t.Fatalf("run: %s", stderr)
	}
	for _, args := range [][]string{{"report", "--out", ""}, {"report", "--out", "  "}} {
		code, _, stderr := rgml(t, args...)
		if code != exitUsage || !strings.Contains(stderr, "--out") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%q: exit %d, %q", args, code, stderr)
		}
	}
}

// A report of a run whose spec has changed since says that it cannot
// tell the run's judge, instead of dropping the verdict table silently.
func TestReportSaysWhenTheJudgeIsLost(t *testing.T) {
	spec := filepath.Join(t.TempDir(), "judged.yaml")
	body := "datasets:\n  - {name: d, model: ising, params: {T: 1}, L: 4, per-point: 5}\nreport: {judge: iso2018}\n"
	os.WriteFile(spec, []byte(body), 0o644)
	rgml(t, "run", spec, "--report", filepath.Join(t.TempDir(), "r0"))
	os.WriteFile(spec, []byte(body+"# edited\n"), 0o644)
	_, _, stderr := rgml(t, "report", "--out", filepath.Join(t.TempDir(), "r1"))
	if !strings.Contains(stderr, "no verdict table") || !strings.Contains(stderr, "has changed since the run read it") || !strings.Contains(stderr, "--judge") {
		t.Errorf("report after the spec changed: %q", stderr)
	}
}
