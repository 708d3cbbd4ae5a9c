//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rgml/rgml/registry"
)

// `rgml registry rebuild` waiting for the store lock that another process
// holds (a GC) ends on Ctrl-C with exit 130 and one line, and creates no
// database; once the lock is free, rebuild works.
func TestRebuildInterruptedWhileLocked(t *testing.T) {
	sampleInto(t, "train", "1")
	reg := registryDir(t)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(filepath.Join(reg, registry.DBFile+suffix))
	}
	lockPath := filepath.Join(reg, "lock")
	lock, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}

	cmd, _, e := rgmlStart(t, "--registry", reg, "registry", "rebuild")
	// It is waiting once it has the lock file open.
	fds := "/proc/" + strconv.Itoa(cmd.Process.Pid) + "/fd"
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("rebuild never opened %s\n%s", lockPath, e)
		}
		if opened(fds, lockPath) {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGINT)
	code := waitExit(t, cmd, 10*time.Second)
	if code != exitInterrupted || strings.Count(strings.TrimSpace(e.String()), "\n") != 0 || !strings.Contains(e.String(), "interrupted") {
		t.Errorf("exit %d after SIGINT, want %d and one line\n%s", code, exitInterrupted, e)
	}
	if _, err := os.Stat(filepath.Join(reg, registry.DBFile)); err == nil {
		t.Errorf("the interrupted rebuild created %s", registry.DBFile)
	}

	syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if code, out, stderr := rgmlProc(t, reg, nil, "registry", "rebuild"); code != 0 || !strings.Contains(out, "from 1 manifest(s)") {
		t.Fatalf("rebuild once the lock is free: exit %d %q %q", code, out, stderr)
	}
}

// opened reports whether a descriptor in the /proc fd directory fds
// refers to path.
func opened(fds, path string) bool {
	ents, _ := os.ReadDir(fds)
	for _, d := range ents {
		if l, err := os.Readlink(filepath.Join(fds, d.Name())); err == nil && l == path {
			return true
		}
	}
	return false
}
