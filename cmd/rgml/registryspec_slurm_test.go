package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/slurm/slurmtest"
	"github.com/rgml/rgml/registry"
)

// Under --executor slurm a spec's registry:NAME input is resolved before
// anything is submitted: a bad one is one line, exit 2, no job; a good
// one is read by the job as the submission resolved it (on a real
// one-node cluster).
func TestSlurmReadsRegistry(t *testing.T) {
	cl := slurmtest.Start(t)
	root := filepath.Join(t.TempDir(), "reg")
	reg := []string{"--registry", root}
	if code, _, stderr := rgmlExec(t, append(reg, "sample", "--model", "ising", "--param", "T=1,3", "--L", "4", "--per-point", "20", "--name", "d")...); code != 0 {
		t.Fatalf("sample: %s", stderr)
	}
	bad := specFile(t, "bad.yaml", "trainings:\n  - {name: r, learner: rbm, data: \"registry:nosuch\", memory: 200M}\n")
	code, out, stderr := rgmlExec(t, append(reg, "run", "--executor", "slurm", bad)...)
	if msg := strings.TrimSpace(stderr); code != exitUsage || strings.Contains(msg, "\n") || !strings.Contains(msg, "bad.yaml:2:") || !strings.Contains(msg, "registry:nosuch: not found") {
		t.Errorf("bad reference: exit %d: %s %s", code, out, stderr)
	}
	if q, _ := exec.Command("squeue", "-h", "--states=all", "-o", "%i").Output(); strings.TrimSpace(string(q)) != "" {
		t.Errorf("jobs were submitted for a spec that cannot run: %s", q)
	}

	good := specFile(t, "good.yaml", "trainings:\n  - {name: r, learner: rbm, data: \"registry:d\", set: {hidden: 4, epochs: 2}, memory: 200M}\n")
	code, out, stderr = rgmlExec(t, append(reg, "run", "--executor", "slurm", "--time", "5", good)...)
	if code != 0 || !strings.Contains(out, "submitted 1 of 1 steps") || !strings.Contains(out, "registry:d is dataset d:1") {
		t.Fatalf("submit: exit %d: %s %s", code, out, stderr)
	}
	if !cl.Idle(120 * time.Second) {
		t.Fatal("the job did not finish in 120 s")
	}
	s, err := registry.OpenReadOnly(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d, err := s.Resolve(registry.Dataset, "d:1")
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Resolve(registry.Model, "r")
	if err != nil {
		t.Fatalf("the job registered no model: %v", err)
	}
	m, err := s.Manifest(r)
	if err != nil {
		t.Fatal(err)
	}
	if got := inputOf(m, "data"); got != d.Digest {
		t.Errorf("model r's data is %q, want d:1 %s", got, d.Digest)
	}
}
