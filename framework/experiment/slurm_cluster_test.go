package experiment_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/slurm"
	"github.com/rgml/rgml/framework/slurm/slurmtest"
	"github.com/rgml/rgml/registry"
)

// slurmStudy has two analyses that read different steps: a spectrum of
// one RBM of an array of trainings, and correlations of the dataset; and
// a report, which reads every step.
const slurmStudy = `
datasets:
  - name: d
    model: ising
    params: {T: "1,2,3"}
    L: 6
    per-point: 10
    memory: 100M
trainings:
  - name: thermo
    learner: thermometer
    data: d
    memory: 100M
  - name: rbm-h{hidden}
    learner: rbm
    data: d
    set: {hidden: [4, 8]}
    memory: 100M
flows:
  - name: flow-{rbm}
    rbm: [rbm-h4, rbm-h8]
    thermometer: thermo
    from: d
    where: {T: 1}
    iterations: [0, 1]
    save-configs: true
    memory: 100M
analyses:
  - name: spectrum-h4
    analyzer: spectrum
    model: rbm-h4
    data: d
    memory: 100M
  - name: corr
    analyzer: correlations
    data: d
    memory: 150M
    time: 7
report:
  title: t
`

// On a real one-node cluster (jobs held, so none runs): each analysis is
// a job of its own, with its own resources, whose dependencies are
// exactly the jobs of the steps it reads, as the registry's run record
// names them (an array task's own id for a step of an array). The
// report, a kind made once per run, is no job: the record says it was
// not run (`rgml report RUN` draws it once the jobs are done).
func TestSlurmAnalysisJobWaitsForItsInputsOnly(t *testing.T) {
	slurmtest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p := plan(t, "slurm.yaml", slurmStudy)
	client, err := slurm.New()
	if err != nil {
		t.Fatal(err)
	}
	store, err := registry.Open(filepath.Join(t.TempDir(), "reg"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	x := &experiment.Slurm{Client: client, Job: experiment.SlurmJob{Exe: "/bin/false", Spec: "slurm.yaml"}, SbatchArgs: []string{"--hold"}, LogDir: t.TempDir()}
	ex, err := x.Execute(ctx, &experiment.Env{Store: store}, p, experiment.ExecOptions{RunName: "deps", SpecName: "slurm.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := store.Manifest(ex.Run)
	if err != nil {
		t.Fatal(err)
	}
	jobs := experiment.SlurmJobs(m)
	for _, tc := range []struct{ step, memory, time string }{
		{"analysis/spectrum-h4", "100M", ""},
		{"analysis/corr", "150M", "00:07:00"},
	} {
		s, _ := p.Step(tc.step)
		var want []string
		for _, d := range s.Deps {
			in, _ := p.Step(d)
			want = append(want, jobs[in.Key])
		}
		slices.Sort(want)
		show := scontrol(t, jobs[s.Key])
		if got := dependencies(show["Dependency"]); !slices.Equal(got, want) {
			t.Errorf("%s (job %s) waits for %v, want %v, the jobs of %v", tc.step, jobs[s.Key], got, want, s.Deps)
		}
		if show["MinMemoryNode"] != tc.memory || (tc.time != "" && show["TimeLimit"] != tc.time) {
			t.Errorf("%s: memory %s, time %s; want its own %s, %s", tc.step, show["MinMemoryNode"], show["TimeLimit"], tc.memory, tc.time)
		}
	}
	rep, ok := p.Step("report/report")
	if !ok {
		t.Fatal("the plan has no report step")
	}
	if j, ok := jobs[rep.Key]; ok {
		t.Errorf("the report is job %s; a kind made once per run is no batch job", j)
	}
	rec, err := store.RunRecord(ex.Run)
	if err != nil {
		t.Fatal(err)
	}
	reported := false
	for _, st := range rec.Steps {
		if st.Kind == experiment.ReportKind {
			reported = true
			if st.Status != registry.StatusNotRun {
				t.Errorf("the report's step is %q in the run record, want %q", st.Status, registry.StatusNotRun)
			}
		} else if st.Status != experiment.StatusSubmitted {
			t.Errorf("step %s is %q, want %q", st.Name, st.Status, experiment.StatusSubmitted)
		}
	}
	if !reported || len(jobs) != len(p.Steps)-1 {
		t.Errorf("the record holds the report: %v; %d jobs for %d steps, want one per step but the report", reported, len(jobs), len(p.Steps))
	}
	if jobs[stepKey(p, "analysis/spectrum-h4")] == jobs[stepKey(p, "analysis/corr")] {
		t.Errorf("the two analyses share job %s", jobs[stepKey(p, "analysis/corr")])
	}
}

func stepKey(p *experiment.Plan, id string) string { s, _ := p.Step(id); return s.Key }

// scontrol returns the fields of `scontrol show job ID`.
func scontrol(t *testing.T, id string) map[string]string {
	t.Helper()
	out, err := exec.Command("scontrol", "show", "job", "-o", id).Output()
	if err != nil {
		t.Fatalf("scontrol show job %s: %v", id, err)
	}
	fields := map[string]string{}
	for _, f := range strings.Fields(string(out)) {
		if k, v, ok := strings.Cut(f, "="); ok {
			fields[k] = v
		}
	}
	return fields
}

// dependencies returns the job ids of a Dependency field, e.g.
// "afterok:12_0(unfulfilled),afterok:11(unfulfilled)".
func dependencies(field string) []string {
	var ids []string
	for _, d := range strings.FieldsFunc(field, func(r rune) bool { return r == ',' || r == '&' || r == '?' }) {
		_, list, _ := strings.Cut(d, ":")
		for _, id := range strings.Split(list, ":") {
			id, _, _ = strings.Cut(id, "(")
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}
