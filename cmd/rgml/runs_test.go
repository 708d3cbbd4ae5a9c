package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rgml/rgml/registry"
)

// seedFlowsAndRuns registers, through the registry library, what the
// experiment engine will: a dataset, two models, a flow made from them and
// runs naming each step's entry.
func seedFlowsAndRuns(t *testing.T) {
	t.Helper()
	s, err := registry.Open(registryDir(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	put := func(kind registry.Kind, name string, lin registry.Lineage, files ...registry.File) registry.Entry {
		t.Helper()
		if len(files) == 0 {
			files = []registry.File{{Name: "data.npz", Data: []byte(name)}}
		}
		en, err := s.Put(ctx, kind, name, files, lin)
		if err != nil {
			t.Fatal(err)
		}
		return en
	}
	d := put(registry.Dataset, "ising", registry.Lineage{Seed: 1})
	rbm := put(registry.Model, "rbm-v64", registry.Lineage{Datasets: []string{d.Digest}},
		registry.File{Name: "weights.npz", Data: []byte("w")}, registry.File{Name: "history.npz", Data: []byte("h")})
	th := put(registry.Model, "thermo", registry.Lineage{Datasets: []string{d.Digest}})
	flow := put(registry.Flow, "flow-T0", registry.Lineage{
		Plugin: &registry.PluginRef{Name: "rbm", Version: "1.0.0"},
		Seed:   5, Key: strings.Repeat("ab", 32),
		Inputs: []registry.Input{{Role: "rbm", Digest: rbm.Digest}, {Role: "thermometer", Digest: th.Digest}, {Role: "from", Digest: d.Digest}},
	}, registry.File{Name: "flow.npz", Data: []byte("f")})
	started := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rec := registry.RunRecord{
		Format: registry.RunRecordFormat, Spec: "preset:quick", SpecDigest: "sha256:" + strings.Repeat("cd", 32),
		Status: registry.StatusFailed, Started: started, Seconds: 63.25,
		Steps: []registry.RunStep{
			{Name: "sample", Kind: registry.Dataset, Entry: d.Ref(), Digest: d.Digest, Status: registry.StatusSkipped},
			{Name: "rbm-v64", Kind: registry.Model, Entry: rbm.Ref(), Digest: rbm.Digest, Status: registry.StatusDone, Started: started, Seconds: 41.5},
			{Name: "flow-T0", Kind: registry.Flow, Entry: flow.Ref(), Digest: flow.Digest, Status: registry.StatusDone, Seconds: 3.5},
			{Name: "flow-T6", Kind: registry.Flow, Status: registry.StatusFailed, Seconds: 0.5, Error: "rbm plugin crashed"},
		},
	}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	put(registry.Run, "study", registry.Lineage{Inputs: []registry.Input{
		{Role: "step:sample", Digest: d.Digest}, {Role: "step:rbm-v64", Digest: rbm.Digest}, {Role: "step:flow-T0", Digest: flow.Digest}}},
		registry.File{Name: registry.RunRecordFile, Data: b})
	put(registry.Run, "bare", registry.Lineage{Extra: map[string]any{"status": "done"},
		Inputs: []registry.Input{{Role: "step:train", Digest: th.Digest}}}, registry.File{Name: "spec.yaml", Data: []byte("x: 1\n")})
}

func TestFlowsAndRunsCLI(t *testing.T) {
	seedFlowsAndRuns(t)
	must := func(args ...string) string {
		t.Helper()
		code, out, stderr := rgml(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		return out
	}
	contains := func(what, out string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(out, w) {
				t.Errorf("%s lacks %q:\n%s", what, w, out)
			}
		}
	}

	contains("flows list", must("flows", "list"), "flow-T0", "rbm=rbm-v64:1", "thermometer=thermo:1", "from=ising:1", "latest")
	var listed []struct {
		Name    string            `json:"name"`
		Lineage *registry.Lineage `json:"lineage"`
	}
	if err := json.Unmarshal([]byte(must("flows", "list", "--json")), &listed); err != nil || len(listed) != 1 ||
		listed[0].Lineage == nil || len(listed[0].Lineage.Inputs) != 3 {
		t.Fatalf("flows list --json: %v %+v", err, listed)
	}
	contains("flows show", must("flows", "show", "flow-T0"), "flow.npz", `"role": "thermometer"`, `"key": "abab`)
	contains("flows lineage", must("flows", "lineage", "flow-T0"),
		"flow flow-T0:1", "input rbm model rbm-v64:1", "input from dataset ising:1", "  model thermo:1", "  dataset ising:1")
	contains("analyses list", must("analyses", "list"), "NAME")

	if code, _, stderr := rgml(t, "models", "rm", "rbm-v64"); code != exitUsage || !strings.Contains(stderr, "flow flow-T0:1") {
		t.Errorf("models rm of a flow's rbm: exit %d: %s", code, stderr)
	}
	contains("flows tag", must("flows", "tag", "flow-T0:1", "paper"), "flow-T0@paper -> flow-T0:1")
	dir := filepath.Join(t.TempDir(), "out")
	must("flows", "export", "flow-T0@paper", dir)
	if _, err := os.Stat(filepath.Join(dir, "flow.npz")); err != nil {
		t.Error(err)
	}

	out := must("runs", "list")
	contains("runs list", out, "STATUS", "STEPS")
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) > 0 && f[0] == "study":
			if !strings.Contains(l, " failed ") || f[len(f)-3] != "4" || f[len(f)-2] != "63.2" && f[len(f)-2] != "63.3" {
				t.Errorf("runs list, study: %q", l)
			}
		case len(f) > 0 && f[0] == "bare":
			if !strings.Contains(l, " done ") || f[len(f)-3] != "1" {
				t.Errorf("runs list, bare: %q", l)
			}
		}
	}
	out = must("runs", "show", "study")
	contains("runs show", out, "spec:    preset:quick sha256:cdcd", "status:  failed in 63.2 s", "STEP",
		"sample", "ising:1", "skipped", "rbm-v64:1", "41.5", "flow-T6", "rbm plugin crashed")
	contains("runs show bare", must("runs", "show", "bare"), "status:  done", "train", "thermo:1")
	var shown struct {
		Run *registry.RunRecord `json:"run"`
	}
	if err := json.Unmarshal([]byte(must("runs", "show", "--json", "study")), &shown); err != nil || shown.Run == nil || len(shown.Run.Steps) != 4 {
		t.Fatalf("runs show --json: %v %+v", err, shown)
	}
	contains("runs lineage", must("runs", "lineage", "study"), "input step:flow-T0 flow flow-T0:1")
	if code, _, stderr := rgml(t, "runs", "show", "nosuch"); code != exitUsage || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("runs show nosuch: exit %d: %q", code, stderr)
	}
}
