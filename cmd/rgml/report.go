package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// reportOptions are those of `rgml report`.
type reportOptions struct {
	env   *env
	Run   string // "" for the newest run
	Out   string
	Title string // "" for one naming the run
	// Judge names the study whose verdicts to show; unless JudgeSet,
	// the one the run's spec named.
	Judge    string
	JudgeSet bool
}

func newCmdReport(e *env, runF func(context.Context, *reportOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "report",
		Usage: "write the HTML report of a run: every figure its results allow and the verdicts of the study its spec names",
		Description: "Examples:\n  rgml report --out report/          # the latest run\n  rgml report quick:2 --out report-quick/\n\n" +
			"One static page (DIR/index.html, no scripts, opens from the file system) with\n" +
			"each figure as PNG and SVG and its data as .npz and CSV beside it. A figure\n" +
			"whose data is missing (a failed step, a removed entry) is listed with the\n" +
			"reason; the rest is drawn and the exit status is 1. See docs/analyzers.md.",
		ArgsUsage: "[RUN]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "folder to write the report into", Required: true},
			&cli.StringFlag{Name: "title", Usage: "the page's title (default: the run's name)"},
			&cli.StringFlag{Name: "judge", Usage: "the study whose verdict table to show, e.g. iso2018 (default: the one the run's spec named, if its spec is still as the run read it)"},
		},
		Action: func(c *cli.Context) error {
			if err := checkWritableDir(c.String("out")); err != nil {
				return usageError{err}
			}
			if j := c.String("judge"); j != "" {
				if _, ok := experiment.LookupJudge(j); !ok {
					return usageError{fmt.Errorf("--judge %s: no such study (known: %s)", j, strings.Join(experiment.JudgeNames(), ", "))}
				}
			}
			opts := &reportOptions{env: e, Run: c.Args().First(), Out: c.String("out"), Title: c.String("title"),
				Judge: c.String("judge"), JudgeSet: c.IsSet("judge")}
			return orRun(runF, runReport)(c.Context, opts)
		},
	}
}

// runReport writes the report of a run.
func runReport(ctx context.Context, o *reportOptions) error {
	e := o.env
	return e.withRegistry(ctx, readOnly, func(s *registry.Store) error {
		run, err := latestOr(s, o.Run)
		if err != nil {
			return err
		}
		spec, rec, err := experiment.RunReportSpec(ctx, s, run)
		if err != nil {
			return err
		}
		judge := o.Judge
		if !o.JudgeSet {
			var lost string
			if judge, lost = experiment.RunJudge(rec); lost != "" {
				fmt.Fprintf(e.stderr, "report: no verdict table for %s: %s (name its judge with --judge, e.g. %s)\n", run.Ref(), lost, strings.Join(experiment.JudgeNames(), ", "))
			}
		}
		spec.Judge, spec.Out = judge, o.Out
		if o.Title != "" {
			spec.Title = o.Title
		}
		r, err := experiment.BuildReport(ctx, s, spec)
		printReport(e, r)
		return err
	})
}

// printReport prints the verdicts and where the page is.
func printReport(e *env, r experiment.ReportResult) {
	for _, l := range report.VerdictLines(r.Verdicts) {
		fmt.Fprintln(e.stdout, l)
	}
	if r.Dir != "" {
		fmt.Fprintf(e.stdout, "wrote %s: %d figures, %d missing\n", filepath.Join(r.Dir, report.PageFile), len(r.Page.Drawn()), len(r.Page.Missing()))
	}
}

// latestOr resolves a run reference, or finds the newest run.
func latestOr(s *registry.Store, ref string) (registry.Entry, error) {
	if ref != "" {
		en, err := s.Resolve(registry.Run, ref)
		if err != nil {
			return en, experiment.RefError(err)
		}
		return en, nil
	}
	runs, err := s.List(registry.Run, "")
	if err != nil {
		return registry.Entry{}, err
	}
	if len(runs) == 0 {
		return registry.Entry{}, usagef("the registry has no run: give RUN, or `rgml run` a spec first")
	}
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].Created.After(runs[j].Created) })
	return runs[0], nil
}

// plotOptions are those of `rgml plot`.
type plotOptions struct {
	env  *env
	Kind string
	Refs []string
	Out  string // .png or .svg
}

func newCmdPlot(e *env, runF func(context.Context, *plotOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "plot",
		Usage: "draw one figure of registered results as PNG or SVG (its data beside it as .npz)",
		Description: "KIND is samples (a dataset: Fig. 1), history (a model: Fig. 4), flow (a flow:\n" +
			"Figs. 5–11), flow-check (a correlations analysis of a flow), or the name of a\n" +
			"figure an analysis suggests (spectrum: wwt, decay, eigenvalues, singular, vwwv,\n" +
			"vwwv_minus_ref; correlations: energy, abs_m, chi, binder, xi, implied_T, G).\n" +
			"Several analyses overlay their line figures, e.g. Fig. 13:\n" +
			"  rgml plot decay spectrum-rbm-t0 spectrum-rbm-t2 spectrum-rbm-v16 --out fig13.svg\n" +
			"Several models overlay their histories (a panel per quantity), several flows\n" +
			"their mean measured temperature per iteration, one colour each, the legend\n" +
			"naming the parameters that differ:\n" +
			"  rgml plot history rbm-v16 rbm-v64 --out histories.svg",
		ArgsUsage: "KIND REF [REF…]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "the figure's file: .png or .svg", Required: true},
		},
		Action: func(c *cli.Context) error {
			out := c.String("out")
			if ext := strings.ToLower(filepath.Ext(out)); ext != ".png" && ext != ".svg" {
				return usagef("--out %s: the file name must end in .png or .svg", out)
			}
			if c.NArg() < 2 {
				return usagef("plot needs KIND and at least one REF (see `rgml plot --help`)")
			}
			opts := &plotOptions{env: e, Kind: c.Args().First(), Refs: c.Args().Slice()[1:], Out: out}
			return orRun(runF, runPlot)(c.Context, opts)
		},
	}
}

