package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/metrics"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// Flag translation: each command's flags, read as the CLI reads them
// (global flags, guards, reordered arguments), become the options its run
// function gets. The run functions here only record them: no plugin, no
// registry.

func testEnv() *env {
	return &env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, logger: hclog.NewNullLogger(), metrics: metrics.New("")}
}

// translate runs `rgml ARGS…` with the command newCmd builds as its only
// command, and returns the error the command line came to. (A command is
// built afresh for each line, as the CLI does: urfave/cli changes the
// commands it runs.)
func translate(t *testing.T, e *env, newCmd func() *cli.Command, args ...string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	app := newAppWith(e, []*cli.Command{newCmd()})
	full, err := normalizeArgs(app, append([]string{"rgml", "--metrics-addr", "off"}, args...))
	if err != nil {
		return err
	}
	return app.RunContext(ctx, full)
}

// capture returns a run function that keeps its options in *got.
func capture[O any](got **O) func(context.Context, *O) error {
	return func(_ context.Context, o *O) error { *got = o; return nil }
}

func TestRunFlagsTranslate(t *testing.T) {
	e := testEnv()
	var got *runOptions
	cmd := func() *cli.Command { return newCmdRun(e, capture(&got)) }
	out := filepath.Join(t.TempDir(), "report")
	if err := translate(t, e, cmd, "run", "--preset", "quick", "--jobs", "3", "--name", "q1", "--report", out, "--registry", "/r", "--plugin-dir", "/p"); err != nil {
		t.Fatal(err)
	}
	if got.Preset != "quick" || got.SpecFile != "" || got.Jobs != 3 || got.Name != "q1" || got.ReportOut != out || got.DryRun || got.elsewhere != nil {
		t.Errorf("options %+v", *got)
	}
	if e.g.registry != "/r" || e.g.pluginDir != "/p" {
		t.Errorf("global flags %+v", e.g)
	}
	got = nil
	if err := translate(t, e, cmd, "run", "study.yaml", "--dry-run"); err != nil {
		t.Fatal(err)
	}
	if got.SpecFile != "study.yaml" || got.Preset != "" || got.Jobs != 0 || !got.DryRun {
		t.Errorf("options %+v", *got)
	}
	got = nil
	if err := translate(t, e, cmd, "run", "study.yaml", "--step", "train/x"); err != nil || got.elsewhere == nil {
		t.Errorf("--step: err %v, runs elsewhere %v", err, got != nil && got.elsewhere != nil)
	}
	for args, want := range map[string]string{
		"run study.yaml --preset quick":     "not both",
		"run":                               "run needs SPEC.yaml or --preset NAME",
		"run --preset quick --jobs 0":       "--jobs 0: must be at least 1",
		"run --preset quick --name a/b":     "--name:",
		"run --preset quick --time 1:00:00": "--time is an option of --executor slurm",
	} {
		got = nil
		err := translate(t, e, cmd, strings.Fields(args)...)
		checkUsage(t, args, err, want)
		if got != nil {
			t.Errorf("%s: the run function ran", args)
		}
	}
}

// checkUsage checks that err is a usage error saying want.
func checkUsage(t *testing.T, args string, err error, want string) {
	t.Helper()
	var ue usageError
	if err == nil || !strings.Contains(err.Error(), want) || (!errors.As(err, &ue) && !errors.Is(err, experiment.ErrUsage)) {
		t.Errorf("%s: error %v, want a usage error saying %q", args, err, want)
	}
}

func TestTrainFlagsTranslate(t *testing.T) {
	e := testEnv()
	var got *trainOptions
	cmd := func() *cli.Command { return newCmdTrain(e, capture(&got)) }
	err := translate(t, e, cmd, "train", "--learner", "rbm", "--data", "d:2", "--set", "hidden=64", "--set", "lr=0.5",
		"--where", "T=0:1:0.5", "--test", "held", "--seed", "7", "--checkpoint-every", "5", "--resume", "--label", "T,Delta")
	if err != nil {
		t.Fatal(err)
	}
	want := experiment.TrainSpec{Name: "rbm", Learner: "rbm", Data: "d:2", Where: []string{"T=0:1:0.5"}, Test: "held",
		Hyper: sdk.Params{"hidden": 64, "lr": 0.5}, Seed: 7, CheckpointEvery: 5, Label: "T,Delta", Resume: experiment.ResumeRequired}
	if !reflect.DeepEqual(got.Spec, want) {
		t.Errorf("spec\n got %+v\nwant %+v", got.Spec, want)
	}
	got = nil
	if err := translate(t, e, cmd, "train", "--learner", "rbm", "--data", "d", "--name", "mine"); err != nil {
		t.Fatal(err)
	}
	if got.Spec.Name != "mine" || got.Spec.Label != "" || got.Spec.Resume != (experiment.TrainSpec{}).Resume || got.Spec.Seed != 1 {
		t.Errorf("defaults: %+v", got.Spec)
	}
	for args, want := range map[string]string{
		"train --learner rbm --data d --set hidden":          "--set \"hidden\": want NAME=VALUE",
		"train --learner rbm --data d --set a=1 --set a=2":   "--set a given twice",
		"train --learner rbm --data d --checkpoint-every -1": "--checkpoint-every must not be negative",
		"train --learner rbm --data d --name bad/name":       "--name:",
	} {
		got = nil
		checkUsage(t, args, translate(t, e, cmd, strings.Fields(args)...), want)
		if got != nil {
			t.Errorf("%s: the run function ran", args)
		}
	}
}

