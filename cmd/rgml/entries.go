package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

// kindGroups are the command groups over the registry's entries, one per
// kind: `rgml datasets`, `rgml models`, `rgml flows`, `rgml analyses`,
// `rgml runs`. All share entryCommands; some kinds list and show their own
// way.
var kindGroups = []struct {
	kind  registry.Kind
	usage string
}{
	{registry.Dataset, "datasets in the registry"},
	{registry.Model, "trained weights (and their training histories) in the registry"},
	{registry.Flow, "RG flows of trained RBMs in the registry"},
	{registry.Analysis, "analyses of weights and datasets in the registry"},
	{registry.Run, "runs of experiment specs in the registry: each step's entry, status and time"},
}

// kindCommand returns the command group of kind (see kindGroups).
func kindCommand(e *env, kind registry.Kind) *cli.Command {
	for _, g := range kindGroups {
		if g.kind == kind {
			subs := entryCommands(e, kind)
			switch kind {
			case registry.Model:
				subs = append(subs, newCmdHistory(e, nil))
			case registry.Dataset:
				subs = append(subs, newCmdImport(e, nil))
			case registry.Run:
				subs = append(subs, newCmdCancel(e, nil))
			}
			return &cli.Command{Name: kind.Plural(), Usage: g.usage, Subcommands: subs}
		}
	}
	panic("rgml: no command group for kind " + string(kind))
}

func datasetsCommand(e *env) *cli.Command { return kindCommand(e, registry.Dataset) }
func modelsCommand(e *env) *cli.Command   { return kindCommand(e, registry.Model) }
func flowsCommand(e *env) *cli.Command    { return kindCommand(e, registry.Flow) }
func analysesCommand(e *env) *cli.Command { return kindCommand(e, registry.Analysis) }
func runsCommand(e *env) *cli.Command     { return kindCommand(e, registry.Run) }

// entryCommands are the subcommands of a kind's group: list, show, tag,
// lineage, export, rm.
func entryCommands(e *env, kind registry.Kind) []*cli.Command {
	return []*cli.Command{
		newCmdList(e, kind, nil), newCmdShow(e, kind, nil), newCmdTag(e, kind, nil),
		newCmdLineage(e, kind, nil), newCmdExport(e, kind, nil), newCmdRm(e, kind, nil),
	}
}

func jsonFlag() cli.Flag { return &cli.BoolFlag{Name: "json", Usage: "print JSON"} }

// listOptions are those of `rgml KINDS list`.
type listOptions struct {
	env  *env
	Kind registry.Kind
	Name string // "" lists every name
	JSON bool
}

func newCmdList(e *env, kind registry.Kind, runF func(context.Context, *listOptions) error) *cli.Command {
	return &cli.Command{
		Name:      "list",
		Usage:     "list " + kind.Plural() + " (all versions; NAME narrows to one name)",
		ArgsUsage: "[NAME]",
		Flags:     []cli.Flag{jsonFlag()},
		Action: func(c *cli.Context) error {
			opts := &listOptions{env: e, Kind: kind, Name: c.Args().First(), JSON: c.Bool("json")}
			return orRun(runF, runList)(c.Context, opts)
		},
	}
}

