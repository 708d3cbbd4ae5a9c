package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/registry"
)

// openRegistry opens the store named by --registry / RGML_HOME, or the
// .rgml/ found upward from the working directory, or a new .rgml/ here.
func (e *env) openRegistry(c *cli.Context) (*registry.Store, error) {
	root := c.String("registry")
	if root == "" {
		var err error
		if root, _, err = registry.Locate(""); err != nil {
			return nil, err
		}
	}
	s, err := registry.Open(root)
	if err != nil {
		return nil, fmt.Errorf("opening the registry at %s: %w", root, err)
	}
	return s, nil
}

// refError marks reference and name mistakes as usage errors.
func refError(err error) error {
	for _, s := range []error{registry.ErrBadRef, registry.ErrNotFound, registry.ErrAmbiguous, registry.ErrInvalidName} {
		if errors.Is(err, s) {
			return usageError{err}
		}
	}
	return err
}

// entryCommands are the subcommands shared by `rgml datasets` and
// `rgml models`.
func entryCommands(e *env, kind registry.Kind, noun string) []*cli.Command {
	return []*cli.Command{
		{
			Name:      "list",
			Usage:     "list " + noun + "s (all versions; NAME narrows to one name)",
			ArgsUsage: "[NAME]",
			Flags:     []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print JSON"}},
			Action: func(c *cli.Context) error {
				return withRegistry(c, e, func(s *registry.Store) error {
					es, err := s.List(kind, c.Args().First())
					if err != nil {
						return refError(err)
					}
					if c.Bool("json") {
						return printJSON(e, es)
					}
					// Buffered: tabwriter writes cell by cell, and a store
					// holds thousands of versions.
					bw := bufio.NewWriterSize(e.stdout, 1<<16)
					tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
					fmt.Fprintln(tw, "NAME\tVERSION\tDIGEST\tCREATED\tSIZE\tALIASES")
					for _, en := range es {
						fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", en.Name, en.Version, en.ShortDigest(),
							en.Created.Local().Format(time.DateTime), humanBytes(en.Size), strings.Join(en.Aliases, ","))
					}
					if err := tw.Flush(); err != nil {
						return err
					}
					return bw.Flush()
				})
			},
		},
		{
			Name:      "show",
			Usage:     "show a " + noun + "'s files and manifest (lineage)",
			ArgsUsage: "REF",
			Action: func(c *cli.Context) error {
				return withEntry(c, e, kind, func(s *registry.Store, en registry.Entry) error {
					m, err := s.Manifest(en)
					if err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "%s\ndigest:  %s\ncreated: %s\naliases: %s\nfiles:\n", en, en.Digest,
						en.Created.Local().Format(time.RFC3339), strings.Join(en.Aliases, ", "))
					for _, f := range en.Files {
						fmt.Fprintf(e.stdout, "  %-14s %10s  %s\n", f.Name, humanBytes(f.Size), f.Digest)
					}
					fmt.Fprintln(e.stdout, "lineage:")
					b, _ := json.MarshalIndent(m.Lineage, "  ", "  ")
					fmt.Fprintf(e.stdout, "  %s\n", b)
					return nil
				})
			},
		},
		{
			Name:      "tag",
			Usage:     "point ALIAS at the version REF names (moved atomically)",
			ArgsUsage: "REF ALIAS",
			Action: func(c *cli.Context) error {
				if c.NArg() != 2 {
					return usagef("tag takes REF and ALIAS, e.g. `rgml %ss tag rbm-v64:3 paper`", kind)
				}
				return withEntry(c, e, kind, func(s *registry.Store, en registry.Entry) error {
					if err := s.Tag(kind, en.Name, c.Args().Get(1), en.Version); err != nil {
						return refError(err)
					}
					fmt.Fprintf(e.stdout, "%s@%s -> %s\n", en.Name, c.Args().Get(1), en.Ref())
					return nil
				})
			},
		},
		{
			Name:      "lineage",
			Usage:     "print where a " + noun + " came from, back to the Monte Carlo parameters",
			ArgsUsage: "REF",
			Action: func(c *cli.Context) error {
				if c.NArg() != 1 {
					return usagef("lineage takes one reference (NAME, NAME:VERSION, NAME@ALIAS or a digest prefix)")
				}
				return withRegistry(c, e, func(s *registry.Store) error {
					chain, err := s.Lineage(kind, c.Args().First())
					if err != nil {
						return refError(err)
					}
					for i, en := range chain {
						m, err := s.Manifest(en)
						if err != nil {
							return err
						}
						indent := strings.Repeat("  ", min(i, 1))
						fmt.Fprintf(e.stdout, "%s%s\n", indent, en)
						printLineage(e, indent+"    ", m.Lineage)
					}
					return nil
				})
			},
		},
		{
			Name:      "export",
			Usage:     "write a " + noun + "'s files and manifest.json into DIR, for colleagues without rgml",
			ArgsUsage: "REF DIR",
			Action: func(c *cli.Context) error {
				if c.NArg() != 2 {
					return usagef("export takes REF and DIR")
				}
				return withEntry(c, e, kind, func(s *registry.Store, en registry.Entry) error {
					if err := s.Export(en, c.Args().Get(1)); err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "exported %s to %s\n", en, c.Args().Get(1))
					return nil
				})
			},
		},
		{
			Name:      "rm",
			Usage:     "remove a version (its blobs go at the next `rgml registry gc`)",
			ArgsUsage: "REF",
			Action: func(c *cli.Context) error {
				if c.NArg() != 1 {
					return usagef("rm takes one reference")
				}
				return withRegistry(c, e, func(s *registry.Store) error {
					en, err := s.Remove(kind, c.Args().First())
					if err != nil {
						return refError(err)
					}
					fmt.Fprintf(e.stdout, "removed %s\n", en)
					return nil
				})
			},
		},
	}
}