// runPlot draws the figure and writes its data beside it.
func runPlot(ctx context.Context, o *plotOptions) error {
	e, out := o.env, o.Out
	if err := checkWritableDir(filepath.Dir(out)); err != nil {
		return usageError{err}
	}
	return e.withRegistry(ctx, readOnly, func(s *registry.Store) error {
		f, err := plotFigure(s, o.Kind, o.Refs)
		if err != nil {
			return err
		}
		if err := report.SaveImage(out, f); err != nil {
			return err
		}
		data := strings.TrimSuffix(out, filepath.Ext(out)) + ".npz"
		if err := npz.WriteFile(data, f.Data...); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "wrote %s and its data %s\n", out, data)
		return nil
	})
}

// plotFigure draws the figure KIND of refs.
func plotFigure(s *registry.Store, kind string, refs []string) (*report.Figure, error) {
	one := func(k registry.Kind) (registry.Entry, error) {
		if len(refs) != 1 {
			return registry.Entry{}, usagef("plot %s takes one %s, got %d references", kind, k, len(refs))
		}
		en, err := s.Resolve(k, refs[0])
		if err != nil {
			return en, experiment.RefError(err)
		}
		return en, nil
	}
	switch kind {
	case "history", "flow":
		if len(refs) > 1 {
			k := map[string]registry.Kind{"history": registry.Model, "flow": registry.Flow}[kind]
			var entries []registry.Entry
			for _, ref := range refs {
				en, err := s.Resolve(k, ref)
				if err != nil {
					return nil, experiment.RefError(err)
				}
				entries = append(entries, en)
			}
			return experiment.OverlayFigure(s, kind, entries)
		}
		fallthrough
	case "samples", "flow-check":
		k := map[string]registry.Kind{"samples": registry.Dataset, "history": registry.Model, "flow": registry.Flow, "flow-check": registry.Analysis}[kind]
		en, err := one(k)
		if err != nil {
			return nil, err
		}
		return experiment.EntryFigure(s, en, kind)
	}
	var series []report.Series
	var hint sdk.Figure
	for _, ref := range refs {
		en, err := s.Resolve(registry.Analysis, ref)
		if err != nil {
			return nil, experiment.RefError(err)
		}
		arrays, figs, err := experiment.ReadAnalysis(s, en)
		if err != nil {
			return nil, err
		}
		var names []string
		found := false
		for _, h := range figs {
			names = append(names, h.Name)
			if h.Name == kind {
				hint, found = h, true
			}
		}
		if !found {
			return nil, usagef("%s suggests no figure %q (it has: %s; or samples, history, flow, flow-check)", en, kind, strings.Join(names, ", "))
		}
		if len(refs) == 1 {
			return report.FromHint(arrays, hint)
		}
		if hint.Kind != sdk.FigureLine && hint.Kind != sdk.FigureScatter {
			return nil, usagef("plot %s draws one analysis (a %s cannot overlay several)", kind, hint.Kind)
		}
		ss, err := report.HintSeries(arrays, hint)
		if err != nil {
			return nil, err
		}
		for _, x := range ss {
			x.Label = en.Ref() + " " + x.Label
			series = append(series, x)
		}
	}
	return report.Lines(report.LineOptions{Title: hint.Title, XLabel: hint.XLabel, YLabel: hint.YLabel, LogX: hint.LogX, LogY: hint.LogY}, series...)
}

// reportFolder checks, before a run starts, that its report can be
// written: the spec's folder or --report.
func reportFolder(o *runOptions, en *experiment.Env, spec *experiment.Spec) error {
	if o.ReportOut != "" {
		if spec.Report == nil {
			return usagef("--report: the spec asks for no report (add report: {} to it)")
		}
		en.ReportOut = o.ReportOut
	}
	if spec.Report == nil {
		return nil
	}
	out := spec.Report.Out
	if en.ReportOut != "" {
		out = en.ReportOut
	}
	what := "the spec's report folder (report: out)"
	if en.ReportOut != "" {
		what = "--report"
	}
	if err := checkFolder(what, out); err != nil {
		return usageError{err}
	}
	return nil
}

// printReportStep says where the run's report is.
func printReportStep(e *env, en *experiment.Env, spec *experiment.Spec, ex experiment.Execution) {
	out := spec.Report.Out
	if en.ReportOut != "" {
		out = en.ReportOut
	}
	for _, st := range ex.Record.Steps {
		switch {
		case st.Kind != experiment.ReportKind:
		case st.Status == registry.StatusDone:
			fmt.Fprintf(e.stdout, "report: %s (%s)\n", filepath.Join(out, report.PageFile), st.Status)
		case st.Error != "":
			// Cut short or failed: there may be no page to point at.
			fmt.Fprintf(e.stdout, "report: not written (%s)\n", st.Status)
		}
	}
}