func runList(ctx context.Context, o *listOptions) error {
	e := o.env
	return e.withRegistry(ctx, readOnly, func(s *registry.Store) error {
		es, err := s.List(o.Kind, o.Name)
		if err != nil {
			return experiment.RefError(err)
		}
		if o.Name != "" && len(es) == 0 {
			// A mistyped NAME is not an empty list: Resolve says what
			// there is (removed versions, the same name of another kind)
			// and where it looked.
			if _, err := s.Resolve(o.Kind, o.Name); err != nil {
				return experiment.RefError(err)
			}
		}
		if o.JSON {
			out := make([]withLineage, len(es))
			for i, en := range es {
				out[i] = describeEntry(s, en)
			}
			return printJSON(e, out)
		}
		switch o.Kind {
		case registry.Model:
			return listModels(e, s, es)
		case registry.Flow, registry.Analysis:
			return listWithInputs(e, s, es)
		case registry.Run:
			return listRuns(e, s, es)
		case registry.Dataset:
			return listDatasets(e, s, es)
		}
		return printTable(e, "NAME\tVERSION\tDIGEST\tCREATED\tSIZE\tALIASES", es, func(en registry.Entry) string {
			return fmt.Sprintf("%s\t%d\t%s\t%s\t%s\t%s", en.Name, en.Version, en.ShortDigest(),
				en.Created.Local().Format(time.DateTime), humanBytes(en.Size), strings.Join(en.Aliases, ","))
		})
	})
}

// refOptions are those of a subcommand on one entry: show, lineage.
type refOptions struct {
	env  *env
	Kind registry.Kind
	Ref  string
	JSON bool
}

func newCmdShow(e *env, kind registry.Kind, runF func(context.Context, *refOptions) error) *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     showUsage(kind),
		ArgsUsage: "REF",
		Flags:     []cli.Flag{jsonFlag()},
		Action: func(c *cli.Context) error {
			opts := &refOptions{env: e, Kind: kind, Ref: c.Args().First(), JSON: c.Bool("json")}
			return orRun(runF, runShow)(c.Context, opts)
		},
	}
}

func showUsage(kind registry.Kind) string {
	noun := string(kind)
	if kind == registry.Analysis {
		return "print an analysis's results as tables: each figure's series beside its x, then every other array " +
			"(matrices cut to 10×8; --json: every value)"
	}
	return "show " + article(noun) + " " + noun + "'s files and manifest (lineage)"
}

func runShow(ctx context.Context, o *refOptions) error {
	e := o.env
	return e.withEntry(ctx, o.Kind, readOnly, o.Ref, func(s *registry.Store, en registry.Entry) error {
		m, err := s.Manifest(en)
		if err != nil {
			return err
		}
		if en.Kind == registry.Analysis {
			return showAnalysis(e, s, en, m, o.JSON)
		}
		run, err := runRecord(s, en, m)
		if err != nil {
			return err
		}
		if o.JSON {
			return printJSON(e, struct {
				registry.Entry
				Manifest registry.Manifest   `json:"manifest"`
				Run      *registry.RunRecord `json:"run,omitempty"`
			}{en, m, run})
		}
		if run != nil && experiment.SlurmJobs(m) != nil {
			// run_slurm.go's functions take a cli.Context for its Context.
			return showSlurmRun(ctx, e, s, en, m, run)
		}
		if run != nil {
			return showRun(e, s, en, run)
		}
		fmt.Fprintf(e.stdout, "%s\ndigest:  %s\ncreated: %s\naliases: %s\nfiles:\n", en, en.Digest,
			en.Created.Local().Format(time.RFC3339), strings.Join(en.Aliases, ", "))
		for _, f := range en.Files {
			fmt.Fprintf(e.stdout, "  %-14s %10s  %s\n", f.Name, humanBytes(f.Size), f.Digest)
		}
		fmt.Fprintln(e.stdout, "lineage:")
		fmt.Fprintf(e.stdout, "  %s\n", shortJSON(m.Lineage, "  ", "  "))
		return nil
	})
}

// tagOptions are those of `rgml KINDS tag`.
type tagOptions struct {
	env        *env
	Kind       registry.Kind
	Ref, Alias string
}

func newCmdTag(e *env, kind registry.Kind, runF func(context.Context, *tagOptions) error) *cli.Command {
	return &cli.Command{
		Name:      "tag",
		Usage:     "point ALIAS at the version REF names (moved atomically)",
		ArgsUsage: "REF ALIAS",
		Action: func(c *cli.Context) error {
			if c.NArg() != 2 {
				return usagef("tag takes REF and ALIAS, e.g. `rgml %s tag NAME:3 paper`", kind.Plural())
			}
			opts := &tagOptions{env: e, Kind: kind, Ref: c.Args().First(), Alias: c.Args().Get(1)}
			return orRun(runF, runTag)(c.Context, opts)
		},
	}
}

