package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/registry"
)

// registryOpts are those of the `rgml registry` subcommands: the global
// flags name the registry; migrate adds its target, gc its dry run.
type registryOpts struct {
	env    *env
	To     string // migrate: postgres://… URL of the new registry
	DryRun bool   // gc: only report
}

func registryCommand(e *env) *cli.Command {
	return newCmdRegistry(e, nil)
}

// newCmdRegistry builds `rgml registry`; runF, when not nil, replaces
// the run function of every subcommand (tests check the flags' reading).
func newCmdRegistry(e *env, runF func(context.Context, string, *registryOpts) error) *cli.Command {
	action := func(name string, run func(context.Context, *registryOpts) error) cli.ActionFunc {
		return func(c *cli.Context) error {
			opts := &registryOpts{env: e, To: c.String("to"), DryRun: c.Bool("dry-run")}
			if runF != nil {
				return runF(c.Context, name, opts)
			}
			return run(c.Context, opts)
		}
	}
	migrate := action("migrate", runRegistryMigrate)
	return &cli.Command{
		Name:  "registry",
		Usage: "create, check and clean the registry",
		Subcommands: []*cli.Command{
			{
				Name:   "init",
				Usage:  "create an empty registry (at --registry, RGML_HOME or ./.rgml); commands that write create one too",
				Action: action("init", runRegistryInit),
			},
			{
				Name: "rebuild",
				Usage: "recreate a lost registry.db (missing, empty or without schema) from the entries' manifests among the blobs " +
					"(user tags and history cannot be recovered)",
				Action: action("rebuild", runRegistryRebuild),
			},
			{
				Name:      "migrate",
				Usage:     "copy this registry (all versions, tags, lineage, history) into an empty PostgreSQL one, every blob re-hashed on the way, then verify the copy",
				ArgsUsage: " ",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "to", Usage: "postgres://… URL of the new registry (its blob directory: --blobs / RGML_BLOBS)", Required: true},
				},
				Action: func(c *cli.Context) error {
					if c.NArg() > 0 {
						return usagef("registry migrate takes no arguments (got %q); the source is --registry, the target --to", c.Args().Slice())
					}
					if to := c.String("to"); !registry.IsURL(to) {
						return usagef("--to %q: give the postgres://… URL of the new registry", to)
					}
					return migrate(c)
				},
			},
			{
				Name:   "verify",
				Usage:  "re-hash every blob and follow every lineage reference; report damage with the entries it affects (exit 1 if any)",
				Action: action("verify", runRegistryVerify),
			},
			{
				Name:   "gc",
				Usage:  "delete blobs no live version (or its lineage) needs (--dry-run: only report)",
				Flags:  []cli.Flag{&cli.BoolFlag{Name: "dry-run", Usage: "report what would be deleted"}},
				Action: action("gc", runRegistryGC),
			},
		},
	}
}

func runRegistryInit(ctx context.Context, o *registryOpts) error {
	e := o.env
	root, err := e.root()
	if err != nil {
		return err
	}
	s, err := registry.OpenContext(ctx, root, e.registryOptions(false))
	if err != nil {
		return registryError(err)
	}
	defer s.Close()
	if s.Created() {
		fmt.Fprintf(e.stdout, "created a new registry at %s\n", registry.RedactURL(s.Root()))
	} else if v := s.UpgradedFrom(); v > 0 {
		fmt.Fprintf(e.stdout, "upgraded the registry at %s from schema %d to %d\n", registry.RedactURL(s.Root()), v, registry.SchemaVersion())
	} else {
		fmt.Fprintf(e.stdout, "%s is already a registry; nothing changed\n", registry.RedactURL(s.Root()))
	}
	return nil
}

func runRegistryRebuild(ctx context.Context, o *registryOpts) error {
	e := o.env
	root, err := e.root()
	if err != nil {
		return err
	}
	rep, err := registry.Rebuild(ctx, root)
	if err != nil {
		return registryError(err)
	}
	for _, sk := range rep.Skipped {
		fmt.Fprintf(e.stdout, "skipped %s: another manifest claims that version\n", sk)
	}
	fmt.Fprintf(e.stdout, "rebuilt %s from %d manifest(s), %d of them recorded as removed (files gone); user tags could not be recovered\n",
		root, rep.Entries, rep.Removed)
	if rep.OldDatabase != "" {
		fmt.Fprintf(e.stdout, "the old database file is kept as %s\n", rep.OldDatabase)
	}
	return nil
}

func runRegistryMigrate(ctx context.Context, o *registryOpts) error {
	e := o.env
	root, err := e.root()
	if err != nil {
		return err
	}
	if registry.IsURL(root) {
		return usagef("registry migrate copies a directory registry into PostgreSQL, but --registry is a postgres:// URL too; point --registry at the directory")
	}
	src, err := registry.OpenReadOnly(root)
	if err != nil {
		return registryError(err)
	}
	defer src.Close()
	dst, err := registry.OpenContext(ctx, o.To, e.registryOptions(false))
	if err != nil {
		return registryError(err)
	}
	defer dst.Close()
	rep, err := registry.Copy(ctx, dst, src)
	if errors.Is(err, registry.ErrBadLocation) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "copied %d entries and %d blob(s) (%s) from %s to %s, every digest verified", rep.Entries, rep.Blobs, humanBytes(rep.Bytes), src.Root(), registry.RedactURL(o.To))
	if rep.Gone > 0 {
		fmt.Fprintf(e.stdout, "; %d blob(s) of removed entries were already garbage-collected", rep.Gone)
	}
	fmt.Fprintln(e.stdout)
	return nil
}

func runRegistryVerify(ctx context.Context, o *registryOpts) error {
	e := o.env
	return e.withRegistry(ctx, readOnly, func(s *registry.Store) error {
		problems, err := s.Verify(ctx)
		if err != nil {
			return err
		}
		for _, p := range problems {
			fmt.Fprintln(e.stdout, p)
		}
		if len(problems) > 0 {
			return cli.Exit(fmt.Sprintf("registry %s has %d problem(s)", registry.RedactURL(s.Root()), len(problems)), exitFailure)
		}
		fmt.Fprintf(e.stdout, "registry %s: ok\n", registry.RedactURL(s.Root()))
		return nil
	})
}

func runRegistryGC(ctx context.Context, o *registryOpts) error {
	e := o.env
	mode := modify
	if o.DryRun {
		mode = readOnly
	}
	return e.withRegistry(ctx, mode, func(s *registry.Store) error {
		r, err := s.GC(o.DryRun)
		if err != nil {
			return err
		}
		verb := "deleted"
		if r.DryRun {
			verb = "would delete"
			for _, p := range r.Paths {
				fmt.Fprintln(e.stdout, p)
			}
		}
		lineage := ""
		if r.KeptLineage > 0 {
			lineage = fmt.Sprintf(", %d of them manifests of removed entries that live lineage needs", r.KeptLineage)
		}
		fmt.Fprintf(e.stdout, "%s %d blob(s) (%s) and %d temp file(s); kept %d blob(s) (%s)%s\n",
			verb, r.Blobs, humanBytes(r.Bytes), r.TempFiles, r.Kept, humanBytes(r.KeptBytes), lineage)
		if len(r.Unknown) > 0 {
			fmt.Fprintf(e.stderr, "rgml: %d manifest(s) among the blobs are of entries the database does not have (%s), %s\n",
				len(r.Unknown), strings.Join(r.Unknown, ", "), registry.UnknownManifestHint)
		}
		return nil
	})
}
