package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// analyzeOptions are those of `rgml analyze`: one analysis per model
// (or one of the data or flow when no model is given).
type analyzeOptions struct {
	env   *env
	Specs []experiment.AnalyzeSpec
	Force bool
}

func newCmdAnalyze(e *env, runF func(context.Context, *analyzeOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "analyze",
		Usage: "run an analyzer plugin on registered weights, datasets or flows and register its results",
		Description: "Examples (Sec. 4 of the paper; the thermometer-free flow check):\n" +
			"  rgml analyze --analyzer spectrum --models rbm-v16,rbm-v64 --data paper-test\n" +
			"  rgml analyze --analyzer correlations --flow flow-rbm-v16-T0 --data paper-test --out check/\n\n" +
			"Each model gives one analysis, registered as ANALYZER-MODEL (or --name with one\n" +
			"model). A flow's saved configurations (`rgml flow --save-configs`) are analysed\n" +
			"per iteration, and --data is then the equilibrium reference. With --out, the\n" +
			"results (.npz), the suggested figures (JSON) and the figures themselves\n" +
			"(PNG, SVG, .npz, CSV) go to DIR too. An analysis the registry already has from\n" +
			"an identical step (same name, analyzer binary, inputs, parameters, selection\n" +
			"and seed, as `rgml run` keys its steps) is reused, not run again (--out still\n" +
			"writes it); --force runs it anew. See docs/analyzers.md.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "analyzer", Usage: "analyzer plugin `NAME` (see rgml plugins list)", Required: true},
			&cli.StringSliceFlag{Name: "models", Usage: "models whose weights to analyse (registry references; comma-separated or repeated)"},
			&cli.StringFlag{Name: "data", Usage: "dataset to analyse, or with --flow the equilibrium reference (registry reference)"},
			&cli.StringSliceFlag{Name: "where", Usage: "analyse only the dataset's configurations whose label matches NAME=SPEC"},
			&cli.StringFlag{Name: "flow", Usage: "flow whose saved configurations to analyse (registry reference)"},
			&cli.StringSliceFlag{Name: "set", Usage: "analyzer parameter NAME=VALUE (repeatable)"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed passed to the analyzer", Value: 1},
			&cli.StringFlag{Name: "name", Usage: "register under this name (default: ANALYZER-MODEL, ANALYZER-FLOW or ANALYZER-DATA)"},
			&cli.StringFlag{Name: "out", Usage: "also write the results and their figures into this folder"},
			forceFlag(),
		},
		Action: func(c *cli.Context) error {
			opts, err := analyzeOptionsOf(c, e)
			if err != nil {
				return err
			}
			return orRun(runF, runAnalyze)(c.Context, opts)
		},
	}
}

// analyzeOptionsOf reads analyze's flags; a wrong one is a usage error.
func analyzeOptionsOf(c *cli.Context, e *env) (*analyzeOptions, error) {
	params, err := parseSettings(c.StringSlice("set"))
	if err != nil {
		return nil, err
	}
	var models []string
	for _, m := range c.StringSlice("models") {
		for _, f := range strings.Split(m, ",") {
			if f = strings.TrimSpace(f); f == "" {
				return nil, usagef("--models %q: an empty reference", m)
			}
			models = append(models, f)
		}
	}
	base := experiment.AnalyzeSpec{
		Analyzer: c.String("analyzer"), Data: c.String("data"), Flow: c.String("flow"),
		Where: c.StringSlice("where"), Params: params, Seed: c.Uint64("seed"),
	}
	if len(models) == 0 && base.Data == "" && base.Flow == "" {
		return nil, usagef("analyze needs --models, --data or --flow: what to analyse")
	}
	if c.String("name") != "" && len(models) > 1 {
		return nil, usagef("--name names one analysis, and --models gives %d: drop --name (each is named %s-MODEL)", len(models), base.Analyzer)
	}
	if out := c.String("out"); out != "" {
		if err := checkWritableDir(out); err != nil {
			return nil, usageError{err}
		}
	}
	var specs []experiment.AnalyzeSpec
	refs := models
	if len(refs) == 0 {
		refs = []string{""}
	}
	for _, m := range refs {
		s := base
		s.Model = m
		s.Name = c.String("name")
		if s.Name == "" {
			s.Name = s.Analyzer + "-" + refName(firstNonEmpty(m, s.Flow, s.Data))
		}
		if err := registry.ValidateName(s.Name); err != nil {
			return nil, usageError{fmt.Errorf("--name %s: %w (give one with --name)", s.Name, err)}
		}
		if out := c.String("out"); out != "" {
			s.Out = out
			if len(refs) > 1 {
				s.Out = out + "/" + s.Name
			}
		}
		specs = append(specs, s)
	}
	return &analyzeOptions{env: e, Specs: specs, Force: c.Bool("force")}, nil
}