func printLineage(e *env, indent string, l registry.Lineage) {
	if l.Plugin != nil {
		fmt.Fprintf(e.stdout, "%splugin %s %s (sha256 %s)\n", indent, l.Plugin.Name, l.Plugin.Version, short(l.Plugin.SHA256))
	}
	if l.Algorithm != "" {
		fmt.Fprintf(e.stdout, "%salgorithm %s\n", indent, l.Algorithm)
	}
	fmt.Fprintf(e.stdout, "%sseed %d\n", indent, l.Seed)
	for _, m := range []struct {
		name string
		v    map[string]any
	}{{"parameters", l.Parameters}, {"hyper-parameters", l.HyperParameters}} {
		if len(m.v) > 0 {
			b, _ := json.Marshal(m.v)
			fmt.Fprintf(e.stdout, "%s%s %s\n", indent, m.name, b)
		}
	}
	if l.Metrics != nil {
		b, _ := json.Marshal(l.Metrics)
		fmt.Fprintf(e.stdout, "%smetrics %s\n", indent, b)
	}
	if l.Host != nil {
		fmt.Fprintf(e.stdout, "%shost rgml %s %s\n", indent, l.Host.Version, l.Host.Commit)
	}
}

func withRegistry(c *cli.Context, e *env, f func(*registry.Store) error) error {
	s, err := e.openRegistry(c)
	if err != nil {
		return err
	}
	defer s.Close()
	return f(s)
}

func withEntry(c *cli.Context, e *env, kind registry.Kind, f func(*registry.Store, registry.Entry) error) error {
	if c.NArg() < 1 {
		return usagef("give a reference: NAME, NAME:VERSION, NAME@ALIAS or a digest prefix")
	}
	return withRegistry(c, e, func(s *registry.Store) error {
		en, err := s.Resolve(kind, c.Args().First())
		if err != nil {
			return refError(err)
		}
		return f(s, en)
	})
}

func printJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func datasetsCommand(e *env) *cli.Command {
	return &cli.Command{Name: "datasets", Usage: "datasets in the registry", Subcommands: entryCommands(e, registry.Dataset, "dataset")}
}

func modelsCommand(e *env) *cli.Command {
	return &cli.Command{Name: "models", Usage: "trained weights in the registry", Subcommands: entryCommands(e, registry.Model, "model")}
}

func registryCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "registry",
		Usage: "check and clean the registry",
		Subcommands: []*cli.Command{
			{
				Name:  "verify",
				Usage: "re-hash every blob; report damage with the entries it affects (exit 1 if any)",
				Action: func(c *cli.Context) error {
					return withRegistry(c, e, func(s *registry.Store) error {
						problems, err := s.Verify(c.Context)
						if err != nil {
							return err
						}
						for _, p := range problems {
							fmt.Fprintln(e.stdout, p)
						}
						if len(problems) > 0 {
							return cli.Exit(fmt.Sprintf("registry %s has %d problem(s)", s.Root(), len(problems)), exitFailure)
						}
						fmt.Fprintf(e.stdout, "registry %s: ok\n", s.Root())
						return nil
					})
				},
			},
			{
				Name:  "gc",
				Usage: "delete blobs no live version references (--dry-run: only report)",
				Flags: []cli.Flag{&cli.BoolFlag{Name: "dry-run", Usage: "report what would be deleted"}},
				Action: func(c *cli.Context) error {
					return withRegistry(c, e, func(s *registry.Store) error {
						r, err := s.GC(c.Bool("dry-run"))
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
						fmt.Fprintf(e.stdout, "%s %d blob(s) (%s) and %d temp file(s); kept %d blob(s) (%s)\n",
							verb, r.Blobs, humanBytes(r.Bytes), r.TempFiles, r.Kept, humanBytes(r.KeptBytes))
						return nil
					})
				},
			},
		},
	}
}