func runTag(ctx context.Context, o *tagOptions) error {
	return o.env.withEntry(ctx, o.Kind, modify, o.Ref, func(s *registry.Store, en registry.Entry) error {
		if err := s.Tag(o.Kind, en.Name, o.Alias, en.Version); err != nil {
			return experiment.RefError(err)
		}
		fmt.Fprintf(o.env.stdout, "%s@%s -> %s\n", en.Name, o.Alias, en.Ref())
		return nil
	})
}

func newCmdLineage(e *env, kind registry.Kind, runF func(context.Context, *refOptions) error) *cli.Command {
	noun := string(kind)
	return &cli.Command{
		Name:      "lineage",
		Usage:     "print where " + article(noun) + " " + noun + " came from, back to the Monte Carlo parameters",
		ArgsUsage: "REF",
		Flags:     []cli.Flag{jsonFlag()},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("lineage takes one reference (NAME, NAME:VERSION, NAME@ALIAS or a digest prefix)")
			}
			opts := &refOptions{env: e, Kind: kind, Ref: c.Args().First(), JSON: c.Bool("json")}
			return orRun(runF, runLineage)(c.Context, opts)
		},
	}
}

func runLineage(ctx context.Context, o *refOptions) error {
	e := o.env
	return e.withRegistry(ctx, readOnly, func(s *registry.Store) error {
		chain, err := s.Lineage(o.Kind, o.Ref)
		if err != nil {
			return experiment.RefError(err)
		}
		var out []withLineage
		for i, en := range chain {
			m, err := s.Manifest(en)
			if err != nil {
				return err
			}
			if o.JSON {
				out = append(out, withLineage{Entry: en, Lineage: &m.Lineage})
				continue
			}
			indent := strings.Repeat("  ", min(i, 1))
			fmt.Fprintf(e.stdout, "%s%s\n", indent, en)
			printLineage(e, s, indent+"    ", m.Lineage)
		}
		if o.JSON {
			return printJSON(e, out)
		}
		return nil
	})
}

// exportOptions are those of `rgml KINDS export`.
type exportOptions struct {
	env      *env
	Kind     registry.Kind
	Ref, Dir string
	Run      string // with Run, Ref names the run's step
}

func newCmdExport(e *env, kind registry.Kind, runF func(context.Context, *exportOptions) error) *cli.Command {
	noun := string(kind)
	return &cli.Command{
		Name:      "export",
		Usage:     "write " + article(noun) + " " + noun + "'s files and manifest.json into DIR, for colleagues without rgml",
		ArgsUsage: "REF DIR",
		Flags: []cli.Flag{&cli.StringFlag{Name: "run", Usage: "export the " + noun + " that run `RUN` recorded for its step NAME " +
			"(REF is then the step's NAME), not the latest version of NAME"}},
		Action: func(c *cli.Context) error {
			if c.NArg() != 2 {
				return usagef("export takes REF and DIR")
			}
			opts := &exportOptions{env: e, Kind: kind, Ref: c.Args().First(), Dir: c.Args().Get(1), Run: c.String("run")}
			return orRun(runF, runExport)(c.Context, opts)
		},
	}
}

func runExport(ctx context.Context, o *exportOptions) error {
	return o.env.withEntryOfRun(ctx, o.Kind, o.Run, o.Ref, func(s *registry.Store, en registry.Entry) error {
		if err := s.Export(en, o.Dir); err != nil {
			// DIR names a file, or holds other files of these names.
			if errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.ENOTDIR) {
				return usageError{err}
			}
			return err
		}
		fmt.Fprintf(o.env.stdout, "exported %s to %s\n", en, o.Dir)
		return nil
	})
}
