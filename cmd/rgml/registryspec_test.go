package main

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rgml/rgml/registry"
)

// specFile writes a spec into the test's folder and returns its path.
func specFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// entryOf resolves ref in the test's registry.
func entryOf(t *testing.T, kind registry.Kind, ref string) (registry.Entry, registry.Manifest) {
	t.Helper()
	s, err := registry.OpenReadOnly(registryDir(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	en, err := s.Resolve(kind, ref)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Manifest(en)
	if err != nil {
		t.Fatal(err)
	}
	return en, m
}

func inputOf(m registry.Manifest, role string) string {
	for _, in := range m.Lineage.Inputs {
		if in.Role == role {
			return in.Digest
		}
	}
	return ""
}

var wouldRunRE = regexp.MustCompile(`(\d+) of (\d+) steps would run`)

// wouldRun is how many steps `rgml run --dry-run` says would run.
func wouldRun(t *testing.T, spec string) (string, string) {
	t.Helper()
	out := mustRgml(t, "run", "--dry-run", spec)
	m := wouldRunRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("dry run printed no count:\n%s", out)
	}
	return m[1], out
}

// A spec whose steps read entries made earlier (registry:NAME) instead of
// steps of its own: the training's lineage points at the dataset entry,
// the plan and the run say what each name resolved to, a rerun reuses
// everything, and a spec reading the trainings from the registry keys
// its flow as the spec that trained them did. An unpinned name follows
// a new version; a pinned one does not.
func TestSpecReadsRegistry(t *testing.T) {
	mustRgml(t, "sample", "--model", "ising", "--param", "T=1,3", "--L", "4", "--per-point", "20", "--seed", "1", "--name", "d")
	d1, _ := entryOf(t, registry.Dataset, "d:1")
	study := `trainings:
  - {name: r, learner: rbm, data: "registry:d", set: {hidden: 4, epochs: 2}, seed: 3}
  - {name: th, learner: thermometer, data: "registry:d", set: {epochs: 2}}
flows:
  - {name: f, rbm: r, thermometer: th, from: "registry:d", iterations: [0, 1], seed: 5}
`
	unpinned := specFile(t, "unpinned.yaml", study)
	pinned := specFile(t, "pinned.yaml", strings.ReplaceAll(study, `"registry:d"`, `"registry:d:1"`))

	n, out := wouldRun(t, unpinned)
	if n != "3" || !strings.Contains(out, "registry:d is dataset d:1") || !strings.Contains(out, "registry:d (d:1)") {
		t.Errorf("dry run: want 3 steps to run and registry:d shown as d:1:\n%s", out)
	}
	out = mustRgml(t, "run", unpinned)
	if !strings.Contains(out, "registry:d is dataset d:1 ("+d1.ShortDigest()+"), read by flow/f, training/r, training/th") {
		t.Errorf("the run does not say what registry:d was:\n%s", out)
	}
	_, rm := entryOf(t, registry.Model, "r")
	if got := inputOf(rm, "data"); got != d1.Digest {
		t.Errorf("model r's data is %q, want d:1 %s", got, d1.Digest)
	}
	_, fm := entryOf(t, registry.Flow, "f")
	if got := inputOf(fm, "from"); got != d1.Digest {
		t.Errorf("flow f starts from %q, want d:1 %s", got, d1.Digest)
	}
	run, runm := entryOf(t, registry.Run, "unpinned")
	if got := inputOf(runm, "read:dataset.d:1"); got != d1.Digest {
		t.Errorf("run %s records %v, want read:dataset.d:1 → %s", run.Ref(), runm.Lineage.Inputs, d1.Digest)
	}
	if out := mustRgml(t, "runs", "show", run.Ref()); !strings.Contains(out, "read from the registry: dataset d:1") {
		t.Errorf("runs show does not say what the run read from the registry:\n%s", out)
	}

	counts := func() [3]int {
		return [3]int{count(t, registry.Dataset), count(t, registry.Model), count(t, registry.Flow)}
	}
	before := counts()
	out = mustRgml(t, "run", unpinned)
	if got := strings.Count(out, "skipped"); got != 3 || counts() != before {
		t.Errorf("rerun: %d steps skipped, entries %v → %v:\n%s", got, before, counts(), out)
	}
	// The trainings read from the registry: the flow is the same step.
	fromRegistry := specFile(t, "models.yaml", `flows:
  - {name: f, rbm: "registry:r", thermometer: "registry:th", from: "registry:d", iterations: [0, 1], seed: 5}
`)
	if n, out := wouldRun(t, fromRegistry); n != "0" {
		t.Errorf("the flow of registry:r and registry:th is not the flow of r and th:\n%s", out)
	}

	// A new version of d: the unpinned spec reads it, the pinned one not.
	mustRgml(t, "sample", "--model", "ising", "--param", "T=1,3", "--L", "4", "--per-point", "20", "--seed", "2", "--name", "d")
	if n, out := wouldRun(t, unpinned); n != "3" || !strings.Contains(out, "registry:d is dataset d:2") {
		t.Errorf("unpinned after d:2: want 3 steps to run, reading d:2:\n%s", out)
	}
	if n, out := wouldRun(t, pinned); n != "0" || !strings.Contains(out, "registry:d:1 is dataset d:1") {
		t.Errorf("pinned to d:1 after d:2: want nothing to run:\n%s", out)
	}
}

// A batch job (--step, what each Slurm job runs) resolves the spec's
// registry inputs as the submission did, and refuses to run once the
// name moved to a new version since (the key it was submitted with is
// no longer the step's).
func TestStepReadsRegistry(t *testing.T) {
	mustRgml(t, "sample", "--model", "ising", "--param", "T=1,3", "--L", "4", "--per-point", "20", "--seed", "1", "--name", "d")
	spec := specFile(t, "s.yaml", `trainings:
  - {name: r, learner: rbm, data: "registry:d", set: {hidden: 4, epochs: 2}, seed: 3}
`)
	out := mustRgml(t, "run", "--dry-run", spec)
	if !regexp.MustCompile(`training/r\s+rbm\s+registry:d \(d:1\)\s+[0-9a-f]{12}`).MatchString(out) {
		t.Fatalf("the plan does not show that training/r reads registry:d as d:1:\n%s", out)
	}
	out = mustRgml(t, "run", spec, "--step", "r")
	if !strings.Contains(out, "training/r: done") {
		t.Errorf("--step r: %s", out)
	}
	d1, _ := entryOf(t, registry.Dataset, "d:1")
	_, rm := entryOf(t, registry.Model, "r")
	if got := inputOf(rm, "data"); got != d1.Digest {
		t.Errorf("model r's data is %q, want d:1 %s", got, d1.Digest)
	}
	mustRgml(t, "sample", "--model", "ising", "--param", "T=1,3", "--L", "4", "--per-point", "20", "--seed", "2", "--name", "d")
	code, _, stderr := rgml(t, "run", spec, "--step", "r", "--step-key", rm.Lineage.Key)
	if code != 2 || !strings.Contains(stderr, "not the "+rm.Lineage.Key[:16]) {
		t.Errorf("--step after d:2 with the old key: exit %d, %s", code, stderr)
	}
}

// A reference the registry cannot answer is one line naming the spec's
// line and column, exit status 2, and nothing is registered.
func TestSpecRegistryRefErrors(t *testing.T) {
	reg := registryDir(t)
	// No registry at all: none is created.
	spec := specFile(t, "s.yaml", "trainings:\n  - {name: r, learner: rbm, data: \"registry:d\"}\n")
	code, _, stderr := rgml(t, "run", spec)
	if code != 2 || !strings.Contains(stderr, "s.yaml:2:") || !strings.Contains(stderr, "registry:d: there is no registry") {
		t.Errorf("no registry: exit %d, %s", code, stderr)
	}
	if s, err := registry.OpenReadOnly(reg); err == nil {
		s.Close()
		t.Error("a registry was created for a spec that cannot run")
	} else if !errors.Is(err, registry.ErrNoRegistry) {
		t.Error(err)
	}

	mustRgml(t, "sample", "--model", "ising", "--param", "T=1,3", "--L", "4", "--per-point", "20", "--name", "d")
	all := func() int {
		n := 0
		for _, k := range registry.Kinds {
			n += count(t, k)
		}
		return n
	}
	before := all()
	for _, tc := range []struct{ spec, want string }{
		{"trainings:\n  - name: r\n    learner: rbm\n    data: registry:nope\n", `s.yaml:4:5: data: registry:nope: not found: dataset "nope"`},
		{"trainings:\n  - {name: r, learner: rbm, data: \"registry:d:7\"}\n", `dataset "d" has live versions 1, latest is 1`},
		{"trainings:\n  - {name: r, learner: rbm, data: \"registry:d:x\"}\n", `version "x" is not a positive integer`},
		{"trainings:\n  - {name: r, learner: rbm, data: \"registry:\"}\n", `registry:: bad reference "": empty reference`},
		{"flows:\n  - {name: f, rbm: \"registry:d\", thermometer: \"registry:d\", from: \"registry:d\"}\n", `there is no model named "d" (but there is a dataset with that name)`},
	} {
		spec := specFile(t, "s.yaml", tc.spec)
		for _, args := range [][]string{{"run", spec}, {"run", "--dry-run", spec}} {
			code, out, stderr := rgml(t, args...)
			if code != 2 || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "s.yaml:2:") && !strings.Contains(stderr, "s.yaml:4:") {
				t.Errorf("%q: exit %d, stderr %q, want %q", tc.spec, code, stderr, tc.want)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 0 || out != "" {
				t.Errorf("%q: want one line on stderr and nothing on stdout, got %q / %q", tc.spec, stderr, out)
			}
		}
		if n := all(); n != before {
			t.Errorf("%q: %d entries, %d before", tc.spec, n, before)
		}
	}
}
