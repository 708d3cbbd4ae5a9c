package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/experiment/presets"
	"github.com/rgml/rgml/framework/fsutil"
	"github.com/rgml/rgml/framework/progress"
	"github.com/rgml/rgml/registry"
)

// runOptions are those of `rgml run`.
type runOptions struct {
	env              *env
	SpecFile, Preset string // one of them
	Jobs             int    // steps at once; 0: the number of cores
	DryRun           bool
	Name             string // the run's name; "" for the spec's file name or the preset's
	ReportOut        string // --report: the report's folder instead of the spec's
	// elsewhere, when not nil, runs the planned spec elsewhere than here
	// (--executor slurm, --step: run_slurm.go).
	elsewhere func(en *experiment.Env, spec *experiment.Spec, file, name string, data []byte) error
}

func newCmdRun(e *env, runF func(context.Context, *runOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "run a whole study written in YAML (or a built-in preset): every step's result kept in the registry",
		Description: "Examples:\n  rgml run --preset quick\n  rgml run study.yaml --jobs 2\n  rgml run study.yaml --dry-run\n\n" +
			"The spec is validated whole first (a mistake is one line naming file:line:column).\n" +
			"A step whose result is already in the registry (same spec, inputs and plugin\n" +
			"binary) is skipped; a killed run, run again, resumes its trainings from their\n" +
			"checkpoints. A step may read an entry of the registry instead of a step of\n" +
			"the spec (data: registry:NAME[:VERSION]), resolved when the spec is planned.\n" +
			"See docs/experiments.md.",
		ArgsUsage: "[SPEC.yaml]",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "preset", Usage: "run the built-in spec `NAME` (see rgml presets list) instead of a file"},
			&cli.IntFlag{Name: "jobs", Usage: "steps running at once", DefaultText: "the number of cores"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print the plan (and which steps exist already) and run nothing"},
			&cli.StringFlag{Name: "name", Usage: "register the run under this name (default: the spec's file name or the preset's)"},
			&cli.StringFlag{Name: "report", Usage: "write the spec's report into this folder instead of the one it names (report: out)"},
		}, executorFlags()...),
		Action: func(c *cli.Context) error {
			opts, err := runOptionsOf(c, e)
			if err != nil {
				return err
			}
			return orRun(runF, runRun)(c.Context, opts)
		},
	}
}

// runOptionsOf reads run's flags; a wrong one is a usage error.
func runOptionsOf(c *cli.Context, e *env) (*runOptions, error) {
	if err := checkExecutorFlags(c); err != nil {
		return nil, err
	}
	o := &runOptions{env: e, SpecFile: c.Args().First(), Preset: c.String("preset"), Jobs: c.Int("jobs"),
		DryRun: c.Bool("dry-run"), Name: c.String("name"), ReportOut: c.String("report")}
	switch {
	case o.Preset != "" && c.NArg() > 0:
		return nil, usagef("run takes SPEC.yaml or --preset NAME, not both")
	case o.Preset == "" && c.NArg() == 0:
		return nil, usagef("run needs SPEC.yaml or --preset NAME (see `rgml presets list`)")
	}
	if c.IsSet("jobs") && o.Jobs < 1 {
		return nil, usagef("--jobs %d: must be at least 1", o.Jobs)
	}
	if o.Name != "" {
		if err := registry.ValidateName(o.Name); err != nil {
			return nil, usageError{fmt.Errorf("--name: %w", err)}
		}
	}
	if elsewhere(c) {
		o.elsewhere = func(en *experiment.Env, spec *experiment.Spec, file, name string, data []byte) error {
			return runElsewhere(c, e, en, spec, file, name, data)
		}
	}
	return o, nil
}

