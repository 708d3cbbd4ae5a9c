package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rgml/rgml/registry"
	"github.com/rgml/rgml/registry/pgtest"
)

// checkpoint is one checkpoint of a training on disk.
type checkpoint struct {
	epoch     int
	meta, npz string
}

// checkpointsOf lists the checkpoints of training name in the registry
// directory work, newest first: checkpoints/NAME/KEY16/ATTEMPT/ckpt-EPOCH.json
// beside its .npz (or, as rgml wrote them before attempt folders,
// checkpoints/NAME/KEY16/latest.json naming its .npz).
func checkpointsOf(work, name string) []checkpoint {
	found, _ := filepath.Glob(filepath.Join(work, "checkpoints", name, "*", "*", "ckpt-*.json"))
	old, _ := filepath.Glob(filepath.Join(work, "checkpoints", name, "*", "latest.json"))
	var cs []checkpoint
	for _, f := range append(found, old...) {
		var m struct {
			Epoch int
			File  string
		}
		if b, err := os.ReadFile(f); err == nil && json.Unmarshal(b, &m) == nil && m.File != "" {
			cs = append(cs, checkpoint{m.Epoch, f, filepath.Join(filepath.Dir(f), m.File)})
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].epoch > cs[j].epoch })
	return cs
}

// newestCheckpoint returns the epoch and the metadata file of the newest
// checkpoint of training name, or 0 and "".
func newestCheckpoint(work, name string) (epoch int, path string) {
	if cs := checkpointsOf(work, name); len(cs) > 0 {
		return cs[0].epoch, cs[0].meta
	}
	return 0, ""
}

