package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/slurm/slurmtest"
	"github.com/rgml/rgml/registry"
	"github.com/rgml/rgml/registry/pgtest"
)

const slurmSpec = "testdata/slurm-study.yaml"

// rgmlExec runs the rgml binary (a Slurm job must be able to run the
// same executable) against the test plugins.
func rgmlExec(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(rgmlBin, append([]string{"--plugin-dir", pluginDir, "--metrics-addr", "off"}, args...)...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), o.String(), e.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, o.String(), e.String()
}

// resultFiles maps "kind/name" → the digest of each result file of a
// registry's datasets, models and flows.
func resultFiles(t *testing.T, root, blobs string) map[string]string {
	t.Helper()
	s, err := registry.OpenWith(root, registry.Options{ReadOnly: true, Blobs: blobs})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := map[string]string{}
	for kind, file := range map[registry.Kind]string{registry.Dataset: "data.npz", registry.Model: "weights.npz", registry.Flow: "flow.npz"} {
		es, err := s.List(kind, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, en := range es {
			f, ok := en.File(file)
			if !ok {
				t.Fatalf("%s %s has no %s", kind, en.Ref(), file)
			}
			got[string(kind)+"/"+en.Name+":"+file] = f.Digest
		}
	}
	return got
}

// TestSlurmStudyMatchesLocal runs a scaled-down study through
// --executor slurm on a real one-node cluster with a PostgreSQL registry,
// kills its slow training with scancel once it has a checkpoint,
// resubmits the study, and checks that every dataset, weights and flow
// file has the digest of a local run of the same spec: the resubmission
// skipped what existed and resumed the training from its checkpoint.
//
// It first checks the bad input (slurmBadInput) on the same cluster,
// which saves starting another.
func TestSlurmStudyMatchesLocal(t *testing.T) {
	cl := slurmtest.Start(t)
	_, url := pgtest.Own(t)
	t.Run("bad input", func(t *testing.T) { slurmBadInput(t, url) })
	blobs := filepath.Join(t.TempDir(), "blobs")

	if code, out, stderr := rgml(t, "run", slurmSpec); code != 0 {
		t.Fatalf("local run: exit %d: %s %s", code, out, stderr)
	}
	want := resultFiles(t, registryDir(t), "")
	if len(want) != 7 {
		t.Fatalf("local run made %d results, want 7: %v", len(want), want)
	}

	pg := []string{"--registry", url, "--blobs", blobs}
	// The jobs push to a real Pushgateway (when installed) under the
	// study's run id and their step: a group each.
	var gw *daemon
	monitor := []string{}
	if _, err := exec.LookPath("prometheus-pushgateway"); err == nil {
		gw = startPushgateway(t)
		monitor = []string{"--pushgateway", gw.url, "--run-id", "slurm-e2e"}
	}
	submit := func(extra ...string) string {
		t.Helper()
		t0 := time.Now()
		code, out, stderr := rgmlExec(t, append(append(append(pg, monitor...), "run", "--executor", "slurm", "--time", "5", slurmSpec), extra...)...)
		if code != 0 {
			t.Fatalf("submit: exit %d: %s %s", code, out, stderr)
		}
		t.Logf("submitted in %v: %s", time.Since(t0), strings.TrimSpace(out))
		return out
	}
	out := submit("--sbatch-arg=--comment=from-rgml-test")
	if !strings.Contains(out, "submitted 7 of 7 steps") {
		t.Fatalf("first submission: %s", out)
	}
	if gw != nil && !strings.Contains(out, "under run id slurm-e2e") {
		t.Errorf("the submission does not say where the jobs push: %s", out)
	}
	if q, _ := exec.Command("squeue", "-h", "--states=all", "-o", "%k").Output(); strings.Count(string(q), "from-rgml-test") < 5 {
		t.Errorf("--sbatch-arg did not reach every sbatch: comments %q", q)
	}
	// Five jobs: the dataset, the thermometer, the array of rbm-h4 and
	// rbm-h8, the slow RBM, the array of the two flows.
	q, _ := exec.Command("squeue", "-h", "-r", "--states=all", "-o", "%j %i").Output()
	if n := strings.Count(string(q), "-array "); n != 4 {
		t.Errorf("want 2 job arrays of 2 tasks each, squeue says:\n%s", q)
	}
	// Kill the slow training once it has written a checkpoint.
	ckpt := filepath.Join(blobs, "work", "checkpoints", "slow")
	var slow string
	if !waitFor(120*time.Second, func() bool {
		b, _ := exec.Command("squeue", "-h", "-n", "rgml-slurm-study-slow", "-t", "RUNNING", "-o", "%i").Output()
		slow = strings.TrimSpace(string(b))
		ms, _ := filepath.Glob(filepath.Join(ckpt, "*", "*", "ckpt-*.json")) // KEY16/ATTEMPT/ckpt-EPOCH.json
		return slow != "" && len(ms) > 0
	}) {
		t.Fatalf("the slow training never ran with a checkpoint (job %q)", slow)
	}
	if err := exec.Command("scancel", slow).Run(); err != nil {
		t.Fatal(err)
	}
	if !cl.Idle(120 * time.Second) {
		t.Fatal("jobs left after 120 s")
	}
	if st := cl.State(slow); st != "CANCELLED" {
		t.Fatalf("the slow job is %s after scancel (it finished before it was cancelled?)", st)
	}
	code, shown, stderr := rgmlExec(t, append(pg, "runs", "show", "slurm-study:1")...)
	if code != 0 || !strings.Contains(shown, "status:  cancelled (submitted to Slurm), 6 of 7 steps in the registry") || !strings.Contains(shown, "CANCELLED") || !strings.Contains(shown, "COMPLETED") {
		t.Fatalf("runs show: exit %d: %s %s", code, shown, stderr)
	}
	// The record says submitted; what is shown follows the jobs.
	if code, out, stderr := rgmlExec(t, append(pg, "runs", "list")...); code != 0 || !strings.Contains(out, " cancelled ") || strings.Contains(out, "submitted") {
		t.Errorf("runs list with the slow job cancelled: exit %d: %s %s", code, out, stderr)
	}
	if code, out, _ := rgmlExec(t, append(pg, "runs", "cancel", "slurm-study:1")...); code != 0 || !strings.Contains(out, "no job left to cancel") {
		t.Errorf("runs cancel of a finished run: exit %d: %s", code, out)
	}

	out = submit()
	if !strings.Contains(out, "submitted 1 of 7 steps") {
		t.Fatalf("resubmission did not skip what exists: %s", out)
	}
	if !cl.Idle(180 * time.Second) {
		t.Fatal("the resubmitted job did not finish in 180 s")
	}
	logs, _ := filepath.Glob(filepath.Join(blobs, "work", "slurm", "slurm-study-*", "rgml-slurm-study-slow-*.out"))
	resumed := false
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		resumed = resumed || strings.Contains(string(b), "resuming slow from epoch")
	}
	if gw != nil {
		// Every step pushed to its own group; the slow one's last push,
		// from its resubmitted job, says done.
		var states []string
		for _, l := range gatewayMetrics(t, gw, "slurm-e2e") {
			if strings.HasPrefix(l, "rgml_run_state{") {
				states = append(states, l)
			}
		}
		sort.Strings(states)
		// And the submission's own group, without a step.
		want := []string{`rgml_run_state{instance="slurm-e2e",job="rgml",run_id="slurm-e2e",state="done"} 1`}
		for _, st := range []string{"dataset/d", "flow/flow-rbm-h4", "flow/flow-rbm-h8", "training/rbm-h4", "training/rbm-h8", "training/slow", "training/thermo"} {
			want = append(want, `rgml_run_state{instance="slurm-e2e",job="rgml",run_id="slurm-e2e",state="done",step="`+st+`"} 1`)
		}
		sort.Strings(want)
		if strings.Join(states, "\n") != strings.Join(want, "\n") {
			t.Errorf("the jobs' states in the Pushgateway:\n%s\nwant\n%s", strings.Join(states, "\n"), strings.Join(want, "\n"))
		}
	}
	if !resumed {
		t.Errorf("no job log says the slow training resumed from its checkpoint (%v)", logs)
	}
	got := resultFiles(t, url, blobs)
	for k, d := range want {
		if got[k] != d {
			t.Errorf("%s: %s through Slurm, %s locally", k, got[k], d)
		}
	}
	if len(got) != len(want) {
		t.Errorf("Slurm made %d results, local %d", len(got), len(want))
	}
	// The record, written at submission, is completed from the registry
	// when read: the report draws every result the jobs registered.
	rep := filepath.Join(t.TempDir(), "report")
	if code, out, stderr := rgmlExec(t, append(pg, "report", "slurm-study:2", "--out", rep)...); code != 0 || !strings.Contains(out, " 0 missing") || strings.Contains(out, ": 0 figures") {
		t.Errorf("report of the Slurm run: exit %d: %s %s", code, out, stderr)
	}
	// runs cancel stops the jobs of a run that has not finished (held
	// here, so none starts), in a registry of its own.
	held := []string{"--registry", filepath.Join(t.TempDir(), "reg")}
	if code, out, stderr := rgmlExec(t, append(held, "run", "--executor", "slurm", "--sbatch-arg=--hold", slurmSpec)...); code != 0 {
		t.Fatalf("held submission: exit %d: %s %s", code, out, stderr)
	}
	if code, out, stderr := rgmlExec(t, append(held, "runs", "cancel", "slurm-study")...); code != 0 || !strings.Contains(out, "cancelled 7 job(s)") {
		t.Errorf("runs cancel: exit %d: %s %s", code, out, stderr)
	}
	if !cl.Idle(30 * time.Second) {
		t.Errorf("jobs left after runs cancel")
	}
	if code, _, stderr := rgml(t, "runs", "cancel", "slurm-study"); code != exitUsage || !strings.Contains(stderr, "was not submitted to a batch system") {
		t.Errorf("runs cancel of a local run: exit %d: %s", code, stderr)
	}
	code, shown, _ = rgmlExec(t, append(pg, "runs", "show", "--json", "slurm-study:2")...)
	var js struct {
		Manifest registry.Manifest   `json:"manifest"`
		Run      *registry.RunRecord `json:"run"`
	}
	if code != 0 || json.Unmarshal([]byte(shown), &js) != nil || js.Manifest.Lineage.Extra["executor"] != "slurm" || js.Run == nil {
		t.Fatalf("runs show --json of the resubmission: exit %d: %s", code, shown)
	}
	for _, st := range js.Run.Steps {
		if st.Kind != "report" && (st.Digest == "" || st.Status == registry.StatusSubmitted) {
			t.Errorf("runs show --json: step %s has no result: %+v", st.Name, st)
		}
	}
}

