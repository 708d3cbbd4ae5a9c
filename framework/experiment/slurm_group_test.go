package experiment_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

// Under Slurm, a job waits for the jobs of the steps its members read and
// for no other, and an array holds only like steps: of one spec item and
// kind, and for analyses one analyzer. Two analyses reading different
// steps are two jobs: the one of the data does not wait for trainings
// and flows.
func TestSlurmGroupsWaitOnlyForWhatTheyRead(t *testing.T) {
	spec := analysed[:strings.Index(analysed, "report:")] + `  - name: corr-train
    analyzer: correlations
    data: train
    memory: 8G
    time: 30
report:
  title: t
`
	p := plan(t, "a.yaml", spec)
	members, after := experiment.SlurmGroups(p)
	got := map[string][]string{} // first member → what its job waits for
	for i, m := range members {
		got[m[0]] = after[i]
		first, _ := p.Step(m[0])
		var reads []string
		for _, id := range m {
			s, _ := p.Step(id)
			if s.Kind != first.Kind || s.Plugin != first.Plugin {
				t.Errorf("job %v mixes %s and %s", m, first.ID, s.ID)
			}
			reads = append(reads, s.Deps...)
		}
		if slices.Contains(m, "report/report") {
			t.Errorf("job %v holds the report, a kind made once per run", m)
		}
		slices.Sort(reads)
		if reads = slices.Compact(reads); !slices.Equal(reads, after[i]) {
			t.Errorf("job %v waits for %v, its steps read %v", m, after[i], reads)
		}
	}
	for first, want := range map[string][]string{
		"analysis/corr-train":            {"dataset/train"},
		"analysis/spectrum-rbm-v16":      {"dataset/test", "training/rbm-l64", "training/rbm-v16", "training/rbm-v64"},
		"analysis/check-flow-rbm-v16-T0": {"dataset/train", "flow/flow-rbm-l64-T0", "flow/flow-rbm-v16-T0"},
		"flow/flow-rbm-v16-T0":           {"dataset/test", "training/rbm-l64", "training/rbm-v16", "training/thermo"},
		"training/rbm-v16":               {"dataset/train"},
		"dataset/train":                  nil,
	} {
		if g, ok := got[first]; !ok || !slices.Equal(g, want) {
			t.Errorf("the job of %s waits for %v (a job of its own: %v), want %v", first, g, ok, want)
		}
	}
	if len(members) != 9 {
		t.Errorf("%d jobs, want 9 (2 datasets, thermo, rbm-v*, rbm-l64, the flows, the 3 analysis items): %v", len(members), members)
	}
	// What the registry has is waited for by no job.
	members, after = experiment.SlurmGroups(p, "dataset/train")
	for i, m := range members {
		if slices.Contains(m, "dataset/train") || slices.Contains(after[i], "dataset/train") {
			t.Errorf("job %v waits for %v: the registry has dataset/train", m, after[i])
		}
	}
}

// Steps of one spec item that expand their plugin are alike only with
// one plugin: each plugin's steps are an array of their own.
func TestSlurmGroupsSplitAnItemByPlugin(t *testing.T) {
	p := plan(t, "m.yaml", `
datasets:
  - name: d-{model}-{L}
    model: [ising, blumecapel]
    params: {T: "1,2"}
    L: [4, 6]
`)
	members, _ := experiment.SlurmGroups(p)
	want := [][]string{{"dataset/d-ising-4", "dataset/d-ising-6"}, {"dataset/d-blumecapel-4", "dataset/d-blumecapel-6"}}
	if !slices.EqualFunc(members, want, slices.Equal) {
		t.Errorf("jobs %v, want %v", members, want)
	}
}

// A step of a kind made once per run (the report) is no batch job, and
// --step refuses it, a usage error, before it opens the registry; a step
// of another kind goes on to open it.
func TestRunStepRefusesAOncePerRunKind(t *testing.T) {
	p := plan(t, "a.yaml", analysed)
	opened := 0
	env := &experiment.Env{OpenStore: func() (*registry.Store, error) { opened++; return nil, errors.New("no registry here") }}
	rep, ok := p.Step("report/report")
	if !ok {
		t.Fatal("the plan has no report")
	}
	_, err := experiment.RunStep(t.Context(), env, p, rep)
	if !errors.Is(err, experiment.ErrUsage) || !strings.Contains(err.Error(), "a report is made by a whole run") || strings.Contains(err.Error(), "\n") || opened != 0 {
		t.Errorf("--step report/report: %v (registry opened %d times); want one usage line and no registry", err, opened)
	}
	ds, _ := p.Step("dataset/train")
	if _, err := experiment.RunStep(t.Context(), env, p, ds); errors.Is(err, experiment.ErrUsage) || opened != 1 {
		t.Errorf("--step dataset/train: %v (registry opened %d times); want it run, its registry opened", err, opened)
	}
}
