package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

// rmOptions are those of `rgml KINDS rm`.
type rmOptions struct {
	env   *env
	Kind  registry.Kind
	Ref   string
	Force bool
	// Of runs only: also their results (registry.RemoveRuns), and every
	// version of the name.
	Entries, AllVersions bool
}

func newCmdRm(e *env, kind registry.Kind, runF func(context.Context, *rmOptions) error) *cli.Command {
	cmd := &cli.Command{
		Name:      "rm",
		Usage:     "remove a version (its blobs go at the next `rgml registry gc`)",
		ArgsUsage: "REF",
		Flags: []cli.Flag{&cli.BoolFlag{Name: "force", Usage: "remove it even if the lineage of other entries needs it " +
			"(gc then keeps only its manifest, so their lineage stays readable)"}},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("rm takes one reference")
			}
			opts := &rmOptions{env: e, Kind: kind, Ref: c.Args().First(), Force: c.Bool("force")}
			if kind == registry.Run {
				opts.Entries, opts.AllVersions = c.Bool("entries"), c.Bool("all-versions")
			}
			return orRun(runF, runRm)(c.Context, opts)
		},
	}
	if kind == registry.Run {
		cmd.Usage = "remove a run's record; with --entries also the entries it registered that nothing else needs (blobs go at the next `rgml registry gc`)"
		cmd.Flags = append(cmd.Flags,
			&cli.BoolFlag{Name: "entries", Usage: "also remove the entries the run registered (the steps it ran, not those it found already registered), " +
				"except those a live entry outside the run needs or a tag other than latest names"},
			&cli.BoolFlag{Name: "all-versions", Usage: "remove every version of the run's name, not only the one REF names"})
	}
	return cmd
}

func runRm(ctx context.Context, o *rmOptions) error {
	e := o.env
	if o.Entries || o.AllVersions {
		return e.withEntry(ctx, registry.Run, modify, o.Ref, func(s *registry.Store, en registry.Entry) error {
			return removeRuns(ctx, o, s, en)
		})
	}
	return e.withRegistry(ctx, modify, func(s *registry.Store) error {
		en, err := s.Remove(o.Kind, o.Ref, o.Force)
		if errors.Is(err, registry.ErrInUse) {
			return usagef("%v: rerun with --force to force it", err)
		}
		if err != nil {
			return experiment.RefError(err)
		}
		fmt.Fprintf(e.stdout, "removed %s\n", en)
		return nil
	})
}

// removeRuns is `rgml runs rm` with --entries or --all-versions.
func removeRuns(ctx context.Context, o *rmOptions, s *registry.Store, en registry.Entry) error {
	e := o.env
	runs := []registry.Entry{en}
	if o.AllVersions {
		var err error
		if runs, err = s.List(registry.Run, en.Name); err != nil {
			return err
		}
	}
	if !o.Entries {
		for _, r := range runs {
			if _, err := s.Remove(registry.Run, r.Ref(), o.Force); err != nil {
				return experiment.RefError(err)
			}
			fmt.Fprintf(e.stdout, "removed %s\n", r)
		}
		return nil
	}
	r, err := s.RemoveRuns(ctx, runs)
	if err != nil {
		return experiment.RefError(err)
	}
	for _, l := range [][]registry.Entry{r.Runs, r.Removed} {
		for _, en := range l {
			fmt.Fprintf(e.stdout, "removed %s\n", en)
		}
	}
	for _, k := range r.Kept {
		fmt.Fprintf(e.stdout, "kept %s: %s\n", k.Entry, k.Reason)
	}
	fmt.Fprintf(e.stdout, "%d run(s) and %d of their entries removed, %d kept; `rgml registry gc` deletes the removed entries' files\n",
		len(r.Runs), len(r.Removed), len(r.Kept))
	return nil
}
