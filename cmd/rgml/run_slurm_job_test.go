package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/metrics"
)

// notForJobs are the options of rgml and of rgml run that a Slurm step
// job does not get from its submission, each with why. Every other option
// is a field of experiment.SlurmJob, which carries it to the jobs.
var notForJobs = map[string]string{
	"wide":         "how tables are printed: a job prints none",
	"metrics-addr": "a job serves no metrics port (many share a node): SlurmJob.Command sets off",
	"jobs":         "refused with --executor slurm: each job runs one step",
	"dry-run":      "refused with --executor slurm",
	"name":         "names the run the submission registers; a job registers none",
	"report":       "the report is not submitted (rgml report RUN)",
	"executor":     "the submission's: a job runs its step here",
	"partition":    "the submission's (sbatch)",
	"account":      "the submission's (sbatch)",
	"time":         "the submission's (sbatch)",
	"sbatch-arg":   "the submission's (sbatch)",
	"step":         "set per job by the executor",
	"step-key":     "set per job by the executor",
}

// Every option of rgml and of rgml run is either carried to the Slurm
// jobs (a field of experiment.SlurmJob, tagged with its name) or listed
// in notForJobs: an option added to the CLI and to neither fails here,
// rather than silently missing from the jobs. And each carried flag, given
// on the command line, fills its field through the flag translation of
// --executor slurm (experiment.NewSlurmJob(c.Value)).
func TestSlurmJobGetsEveryRunOption(t *testing.T) {
	e := &env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, logger: hclog.NewNullLogger(), metrics: metrics.New("")}
	app := newApp(e)
	carried := map[string]reflect.StructField{}
	typ := reflect.TypeOf(experiment.SlurmJob{})
	for i := 0; i < typ.NumField(); i++ {
		if name := typ.Field(i).Tag.Get("flag"); name != "" {
			carried[name] = typ.Field(i)
		}
	}
	var run *cli.Command
	for _, c := range app.Commands {
		if c.Name == "run" {
			run = c
		}
	}
	seen := map[string]bool{}
	for _, f := range append(append([]cli.Flag{}, app.Flags...), run.Flags...) {
		name := f.Names()[0]
		seen[name] = true
		_, isCarried := carried[name]
		_, isLocal := notForJobs[name]
		switch {
		case isCarried && isLocal:
			t.Errorf("--%s is both carried to the jobs and in notForJobs", name)
		case !isCarried && !isLocal:
			t.Errorf("--%s: neither a field of experiment.SlurmJob (carried to every job) nor in notForJobs (with why not)", name)
		}
	}
	for name := range carried {
		if !seen[name] {
			t.Errorf("experiment.SlurmJob carries --%s, which rgml does not have", name)
		}
	}
	// The run pushes its metrics when it ends: somewhere that takes them.
	gw := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer gw.Close()
	var got experiment.SlurmJob
	run.Action = func(c *cli.Context) error { got = experiment.NewSlurmJob(c.Value); return nil }
	args := []string{"rgml", "--metrics-addr", "off", "--plugin-dir", "/p", "--allow-unlocked", "--plugin-timeout", "3m",
		"--registry", "/r", "--blobs", "/b", "--pushgateway", gw.URL, "--log-level", "debug", "--run-id", "id",
		"run", "--preset", "quick"}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := app.RunContext(ctx, args); err != nil {
		t.Fatal(err)
	}
	v := reflect.ValueOf(got)
	for name, f := range carried {
		if v.FieldByIndex(f.Index).IsZero() {
			t.Errorf("--%s given, SlurmJob.%s not filled: its flag's value is not a %s", name, f.Name, f.Type)
		}
	}
}