// runAnalyze runs each analysis, registers it and draws its figures
// where asked.
func runAnalyze(ctx context.Context, o *analyzeOptions) error {
	e := o.env
	en, closeEnv := e.stepEnv(ctx, existingStore)
	defer closeEnv()
	for _, s := range o.Specs {
		found, err := experiment.FindAnalysis(ctx, en, s)
		if err != nil {
			return err
		}
		if found.OK && !o.Force {
			reused(e, found)
			if err := reusedOut(en, found.Entry, s.Out); err != nil {
				return err
			}
			if s.Out != "" {
				fmt.Fprintf(e.stdout, "wrote %s\n", s.Out)
			}
			continue
		}
		if !o.Force {
			// The registry keeps one entry per key: a forced run's is
			// registered without it, beside the one the key finds.
			s.Key = found.Key
		}
		r, err := experiment.Analyze(ctx, en, s)
		if r.Entry.Name == "" {
			return err
		}
		if err != nil {
			return err // registered, but --out failed: the error says so
		}
		fmt.Fprintf(e.stdout, "registered %s: %d results, %d figures\n", r.Entry, len(r.Results), len(r.Figures))
		sayVersion(e, r.Entry)
		if s.Out != "" {
			if err := drawHints(s.Out, r.Results, r.Figures); err != nil {
				return experiment.RegisteredBut(r.Entry, "drawing its figures in "+s.Out, err)
			}
			fmt.Fprintf(e.stdout, "wrote %s\n", s.Out)
		}
	}
	return nil
}

// reusedOut writes a reused analysis into out ("" writes nothing) as a
// new one is written: its files and its figures.
func reusedOut(en *experiment.Env, an registry.Entry, out string) error {
	if out == "" {
		return nil
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, f := range []string{experiment.AnalysisFile, experiment.FiguresFile} {
		if err := experiment.CopyFile(en, an, f, filepath.Join(out, f)); err != nil {
			return err
		}
	}
	results, figs, err := experiment.ReadAnalysis(en.Store, an)
	if err != nil {
		return err
	}
	return drawHints(out, results, figs)
}

// drawHints draws every suggested figure the report can draw (tables and
// histograms are left in the data).
func drawHints(dir string, results []npz.Array, figs []sdk.Figure) error {
	for _, h := range figs {
		if h.Kind == sdk.FigureTable || h.Kind == sdk.FigureHistogram {
			continue
		}
		f, err := report.FromHint(results, h)
		if err != nil {
			return err
		}
		if _, err := report.Save(dir, h.Name, f); err != nil {
			return err
		}
	}
	return nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// refName is the name part of a registry reference: rbm-v64:2 and
// rbm-v64@paper name rbm-v64.
func refName(ref string) string {
	if f := strings.FieldsFunc(ref, func(r rune) bool { return r == ':' || r == '@' }); len(f) > 0 {
		return f[0]
	}
	return ref
}

// checkWritableDir checks that dir is (or can become) a writable folder,
// before any work is done.
func checkWritableDir(dir string) error { return checkFolder("--out", dir) }

// checkFolder is checkWritableDir naming the folder as what.
func checkFolder(what, dir string) error {
	if strings.TrimSpace(dir) == "" {
		return fmt.Errorf("%s is empty: give a folder", what)
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return fmt.Errorf("%s %s is a file: give a folder", what, dir)
	}
	parent := dir
	for {
		if _, err := os.Stat(parent); err == nil {
			break
		}
		next := filepath.Dir(parent)
		if next == parent {
			break
		}
		parent = next
	}
	f, err := os.CreateTemp(parent, ".rgml-write-check-*")
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("%s %s: cannot write in %s: %v", what, dir, parent, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