// readSpec returns the spec a run names: a file or a preset.
func readSpec(o *runOptions) (file, name string, data []byte, err error) {
	if o.Preset != "" {
		b, err := presets.Get(o.Preset)
		if err != nil {
			return "", "", nil, usageError{err}
		}
		return "preset:" + o.Preset, o.Preset, b, nil
	}
	file = o.SpecFile
	// A regular file of at most MaxSpecBytes: a FIFO would block, a device
	// never end.
	b, err := fsutil.ReadRegular(file, experiment.MaxSpecBytes)
	if err != nil {
		return "", "", nil, usagef("cannot read the spec: %v", err)
	}
	return file, strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)), b, nil
}

// runRun plans the spec and runs it here, or elsewhere (o.elsewhere),
// or prints the plan (o.DryRun).
func runRun(ctx context.Context, o *runOptions) error {
	e := o.env
	file, name, data, err := readSpec(o)
	if err != nil {
		return err
	}
	cores := runtime.NumCPU()
	jobs := o.Jobs
	if jobs == 0 {
		jobs = cores
	}
	if o.Name != "" {
		name = o.Name
	}
	spec, err := experiment.Parse(file, data)
	if err != nil {
		return err
	}
	en, closeEnv := e.stepEnv(ctx, map[bool]storeMode{false: createStore, true: readStore}[o.DryRun])
	defer closeEnv()
	if o.elsewhere != nil {
		return o.elsewhere(en, spec, file, name, data)
	}
	// Descriptions are cached in the registry by binary digest; a dry run
	// reads the cache of an existing registry and writes none.
	cat := &experiment.CachedCatalog{HostCatalog: experiment.HostCatalog{Host: en.Host}}
	root, rerr := e.root()
	// (A PostgreSQL registry has no local directory: no cache there.)
	if rerr == nil && !registry.IsURL(root) && (!o.DryRun || dirExists(root)) {
		cat.Dir = filepath.Join(root, "cache", "describe")
	}
	if en.Store, err = planStore(ctx, e, spec, o.DryRun); err != nil {
		return err
	}
	plan, err := experiment.NewPlanIn(ctx, spec, cat, en.Store)
	if err != nil {
		return err
	}
	if o.DryRun {
		return dryRun(e, en, plan)
	}
	if en.Store == nil {
		if _, err := en.OpenStore(); err != nil {
			return err
		}
	}
	if err := reportFolder(o, en, spec); err != nil {
		return err
	}
	return execute(ctx, o, en, plan, spec, execSpec{file: file, name: name, data: data, jobs: jobs, cores: cores})
}

// execSpec is what runRun read and decided, for execute.
type execSpec struct {
	file, name  string
	data        []byte
	jobs, cores int
}

// execute runs the plan here with a progress board, then prints each
// step's outcome and where the report is.
func execute(ctx context.Context, o *runOptions, en *experiment.Env, plan *experiment.Plan, spec *experiment.Spec, x execSpec) error {
	e := o.env
	board := progress.NewBoard(e.progressOut(), len(plan.Steps), 0)
	en.Progress = board
	e.metrics.SetInfo("run", "", "", version)
	ex, err := experiment.Execute(ctx, en, plan, experiment.ExecOptions{
		Options: experiment.Options{Jobs: x.jobs, Cores: x.cores}, RunName: x.name, SpecName: x.file, SpecText: x.data,
		Event: func(ev experiment.StepEvent) {
			switch ev.Status {
			case registry.StatusSkipped:
				board.Finished(ev.Step.ID, "skipped, exists as "+ev.Entry.Ref())
			case registry.StatusNotRun:
				board.Finished(ev.Step.ID, "not run")
			}
		},
	})
	board.Close()
	printRun(e, en.Store, ex)
	plan.PrintRegistry(e.stdout)
	if spec.Report != nil {
		printReportStep(e, en, spec, ex)
	}
	return err
}

func dirExists(p string) bool { fi, err := os.Stat(p); return err == nil && fi.IsDir() }