// slurmBadInput: what a job could not use is refused before any job is
// submitted, in one line with exit status 2 (on a running cluster; url
// names an empty PostgreSQL registry).
func slurmBadInput(t *testing.T, url string) {
	tmpBlobs := filepath.Join(t.TempDir(), "blobs")
	stepBlobs := filepath.Join(t.TempDir(), "blobs")
	// --step works in an existing registry only.
	if code, out, stderr := rgmlExec(t, "--registry", url, "--blobs", stepBlobs, "run", "--step", "dataset/d", slurmSpec); code != exitUsage || !strings.Contains(stderr, "registry") {
		t.Errorf("--step without a registry: exit %d: %s %s", code, out, stderr)
	}
	if code, _, stderr := rgmlExec(t, "--registry", url, "--blobs", stepBlobs, "registry", "init"); code != 0 {
		t.Fatalf("registry init: %s", stderr)
	}
	// A spec naming a step kind, a judge or a step there is none of.
	badSpec := func(name, text string) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const d = "datasets:\n  - {name: d, model: ising, params: {T: \"1,2\"}, L: 4}\n"
	unknownKind := badSpec("kind.yaml", unknownKindSpec)
	unknownJudge := badSpec("judge.yaml", d+"report:\n  title: t\n  judge: nosuch\n")
	unknownRef := badSpec("ref.yaml", d+"trainings:\n  - {name: r, learner: rbm, data: nowhere}\n")
	for _, tc := range []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"unknown step kind", []string{"--registry", url, "--blobs", tmpBlobs, "run", "--executor", "slurm", unknownKind}, nil, "kind.yaml:3:1: summaries: unknown field"},
		{"unknown judge", []string{"--registry", url, "--blobs", tmpBlobs, "run", "--executor", "slurm", unknownJudge}, nil, `judge.yaml:5:3: judge: unknown judge "nosuch"`},
		{"unknown reference", []string{"--registry", url, "--blobs", tmpBlobs, "run", "--executor", "slurm", unknownRef}, nil, `ref.yaml:4:29: data: no dataset named "nowhere"`},
		{"no sbatch", []string{"--registry", url, "--blobs", tmpBlobs, "run", "--executor", "slurm", slurmSpec}, []string{"PATH=" + t.TempDir()}, "no sbatch on PATH"},
		{"unreachable database", []string{"--registry", "postgres://rgml@127.0.0.1:1/nosuch?connect_timeout=2", "--blobs", tmpBlobs, "run", "--executor", "slurm", slurmSpec}, nil, "127.0.0.1:1"},
		{"blobs not shared", []string{"--registry", url, "--blobs", tmpBlobs, "run", "--executor", "slurm", "--partition", slurmtest.GhostPartition, slurmSpec}, nil, "the blob directory (--blobs) " + tmpBlobs + " is under /tmp"},
		{"SQLite on a cluster", []string{"--registry", filepath.Join(t.TempDir(), "reg"), "run", "--executor", "slurm", "--partition", slurmtest.GhostPartition, slurmSpec}, nil, "postgres://"},
		{"unknown partition", []string{"--registry", url, "--blobs", tmpBlobs, "run", "--executor", "slurm", "--partition", "nosuch", slurmSpec}, nil, "nosuch"},
		{"bad time", []string{"--registry", url, "--blobs", tmpBlobs, "run", "--executor", "slurm", "--time", "soon", slurmSpec}, nil, "--time \"soon\""},
		{"slurm flag without slurm", []string{"--registry", url, "--blobs", tmpBlobs, "run", "--partition", "p", slurmSpec}, nil, "--partition is an option of --executor slurm"},
		{"bad executor", []string{"--registry", url, "--blobs", tmpBlobs, "run", "--executor", "k8s", slurmSpec}, nil, "--executor \"k8s\""},
		{"unknown step", []string{"--registry", url, "--blobs", stepBlobs, "run", "--step", "nosuch", slurmSpec}, nil, "--step \"nosuch\": no such step"},
		{"stale step key", []string{"--registry", url, "--blobs", stepBlobs, "run", "--step", "dataset/d", "--step-key", strings.Repeat("0", 64), slurmSpec}, nil, "submit the study again"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(rgmlBin, append([]string{"--plugin-dir", pluginDir, "--metrics-addr", "off"}, tc.args...)...)
			cmd.Env = append(os.Environ(), tc.env...)
			var o, e bytes.Buffer
			cmd.Stdout, cmd.Stderr = &o, &e
			err := cmd.Run()
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() != exitUsage {
				t.Fatalf("exit %v, want %d: %s %s", err, exitUsage, o.String(), e.String())
			}
			msg := strings.TrimSpace(e.String())
			if strings.Contains(msg, "\n") || !strings.Contains(msg, tc.want) {
				t.Errorf("stderr %q: want one line with %q", msg, tc.want)
			}
		})
	}
	if q, _ := exec.Command("squeue", "-h", "--states=all", "-o", "%i").Output(); strings.TrimSpace(string(q)) != "" {
		t.Errorf("jobs were submitted: %s", q)
	}
	if _, err := os.Stat(filepath.Join(tmpBlobs, "work", "slurm")); err == nil {
		t.Errorf("a refused submission created the jobs' log directory")
	}
	for _, what := range []string{"datasets", "runs"} {
		if _, out, _ := rgmlExec(t, "--registry", url, "--blobs", stepBlobs, what, "list"); strings.Count(strings.TrimSpace(out), "\n") != 0 {
			t.Errorf("a refused submission registered %s:\n%s", what, out)
		}
	}
}

func waitFor(d time.Duration, ok func() bool) bool {
	end := time.Now().Add(d)
	for !ok() {
		if time.Now().After(end) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
	return true
}
