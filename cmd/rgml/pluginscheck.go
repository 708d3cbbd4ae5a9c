package main

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment/pluginstudy"
	"github.com/rgml/rgml/framework/sdk"
)

// checkOptions are those of `rgml plugins check`.
type checkOptions struct {
	env  *env
	Opts pluginstudy.Options
}

func newCmdPluginsCheck(e *env, runF func(context.Context, *checkOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "check",
		Usage: "run a tiny study on a model plugin (sample, RBM, thermometer, flow, thermometer-free check, report) and say which part fails and why",
		Description: "Example:\n  rgml plugins check mymodel\n\n" +
			"The study runs in a temporary registry (yours is not touched): the model's\n" +
			"first float parameter at four points around the reference point it declares\n" +
			"(or its default), an RBM and a thermometer of a few epochs, a flow from the\n" +
			"lowest point, its thermometer-free check, a report. One line per part: ok,\n" +
			"FAIL and why, or skipped (a part it needs failed). The learners and the check\n" +
			"are the installed plugins that declare what each part needs, unless named.\n" +
			"Exit 1 when a part fails, 2 when NAME is not an installed model plugin.",
		ArgsUsage: "NAME",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "rbm", Usage: "the learner to flow with `NAME` (default: the installed learner with the operation flow)"},
			&cli.StringFlag{Name: "thermometer", Usage: "the supervised learner `NAME` (default: the installed one with the operation predict)"},
			&cli.StringFlag{Name: "check", Usage: "the analyzer `NAME` of the thermometer-free check (default: the installed one that reads a flow beside a reference)"},
			&cli.StringSliceFlag{Name: "rbm-set", Usage: "RBM hyper-parameter NAME=VALUE (repeatable)"},
			&cli.StringSliceFlag{Name: "thermometer-set", Usage: "thermometer hyper-parameter NAME=VALUE (repeatable)"},
			&cli.IntFlag{Name: "L", Usage: "linear lattice size (0: 6, or the model's minimum if larger)"},
			&cli.IntFlag{Name: "per-point", Usage: "configurations per parameter point (0: 32)"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed", Value: 1},
			&cli.StringFlag{Name: "report", Usage: "keep the study's report in `DIR`"},
		},
		Action: func(c *cli.Context) error {
			opts, err := checkOptionsOf(c, e)
			if err != nil {
				return err
			}
			return orRun(runF, runPluginsCheck)(c.Context, opts)
		},
	}
}

// checkOptionsOf reads check's arguments and flags; a wrong one is a
// usage error.
func checkOptionsOf(c *cli.Context, e *env) (*checkOptions, error) {
	if c.NArg() != 1 {
		return nil, usagef("plugins check takes one model plugin's name, `rgml plugins check MODEL` (rgml plugins list shows them; got %d arguments)", c.NArg())
	}
	if c.Int("L") < 0 || c.Int("per-point") < 0 {
		return nil, usagef("--L and --per-point must not be negative")
	}
	o := pluginstudy.Options{Model: c.Args().First(), RBM: c.String("rbm"), Thermometer: c.String("thermometer"),
		Check: c.String("check"), L: c.Int("L"), PerPoint: c.Int("per-point"), Seed: c.Uint64("seed"),
		ReportDir: c.String("report"), Set: map[string]sdk.Params{}}
	for part, flag := range map[string]string{pluginstudy.PartRBM: "rbm-set", pluginstudy.PartThermometer: "thermometer-set"} {
		p, err := parseSettings(c.StringSlice(flag))
		if err != nil {
			return nil, usagef("--%s: %v", flag, err)
		}
		o.Set[part] = p
	}
	return &checkOptions{env: e, Opts: o}, nil
}

// runPluginsCheck prints one line per part; a failed part is exit 1.
func runPluginsCheck(ctx context.Context, o *checkOptions) error {
	e := o.env
	en, closeEnv := e.stepEnv(ctx, readStore)
	defer closeEnv()
	// The part lines are the output: the study's steps take seconds, and
	// their bars would only interleave with them.
	en.Progress = nil
	parts, err := pluginstudy.Run(ctx, en, o.Opts)
	if err != nil {
		return err
	}
	for _, p := range parts {
		fmt.Fprintln(e.stdout, p)
	}
	if failed := pluginstudy.Failed(parts); len(failed) > 0 {
		return fmt.Errorf("plugins check %s: %d of %d parts failed, first %s", o.Opts.Model, len(failed), len(parts), failed[0].Name)
	}
	return nil
}