// planStore is the registry the spec's registry:NAME inputs are read
// from, opened before planning: nil when the spec names none, or when
// there is no registry (the planner then says so at the input; none is
// created for a spec that cannot run).
func planStore(ctx context.Context, e *env, spec *experiment.Spec, dry bool) (*registry.Store, error) {
	if !spec.ReadsRegistry() {
		return nil, nil
	}
	open := e.openExisting
	if dry {
		open = e.openRead
	}
	s, err := open(ctx)
	if errors.Is(err, registry.ErrNoRegistry) {
		return nil, nil
	}
	return s, err
}

// dryRun prints the plan and, when a registry exists, which steps it has.
func dryRun(e *env, en *experiment.Env, plan *experiment.Plan) error {
	if err := plan.Print(e.stdout); err != nil {
		return err
	}
	plan.PrintRegistry(e.stdout)
	s := en.Store
	if s == nil {
		var err error
		if s, err = en.OpenStore(); err != nil {
			fmt.Fprintln(e.stdout, "(no registry yet: every step would run)")
			return nil
		}
		en.Store = s
	}
	n := 0
	for _, st := range plan.Steps {
		if got, ok, err := s.FindByKey(context.Background(), experiment.RegistryKind(st.Kind), st.Key); err == nil && ok {
			fmt.Fprintf(e.stdout, "%s: exists as %s, would be skipped\n", st.ID, got.Ref())
			n++
		}
	}
	fmt.Fprintf(e.stdout, "%d of %d steps would run\n", len(plan.Steps)-n, len(plan.Steps))
	return nil
}

// printRun prints each step's outcome, each flow's reading and the run's
// entry.
func printRun(e *env, s *registry.Store, ex experiment.Execution) {
	r := ex.Record
	if len(r.Steps) == 0 {
		return
	}
	printTable(e, "STEP\tKIND\tSTATUS\tENTRY\tSECONDS", r.Steps, func(st registry.RunStep) string {
		return fmt.Sprintf("%s\t%s\t%s\t%s\t%.1f", st.Name, st.Kind, st.Status, orDash(st.Entry), st.Seconds)
	})
	for _, st := range r.Steps {
		if st.Kind == registry.Flow && st.Digest != "" {
			if line := experiment.FlowSummary(s, st.Name, st.Digest); line != "" {
				fmt.Fprintln(e.stdout, line)
			}
		}
	}
	if ex.Run.Name != "" {
		fmt.Fprintf(e.stdout, "registered %s: %s in %.1fs (`rgml runs show %s`)\n", ex.Run, r.Status, r.Seconds, ex.Run.Ref())
	}
}

// presetOptions are those of `rgml presets show`.
type presetOptions struct {
	env  *env
	Name string
}

func presetsCommand(e *env) *cli.Command { return newCmdPresets(e, nil) }

// newCmdPresets builds `rgml presets`; runF, when not nil, replaces
// show's run function.
func newCmdPresets(e *env, runF func(context.Context, *presetOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "presets",
		Usage: "built-in experiment specs: list them, or show one to copy and edit",
		Subcommands: []*cli.Command{
			{
				Name:   "list",
				Usage:  "list the presets, each with the first clause of its comment",
				Action: func(c *cli.Context) error { return runPresetsList(e) },
			},
			{
				Name:      "show",
				Usage:     "print a preset's YAML (save it, edit it, `rgml run FILE`)",
				ArgsUsage: "NAME",
				Action: func(c *cli.Context) error {
					return orRun(runF, runPresetsShow)(c.Context, &presetOptions{env: e, Name: c.Args().First()})
				},
			},
		},
	}
}

func runPresetsList(e *env) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, n := range presets.Names() {
		fmt.Fprintf(tw, "%s\t%s\n", n, presets.Summary(n))
	}
	return tw.Flush()
}

func runPresetsShow(_ context.Context, o *presetOptions) error {
	b, err := presets.Get(o.Name)
	if err != nil {
		return usageError{err}
	}
	_, err = o.env.stdout.Write(b)
	return err
}
