//go:build linux

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Two `rgml train` of one training at once (no `rgml run`, so no lease):
// the one that finishes first removes its own checkpoints, not those of
// the other, still running (here stopped with SIGSTOP); the other, once
// it finishes, leaves no checkpoint behind.
func TestConcurrentTrainingsKeepEachOthersCheckpoints(t *testing.T) {
	reg := registryDir(t)
	mustRgml(t, "sample", "--model", "ising", "--param", "T=0:6:1", "--per-point", "20", "--L", "6", "--name", "train")
	args := []string{"train", "--learner", "rbm", "--data", "train", "--set", "hidden=8", "--set", "epochs=400",
		"--checkpoint-every", "10", "--seed", "7", "--name", "twin"}

	first, _, e := rgmlStart(t, append([]string{"--registry", reg}, args...)...)
	var meta string
	for deadline := time.Now().Add(60 * time.Second); meta == ""; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint of the first training after 60 s\n%s", e)
		}
		_, meta = newestCheckpoint(reg, "twin")
	}
	syscall.Kill(-first.Process.Pid, syscall.SIGSTOP)
	firstDir := filepath.Dir(meta)

	mustRgml(t, args...)
	if names, err := filepath.Glob(filepath.Join(firstDir, "ckpt-*.npz")); err != nil || len(names) == 0 {
		t.Errorf("the second training, finishing, removed the checkpoints of the first, still running (%s)", firstDir)
	}

	syscall.Kill(-first.Process.Pid, syscall.SIGCONT)
	if code := waitExit(t, first, 120*time.Second); code != 0 {
		t.Fatalf("first training: exit %d\n%s", code, e)
	}
	if _, err := os.Stat(filepath.Join(reg, "checkpoints", "twin")); !os.IsNotExist(err) {
		t.Errorf("checkpoints left after both trainings finished (%v)", err)
	}
}