func TestSampleFlagsTranslate(t *testing.T) {
	e := testEnv()
	var got *sampleOptions
	cmd := func() *cli.Command { return newCmdSample(e, capture(&got)) }
	out := filepath.Join(t.TempDir(), "x.npz")
	err := translate(t, e, cmd, "sample", "--model", "ising", "--param", "T=0:1:0.5", "--param", "h=0", "--L", "8", "--per-point", "10",
		"--algorithm", "wolff", "--sweeps", "2", "--thermalization", "30", "--seed", "3", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	want := experiment.SampleSpec{Name: "ising", Model: "ising", L: 8, PerPoint: 10, Algorithm: "wolff", Sweeps: 2, Thermalization: 30,
		Seed: 3, Out: out, Params: []grid.Axis{{Name: "T", Values: []float64{0, 0.5, 1}, Range: "0:1:0.5"}, {Name: "h", Values: []float64{0}}}}
	if !reflect.DeepEqual(got.Spec, want) {
		t.Errorf("spec\n got %+v\nwant %+v", got.Spec, want)
	}
	got = nil
	if err := translate(t, e, cmd, "sample", "--model", "ising"); err != nil {
		t.Fatal(err)
	}
	if s := got.Spec; s.L != 10 || s.PerPoint != 1000 || s.Seed != 1 || s.Name != "ising" || s.Params != nil {
		t.Errorf("defaults: %+v", s)
	}
	for args, want := range map[string]string{
		"sample --model ising --L 1":                "--L 1: the lattice needs L >= 2",
		"sample --model ising --per-point 0":        "--per-point 0",
		"sample --model ising --sweeps -1":          "must not be negative",
		"sample --model ising --param T":            "T",
		"sample --model ising --out " + t.TempDir(): "must end in .npz",
		"sample --model ising extra":                "takes no arguments",
	} {
		got = nil
		checkUsage(t, args, translate(t, e, cmd, strings.Fields(args)...), want)
		if got != nil {
			t.Errorf("%s: the run function ran", args)
		}
	}
}

func TestFlowFlagsTranslate(t *testing.T) {
	e := testEnv()
	var got *flowOptions
	cmd := func() *cli.Command { return newCmdFlow(e, capture(&got)) }
	err := translate(t, e, cmd, "flow", "--rbm", "rbm-v64@paper", "--thermometer", "th:2", "--from", "test", "--where", "T=0",
		"--iterations", "0, 5,100", "--seed", "9", "--save-configs")
	if err != nil {
		t.Fatal(err)
	}
	want := experiment.FlowSpec{Name: "flow-rbm-v64", RBM: "rbm-v64@paper", Thermometer: "th:2", From: "test", Where: []string{"T=0"},
		Iterations: []int64{0, 5, 100}, Seed: 9, SaveConfigs: true}
	if !reflect.DeepEqual(got.Spec, want) {
		t.Errorf("spec\n got %+v\nwant %+v", got.Spec, want)
	}
	got = nil
	if err := translate(t, e, cmd, "flow", "--rbm", "r", "--thermometer", "t", "--from", "f", "--name", "mine"); err != nil {
		t.Fatal(err)
	}
	if want, _ := experiment.ParseIterations(experiment.DefaultIterations); got.Spec.Name != "mine" || !reflect.DeepEqual(got.Spec.Iterations, want) {
		t.Errorf("defaults: %+v", got.Spec)
	}
	base := "flow --rbm r --thermometer t --from f "
	for args, want := range map[string]string{
		base + "--iterations 5,1":                 `--iterations "5,1": counts must increase`,
		base + "--iterations x":                   `--iterations "x": want non-negative integers`,
		base + "--out " + t.TempDir():             "must end in .npz",
		"flow --rbm a/b --thermometer t --from f": "--name flow-a/b:",
	} {
		got = nil
		checkUsage(t, args, translate(t, e, cmd, strings.Fields(args)...), want)
		if got != nil {
			t.Errorf("%s: the run function ran", args)
		}
	}
}

func TestAnalyzeFlagsTranslate(t *testing.T) {
	e := testEnv()
	var got *analyzeOptions
	cmd := func() *cli.Command { return newCmdAnalyze(e, capture(&got)) }
	out := filepath.Join(t.TempDir(), "out")
	err := translate(t, e, cmd, "analyze", "--analyzer", "spectrum", "--models", "a:2, b", "--models", "c@x", "--data", "d",
		"--where", "T=1", "--set", "k=3", "--seed", "4", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	var names, models, outs []string
	for _, s := range got.Specs {
		names, models, outs = append(names, s.Name), append(models, s.Model), append(outs, s.Out)
		if s.Analyzer != "spectrum" || s.Data != "d" || s.Flow != "" || s.Seed != 4 || !reflect.DeepEqual(s.Where, []string{"T=1"}) ||
			!reflect.DeepEqual(s.Params, sdk.Params{"k": 3}) {
			t.Errorf("spec %+v", s)
		}
	}
	if want := []string{"spectrum-a", "spectrum-b", "spectrum-c"}; !reflect.DeepEqual(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
	if want := []string{"a:2", "b", "c@x"}; !reflect.DeepEqual(models, want) {
		t.Errorf("models %q, want %q", models, want)
	}
	if want := []string{out + "/spectrum-a", out + "/spectrum-b", out + "/spectrum-c"}; !reflect.DeepEqual(outs, want) {
		t.Errorf("outs %q, want %q", outs, want)
	}
	got = nil
	if err := translate(t, e, cmd, "analyze", "--analyzer", "correlations", "--flow", "f:3", "--name", "mine", "--out", out); err != nil {
		t.Fatal(err)
	}
	if len(got.Specs) != 1 || got.Specs[0].Name != "mine" || got.Specs[0].Flow != "f:3" || got.Specs[0].Model != "" || got.Specs[0].Out != out {
		t.Errorf("one analysis of a flow: %+v", got.Specs)
	}
	got = nil
	if err := translate(t, e, cmd, "analyze", "--analyzer", "correlations", "--data", "d:1"); err != nil {
		t.Fatal(err)
	}
	if len(got.Specs) != 1 || got.Specs[0].Name != "correlations-d" || got.Force {
		t.Errorf("default name of a dataset's analysis: %+v", got.Specs)
	}
	got = nil
	if err := translate(t, e, cmd, "analyze", "--analyzer", "correlations", "--data", "d:1", "--force"); err != nil || got == nil || !got.Force {
		t.Errorf("--force: %v, %+v", err, got)
	}
	for args, want := range map[string]string{
		"analyze --analyzer s":                       "analyze needs --models, --data or --flow",
		"analyze --analyzer s --models a,,b":         "an empty reference",
		"analyze --analyzer s --models a,b --name n": "--name names one analysis",
	} {
		got = nil
		checkUsage(t, args, translate(t, e, cmd, strings.Fields(args)...), want)
		if got != nil {
			t.Errorf("%s: the run function ran", args)
		}
	}
}

func TestEntryFlagsTranslate(t *testing.T) {
	e := testEnv()
	var export *exportOptions
	cmd := func() *cli.Command { return newCmdExport(e, registry.Flow, capture(&export)) }
	if err := translate(t, e, cmd, "export", "flow/x", "out", "--run", "quick:2"); err != nil {
		t.Fatal(err)
	}
	if export.Kind != registry.Flow || export.Ref != "flow/x" || export.Dir != "out" || export.Run != "quick:2" {
		t.Errorf("export options %+v", *export)
	}
	var rm *rmOptions
	cmd = func() *cli.Command { return newCmdRm(e, registry.Run, capture(&rm)) }
	if err := translate(t, e, cmd, "rm", "quick", "--entries", "--all-versions", "--force"); err != nil {
		t.Fatal(err)
	}
	if rm.Kind != registry.Run || rm.Ref != "quick" || !rm.Entries || !rm.AllVersions || !rm.Force {
		t.Errorf("runs rm options %+v", *rm)
	}
	// --entries is a flag of runs rm only.
	cmd = func() *cli.Command { return newCmdRm(e, registry.Model, capture(&rm)) }
	rm = nil
	checkUsage(t, "rm m --entries", translate(t, e, cmd, "rm", "m", "--entries"), "unknown flag --entries")
	var cancel *cancelOptions
	cmd = func() *cli.Command { return newCmdCancel(e, capture(&cancel)) }
	if err := translate(t, e, cmd, "cancel", "study:2"); err != nil || cancel == nil || cancel.Ref != "study:2" {
		t.Errorf("runs cancel study:2: %v, options %+v", err, cancel)
	}
	var reg *registryOpts
	var sub string
	cmd = func() *cli.Command {
		return newCmdRegistry(e, func(_ context.Context, name string, o *registryOpts) error { sub, reg = name, o; return nil })
	}
	if err := translate(t, e, cmd, "registry", "migrate", "--to", "postgres://db/x", "--blobs", "/b"); err != nil {
		t.Fatal(err)
	}
	if sub != "migrate" || reg.To != "postgres://db/x" || e.g.blobs != "/b" {
		t.Errorf("registry %s options %+v, blobs %q", sub, *reg, e.g.blobs)
	}
	if err := translate(t, e, cmd, "registry", "gc", "--dry-run"); err != nil || sub != "gc" || !reg.DryRun {
		t.Errorf("registry gc --dry-run: %v, %s %+v", err, sub, *reg)
	}
	checkUsage(t, "registry migrate --to x", translate(t, e, cmd, "registry", "migrate", "--to", "x"), "give the postgres://… URL")
}