// rgmlStart starts the rgml binary in a process group of its own, its
// output collected in the buffers returned.
func rgmlStart(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(rgmlBin, append([]string{"--plugin-dir", pluginDir, "--metrics-addr", "off"}, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	return cmd, &o, &e
}

// waitExit waits at most d for cmd to end and returns its exit code
// (-1 if a signal ended it); the test fails if it does not end.
func waitExit(t *testing.T, cmd *exec.Cmd, d time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return cmd.ProcessState.ExitCode()
	case <-time.After(d):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		t.Fatalf("%v still running after %v", cmd.Args, d)
		return 0
	}
}

// Two `rgml run` of one spec started at once: both succeed, every step is
// registered once (the second run waits for the first's result, or the
// other way round, step by step), and neither trips over the other's
// checkpoints.
func TestConcurrentRunsRegisterEachStepOnce(t *testing.T) {
	reg := registryDir(t)
	if code, _, stderr := rgml(t, "registry", "init"); code != 0 {
		t.Fatal(stderr)
	}
	spec := smallSpec(t, 8, 300)
	type proc struct {
		cmd  *exec.Cmd
		o, e *bytes.Buffer
	}
	var ps []proc
	for range 2 {
		cmd, o, e := rgmlStart(t, "--registry", reg, "run", spec, "--jobs", "2")
		ps = append(ps, proc{cmd, o, e})
	}
	for i, p := range ps {
		if code := waitExit(t, p.cmd, 5*time.Minute); code != 0 {
			t.Errorf("run %d: exit %d\n%s\n%s", i, code, p.o, p.e)
		}
	}
	s, err := registry.OpenReadOnly(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, e := range []struct {
		kind registry.Kind
		name string
	}{{registry.Dataset, "s-train"}, {registry.Dataset, "s-test"}, {registry.Model, "s-thermo"}, {registry.Model, "s-rbm"}, {registry.Flow, "s-flow"}} {
		if l, err := s.List(e.kind, e.name); err != nil || len(l) != 1 {
			t.Errorf("%s %s: %d entries (%v), want 1", e.kind, e.name, len(l), err)
		}
	}
	runs, _ := s.List(registry.Run, "")
	if len(runs) != 2 {
		t.Fatalf("%d runs registered, want 2", len(runs))
	}
	// Each step was done by one run and taken from it by the other.
	done := map[string]int{}
	for _, r := range runs {
		rec, err := s.RunRecord(r)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range rec.Steps {
			if st.Status == registry.StatusDone {
				done[st.Name]++
			}
		}
	}
	for _, n := range []string{"s-train", "s-test", "s-thermo", "s-rbm", "s-flow"} {
		if done[n] != 1 {
			t.Errorf("step %s done by %d runs, want 1", n, done[n])
		}
	}
}

// Two jobs of one step (`rgml run --step`, as Slurm runs them, from two
// submissions of one study) running at once: one trains, the other waits
// for its entry and reports it skipped; one registration.
func TestConcurrentStepJobsRunOnce(t *testing.T) {
	reg := registryDir(t)
	if code, _, stderr := rgml(t, "registry", "init"); code != 0 {
		t.Fatal(stderr)
	}
	spec := smallSpec(t, 8, 2000)
	if code, _, stderr := rgml(t, "run", "--step", "dataset/s-train", spec); code != 0 {
		t.Fatal(stderr)
	}
	var outs []string
	type proc struct {
		cmd  *exec.Cmd
		o, e *bytes.Buffer
	}
	var ps []proc
	for range 2 {
		cmd, o, e := rgmlStart(t, "--registry", reg, "run", "--step", "training/s-rbm", spec)
		ps = append(ps, proc{cmd, o, e})
	}
	for i, p := range ps {
		if code := waitExit(t, p.cmd, 5*time.Minute); code != 0 {
			t.Errorf("job %d: exit %d\n%s\n%s", i, code, p.o, p.e)
		}
		outs = append(outs, p.o.String())
	}
	joined := strings.Join(outs, "")
	if strings.Count(joined, "training/s-rbm: done, registered") != 1 || strings.Count(joined, "training/s-rbm: skipped, exists as s-rbm:1") != 1 {
		t.Errorf("want one job done and one skipped:\n%s", joined)
	}
	s, err := registry.OpenReadOnly(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if l, _ := s.List(registry.Model, "s-rbm"); len(l) != 1 {
		t.Errorf("%d entries of s-rbm, want 1", len(l))
	}
}

// A checkpoint damaged between runs (bytes flipped, or truncated) is set
// aside under a new name, said once, and the training resumes from the
// checkpoint before it, or from the start when none is good; the run
// succeeds.
func TestDamagedCheckpointIsSetAside(t *testing.T) {
	spec := filepath.Join(t.TempDir(), "ck.yaml")
	if err := os.WriteFile(spec, []byte(`datasets:
  - name: ck-data
    model: ising
    params: {T: "1,3"}
    L: 6
    per-point: 40
    seed: 1
trainings:
  - name: ck-rbm
    learner: rbm
    data: ck-data
    set: {hidden: 16, epochs: 600}
    checkpoint-every: 10
    seed: 3
`), 0o644); err != nil {
		t.Fatal(err)
	}
	// killedRun leaves a registry with checkpoints of ck-rbm past epoch 40.
	killedRun := func(t *testing.T) string {
		reg := filepath.Join(t.TempDir(), "registry")
		cmd, _, e := rgmlStart(t, "--registry", reg, "run", spec, "--jobs", "1")
		deadline := time.Now().Add(90 * time.Second)
		for {
			if cs := checkpointsOf(reg, "ck-rbm"); len(cs) > 0 && cs[0].epoch >= 40 {
				break
			}
			if time.Now().After(deadline) {
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				t.Fatalf("no checkpoint of ck-rbm after 90 s: %s", e)
			}
			time.Sleep(20 * time.Millisecond)
		}
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		return reg
	}
	damage := func(t *testing.T, c checkpoint, how string) {
		b, err := os.ReadFile(c.npz)
		if err != nil {
			t.Fatal(err)
		}
		switch how {
		case "flip":
			for i := len(b) / 2; i < len(b)/2+16; i++ {
				b[i] ^= 0xff
			}
		case "truncate":
			b = b[:len(b)/3]
		}
		if err := os.WriteFile(c.npz, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	check := func(t *testing.T, reg string, damaged []checkpoint, want string) {
		code, _, stderr := rgmlIn(t, reg, "run", spec)
		if code != 0 {
			t.Fatalf("run after damaging a checkpoint: exit %d\n%s", code, stderr)
		}
		for _, c := range damaged {
			lines := 0
			for _, l := range strings.Split(stderr, "\n") {
				if strings.Contains(l, c.npz) && strings.Contains(l, "damaged") && strings.Contains(l, "set aside as") {
					lines++
				}
			}
			if lines != 1 {
				t.Errorf("%d lines name the damaged %s:\n%s", lines, c.npz, stderr)
			}
			if aside, _ := filepath.Glob(c.npz + ".damaged-*"); len(aside) != 1 {
				t.Errorf("%s was not set aside (found %v)", c.npz, aside)
			}
		}
		if !strings.Contains(stderr, want) {
			t.Errorf("the run does not say %q:\n%s", want, stderr)
		}
		if _, err := os.Stat(filepath.Join(reg, "checkpoints", "ck-rbm")); err != nil {
			t.Errorf("the damaged checkpoints were deleted with the finished training's: %v", err)
		}
	}

	t.Run("newest flipped", func(t *testing.T) {
		reg := killedRun(t)
		cs := checkpointsOf(reg, "ck-rbm")
		damage(t, cs[0], "flip")
		prev := "from the start"
		if len(cs) > 1 {
			prev = fmt.Sprintf("resuming ck-rbm from epoch %d", cs[1].epoch)
		}
		check(t, reg, cs[:1], prev)
		// Reported once: the next run has nothing to say about it.
		code, _, stderr := rgmlIn(t, reg, "run", spec)
		if code != 0 || strings.Contains(stderr, "damaged") {
			t.Errorf("second run: exit %d\n%s", code, stderr)
		}
	})
	t.Run("all truncated", func(t *testing.T) {
		reg := killedRun(t)
		cs := checkpointsOf(reg, "ck-rbm")
		for _, c := range cs {
			damage(t, c, "truncate")
		}
		check(t, reg, cs, "starting ck-rbm from the start")
	})
}

// A PostgreSQL server that stops answering (SIGSTOP) does not hold
// `rgml run` past Ctrl-C: SIGINT ends it with exit 130 within 2 s, both
// when the database freezes before the run opens it and while it works.
func TestFrozenPostgresInterrupt(t *testing.T) {
	srv, url := pgtest.Own(t)
	blobs := filepath.Join(t.TempDir(), "blobs")
	pg := []string{"--registry", url, "--blobs", blobs}
	if code, _, stderr := rgmlExec(t, append(pg, "registry", "init")...); code != 0 {
		t.Fatal(stderr)
	}
	spec := smallSpec(t, 16, 3000)
	interrupt := func(t *testing.T, cmd *exec.Cmd, e *bytes.Buffer) {
		t.Helper()
		t0 := time.Now()
		cmd.Process.Signal(syscall.SIGINT)
		code := waitExit(t, cmd, 20*time.Second)
		d := time.Since(t0)
		t.Logf("exit %d %v after SIGINT", code, d)
		if d > 2*time.Second+3*time.Second {
			t.Errorf("exit %v after SIGINT, want within 2 s (+3 s slack)", d)
		}
		if code != exitInterrupted {
			t.Errorf("exit %d after SIGINT, want %d\n%s", code, exitInterrupted, e)
		}
	}
	t.Run("before", func(t *testing.T) {
		thaw := srv.Freeze(t)
		defer thaw()
		cmd, _, e := rgmlStart(t, append(pg, "run", spec)...)
		time.Sleep(1500 * time.Millisecond) // connecting to the frozen server
		interrupt(t, cmd, e)
	})
	t.Run("while running", func(t *testing.T) {
		cmd, _, e := rgmlStart(t, append(pg, "run", spec, "--jobs", "2")...)
		deadline := time.Now().Add(90 * time.Second)
		for {
			if ep, _ := newestCheckpoint(filepath.Join(blobs, "work"), "s-rbm"); ep > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no checkpoint of s-rbm after 90 s: %s", e)
			}
			time.Sleep(20 * time.Millisecond)
		}
		thaw := srv.Freeze(t)
		defer thaw()
		time.Sleep(time.Second)
		interrupt(t, cmd, e)
	})
}
