package slurm_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/slurm"
	"github.com/rgml/rgml/framework/slurm/slurmtest"
)

// TestClientOnRealCluster submits a 4-task array and a job depending on
// it to a real one-node cluster, reads their states and cancels a job.
func TestClientOnRealCluster(t *testing.T) {
	cl := slurmtest.Start(t)
	ctx := context.Background()
	c, err := slurm.New()
	if err != nil {
		t.Fatal(err)
	}
	if local, err := c.Local(ctx, ""); err != nil || !local {
		t.Fatalf("Local = %v, %v; want true on a one-node cluster of this host", local, err)
	}
	if _, err := c.Local(ctx, "nosuchpartition"); err == nil {
		t.Errorf("Local of an unknown partition: no error")
	}
	out := t.TempDir()
	arr, err := c.Submit(ctx, "#!/bin/sh\necho task $SLURM_ARRAY_TASK_ID > "+out+"/$SLURM_ARRAY_TASK_ID\n",
		[]string{"--array=0-3", "--mem=50M", "--output=/dev/null"})
	if err != nil {
		t.Fatal(err)
	}
	// The count is taken before the count file exists: in `ls | wc >
	// count` the shell may create it while ls still reads the folder.
	after, err := c.Submit(ctx, "#!/bin/sh\nn=$(ls "+out+" | wc -l)\necho $n > "+out+"/count\n",
		[]string{"--dependency=afterok:" + arr, "--mem=50M", "--output=/dev/null"})
	if err != nil {
		t.Fatal(err)
	}
	if !cl.Idle(60 * time.Second) {
		t.Fatalf("jobs still queued after 60 s")
	}
	b, err := os.ReadFile(filepath.Join(out, "count"))
	if err != nil || strings.TrimSpace(string(b)) != "4" {
		t.Fatalf("the dependent job saw %q files (%v); want the array's 4", b, err)
	}
	st, err := c.States(ctx, []string{arr + "_0", arr + "_3", after, "999999"})
	if err != nil {
		t.Fatal(err)
	}
	if st[arr+"_0"] != "COMPLETED" || st[arr+"_3"] != "COMPLETED" || st[after] != "COMPLETED" {
		t.Errorf("states %v: want COMPLETED for the array's tasks and the dependent job", st)
	}
	if _, ok := st["999999"]; ok {
		t.Errorf("a job that never was has a state: %v", st)
	}
	long, err := c.Submit(ctx, "#!/bin/sh\nsleep 300\n", []string{"--mem=50M", "--output=/dev/null"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Cancel(ctx, []string{long}); err != nil {
		t.Fatal(err)
	}
	if !cl.Idle(30 * time.Second) {
		t.Fatalf("the cancelled job is still queued")
	}
	if s := cl.State(long); s != "CANCELLED" {
		t.Errorf("state after scancel: %q", s)
	}
	if _, err := c.Submit(ctx, "#!/bin/sh\ntrue\n", []string{"--partition=nosuchpartition"}); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("sbatch to an unknown partition: %v; want a one-line error", err)
	}
}

func TestNewWithoutSbatch(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, err := slurm.New(); err == nil || !strings.Contains(err.Error(), "no sbatch on PATH") {
		t.Fatalf("New without sbatch: %v", err)
	}
}

func TestCheckShared(t *testing.T) {
	for _, tc := range []struct {
		path  string
		local bool
		bad   bool
	}{
		{"/tmp/x/blobs", false, true},
		{"/dev/shm/blobs", false, true},
		{"/var/tmp", false, true},
		{"/tmp/x/blobs", true, false},
		{"/shared/projects/blobs", false, false},
		{"/tmpfoo/blobs", false, false},
	} {
		err := slurm.CheckShared(map[string]string{"the blob directory": tc.path}, tc.local)
		if (err != nil) != tc.bad {
			t.Errorf("CheckShared(%s, local=%v) = %v", tc.path, tc.local, err)
		}
		if err != nil && !strings.Contains(err.Error(), "the blob directory") {
			t.Errorf("error does not name what: %v", err)
		}
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{"abc": "abc", "/a/b-c.yaml": "/a/b-c.yaml", "a b": "'a b'", "it's": `'it'\''s'`, "": "''", "$HOME": "'$HOME'"} {
		if got := slurm.Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestGhostPartitionIsNotLocal: a partition whose node is another
// machine is not local, so /tmp paths are refused there.
func TestGhostPartitionIsNotLocal(t *testing.T) {
	slurmtest.Start(t)
	c, err := slurm.New()
	if err != nil {
		t.Fatal(err)
	}
	local, err := c.Local(context.Background(), slurmtest.GhostPartition)
	if err != nil || local {
		t.Fatalf("Local(ghost) = %v, %v; want false", local, err)
	}
}
