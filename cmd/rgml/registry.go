package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/progress"

	"github.com/rgml/rgml/registry"
)

// registryRoot is the store named by --registry / RGML_HOME, or the .rgml/
// found upward from the working directory, or a new .rgml/ here.
func registryRoot(c *cli.Context) (string, error) {
	if root := c.String("registry"); root != "" {
		return root, nil
	}
	root, _, err := registry.Locate("")
	return root, err
}

// registryOptions are those of the global flags (--blobs) for OpenWith.
func registryOptions(c *cli.Context, readOnly bool) registry.Options {
	return registry.Options{ReadOnly: readOnly, Blobs: c.String("blobs")}
}

// openRegistry opens the registry for a command that adds to it, creating
// it if needed and saying so on stderr.
func (e *env) openRegistry(c *cli.Context) (*registry.Store, error) {
	root, err := registryRoot(c)
	if err != nil {
		return nil, err
	}
	s, err := registry.OpenContext(c.Context, root, registryOptions(c, false))
	if err != nil {
		return nil, registryError(err)
	}
	if s.Created() {
		fmt.Fprintf(e.stderr, "rgml: created a new registry at %s\n", registry.RedactURL(s.Root()))
	}
	return s, nil
}

// openRegistryRead opens an existing registry read-only (SQLite mode=ro),
// for commands that only look: they never create one, and work on a store
// they may not write.
func (e *env) openRegistryRead(c *cli.Context) (*registry.Store, error) {
	root, err := registryRoot(c)
	if err != nil {
		return nil, err
	}
	s, err := registry.OpenContext(c.Context, root, registryOptions(c, true))
	if errors.Is(err, registry.ErrSchemaOld) {
		// Upgrading an existing store is not creating one: do it where the
		// user may write, and say so; a store we may not write stays as is.
		if w, werr := registry.OpenContext(c.Context, root, registryOptions(c, false)); werr == nil {
			fmt.Fprintf(e.stderr, "upgraded the registry at %s from schema %d to %d\n", root, w.UpgradedFrom(), registry.SchemaVersion())
			w.Close()
			s, err = registry.OpenContext(c.Context, root, registryOptions(c, true))
		}
	}
	if err != nil {
		return nil, registryError(err)
	}
	return s, nil
}

// openRegistryExisting opens an existing registry for writing (tag, rm, gc):
// changing what is not there is a mistake, not a reason to create a store.
func (e *env) openRegistryExisting(c *cli.Context) (*registry.Store, error) {
	s, err := e.openRegistryRead(c)
	if err != nil {
		return nil, err
	}
	root := s.Root()
	s.Close()
	if s, err = registry.OpenContext(c.Context, root, registryOptions(c, false)); err != nil {
		return nil, registryError(err)
	}
	return s, nil
}

// registryError turns a missing registry (most often a mistyped --registry)
// into a usage error that says how to make one; a location that cannot be
// a registry, or a database that does not answer, is the user's to fix too.
func registryError(err error) error {
	if errors.Is(err, registry.ErrNoRegistry) {
		return usageError{fmt.Errorf("%w (run `rgml registry init` or any command that writes)", err)}
	}
	if errors.Is(err, syscall.ENOTDIR) { // --registry names a file
		return usageError{fmt.Errorf("%w: --registry (or RGML_HOME) must name a directory", err)}
	}
	if errors.Is(err, registry.ErrBadLocation) || errors.Is(err, registry.ErrUnreachable) {
		return usageError{err}
	}
	return err
}

// registeredBut reports a step that failed after en was registered, so the
// user knows the work is not lost and how to get the file.
func registeredBut(en registry.Entry, step string, err error) error {
	return fmt.Errorf("%s failed: %w; %s was registered, get its files with `rgml %s export %s DIR`", step, err, en, en.Kind.Plural(), en.Ref())
}

// refError marks reference and name mistakes as usage errors.
func refError(err error) error {
	for _, s := range []error{registry.ErrBadRef, registry.ErrNotFound, registry.ErrAmbiguous, registry.ErrInvalidName, registry.ErrInUse} {
		if errors.Is(err, s) {
			return usageError{err}
		}
	}
	return err
}

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
				subs = append(subs, historyCommand(e))
			case registry.Dataset:
				subs = append(subs, importCommand(e))
			case registry.Run:
				for i, sub := range subs {
					if sub.Name == "rm" {
						subs[i] = runRmCommand(e, sub)
					}
				}
				subs = append(subs, cancelCommand(e))
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
	jsonFlag := &cli.BoolFlag{Name: "json", Usage: "print JSON"}
	noun := string(kind)
	return []*cli.Command{
		{
			Name:      "list",
			Usage:     "list " + kind.Plural() + " (all versions; NAME narrows to one name)",
			ArgsUsage: "[NAME]",
			Flags:     []cli.Flag{jsonFlag},
			Action: func(c *cli.Context) error {
				return withRegistry(c, e, readOnly, func(s *registry.Store) error {
					name := c.Args().First()
					es, err := s.List(kind, name)
					if err != nil {
						return refError(err)
					}
					if name != "" && len(es) == 0 {
						// A mistyped NAME is not an empty list: Resolve says
						// what there is (removed versions, the same name
						// of another kind) and where it looked.
						if _, err := s.Resolve(kind, name); err != nil {
							return refError(err)
						}
					}
					if c.Bool("json") {
						out := make([]withLineage, len(es))
						for i, en := range es {
							out[i] = describeEntry(s, en)
						}
						return printJSON(e, out)
					}
					switch kind {
					case registry.Model:
						return listModels(e, s, es)
					case registry.Flow, registry.Analysis:
						return listWithInputs(e, s, es)
					case registry.Run:
						return listRuns(e, s, es)
					}
					return printTable(e, "NAME\tVERSION\tDIGEST\tCREATED\tSIZE\tALIASES", es, func(en registry.Entry) string {
						return fmt.Sprintf("%s\t%d\t%s\t%s\t%s\t%s", en.Name, en.Version, en.ShortDigest(),
							en.Created.Local().Format(time.DateTime), humanBytes(en.Size), strings.Join(en.Aliases, ","))
					})
				})
			},
		},
		{
			Name:      "show",
			Usage:     "show " + article(noun) + " " + noun + "'s files and manifest (lineage)",
			ArgsUsage: "REF",
			Flags:     []cli.Flag{jsonFlag},
			Action: func(c *cli.Context) error {
				return withEntry(c, e, kind, readOnly, func(s *registry.Store, en registry.Entry) error {
					m, err := s.Manifest(en)
					if err != nil {
						return err
					}
					run, err := runRecord(s, en, m)
					if err != nil {
						return err
					}
					if c.Bool("json") {
						return printJSON(e, struct {
							registry.Entry
							Manifest registry.Manifest   `json:"manifest"`
							Run      *registry.RunRecord `json:"run,omitempty"`
						}{en, m, run})
					}
					if run != nil && experiment.SlurmJobs(m) != nil {
						return showSlurmRun(c, e, s, en, m, run)
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
					b := shortJSON(m.Lineage, "  ", "  ")
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
					return usagef("tag takes REF and ALIAS, e.g. `rgml %s tag NAME:3 paper`", kind.Plural())
				}
				return withEntry(c, e, kind, modify, func(s *registry.Store, en registry.Entry) error {
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
			Usage:     "print where " + article(noun) + " " + noun + " came from, back to the Monte Carlo parameters",
			ArgsUsage: "REF",
			Flags:     []cli.Flag{jsonFlag},
			Action: func(c *cli.Context) error {
				if c.NArg() != 1 {
					return usagef("lineage takes one reference (NAME, NAME:VERSION, NAME@ALIAS or a digest prefix)")
				}
				return withRegistry(c, e, readOnly, func(s *registry.Store) error {
					chain, err := s.Lineage(kind, c.Args().First())
					if err != nil {
						return refError(err)
					}
					var out []withLineage
					for i, en := range chain {
						m, err := s.Manifest(en)
						if err != nil {
							return err
						}
						if c.Bool("json") {
							out = append(out, withLineage{Entry: en, Lineage: &m.Lineage})
							continue
						}
						indent := strings.Repeat("  ", min(i, 1))
						fmt.Fprintf(e.stdout, "%s%s\n", indent, en)
						printLineage(e, s, indent+"    ", m.Lineage)
					}
					if c.Bool("json") {
						return printJSON(e, out)
					}
					return nil
				})
			},
		},
		{
			Name:      "export",
			Usage:     "write " + article(noun) + " " + noun + "'s files and manifest.json into DIR, for colleagues without rgml",
			ArgsUsage: "REF DIR",
			Flags: []cli.Flag{&cli.StringFlag{Name: "run", Usage: "export the " + noun + " that run `RUN` recorded for its step NAME " +
				"(REF is then the step's NAME), not the latest version of NAME"}},
			Action: func(c *cli.Context) error {
				if c.NArg() != 2 {
					return usagef("export takes REF and DIR")
				}
				return withEntryOfRun(c, e, kind, c.String("run"), func(s *registry.Store, en registry.Entry) error {
					if err := s.Export(en, c.Args().Get(1)); err != nil {
						// DIR names a file, or holds other files of these names.
						if errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.ENOTDIR) {
							return usageError{err}
						}
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
			Flags: []cli.Flag{&cli.BoolFlag{Name: "force", Usage: "remove it even if the lineage of other entries needs it " +
				"(gc then keeps only its manifest, so their lineage stays readable)"}},
			Action: func(c *cli.Context) error {
				if c.NArg() != 1 {
					return usagef("rm takes one reference")
				}
				return withRegistry(c, e, modify, func(s *registry.Store) error {
					en, err := s.Remove(kind, c.Args().First(), c.Bool("force"))
					if errors.Is(err, registry.ErrInUse) {
						return usagef("%v: rerun with --force to force it", err)
					}
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

// withLineage is an entry as the --json listings print it.
type withLineage struct {
	registry.Entry
	Lineage       *registry.Lineage   `json:"lineage,omitempty"`
	Run           *registry.RunRecord `json:"run,omitempty"`
	ManifestError string              `json:"manifest_error,omitempty"`
}

func describeEntry(s *registry.Store, en registry.Entry) withLineage {
	m, err := s.Manifest(en)
	if err != nil {
		return withLineage{Entry: en, ManifestError: err.Error()}
	}
	out := withLineage{Entry: en, Lineage: &m.Lineage}
	if out.Run, err = runRecord(s, en, m); err != nil {
		out.ManifestError = err.Error()
	}
	return out
}

// listModels prints the models with what tells them apart: learner, the
// datasets trained on, key hyper-parameters and final losses.
func listModels(e *env, s *registry.Store, es []registry.Entry) error {
	refs := map[string]string{} // dataset digest -> NAME:VERSION
	datasetRef := func(d string) string {
		if r, ok := refs[d]; ok {
			return r
		}
		r := strings.TrimPrefix(d, registry.DigestPrefix)[:12]
		if en, err := s.Lookup(d); err == nil {
			r = en.Ref()
			if !en.Removed.IsZero() {
				r += " (removed)"
			}
		}
		refs[d] = r
		return r
	}
	return printTable(e, "NAME\tVERSION\tDIGEST\tCREATED\tLEARNER\tDATASET\tHYPER-PARAMETERS\tFINAL LOSS\tALIASES", es, func(en registry.Entry) string {
		learner, datasets, hyper, loss := "?", "-", "-", "-"
		if m, err := s.Manifest(en); err == nil {
			l := m.Lineage
			if l.Plugin != nil {
				learner = l.Plugin.Name
			}
			if len(l.Datasets) > 0 {
				names := make([]string, len(l.Datasets))
				for i, d := range l.Datasets {
					names[i] = datasetRef(d)
				}
				datasets = strings.Join(names, ",")
			}
			if h := keyValues(l.HyperParameters, keyHyperParameters, len(keyHyperParameters), shortFloat); h != "" {
				hyper = h
			}
			if l.Metrics != nil {
				// The final metrics hold a learning rate and norms too:
				// FINAL LOSS shows the losses and errors.
				ls := map[string]any{}
				for k, v := range l.Metrics.FinalLosses {
					if strings.Contains(k, "loss") || strings.Contains(k, "error") {
						ls[k] = v
					}
				}
				if len(ls) > 0 {
					// Four digits tell losses apart; the rest is in show.
					loss = keyValues(ls, nil, len(ls), func(f float64) string { return strconv.FormatFloat(f, 'g', 4, 64) })
				}
			}
		}
		return fmt.Sprintf("%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s", en.Name, en.Version, en.ShortDigest(),
			en.Created.Local().Format(time.DateTime), learner, datasets, hyper, loss, strings.Join(en.Aliases, ","))
	})
}

// keyHyperParameters are shown first in `models list`, the rest sorted by
// name up to the limit (all of them are in --json and show); `visible`
// tells RBMs of ±1 and spin-1 units apart.
var keyHyperParameters = []string{"hidden", "visible", "epochs", "lr", "batch"}

// keyValues formats up to n entries of m as "k=v k=v": the keys listed in
// first, in that order, then the others sorted; num prints the numbers.
func keyValues(m map[string]any, first []string, n int, num func(float64) string) string {
	var keys []string
	for _, k := range first {
		if _, ok := m[k]; ok {
			keys = append(keys, k)
		}
	}
	rest := make([]string, 0, len(m))
	for k := range m {
		if !slices.Contains(first, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	keys = append(keys, rest...)
	var parts []string
	for _, k := range keys[:min(n, len(keys))] {
		v := m[k]
		if f, ok := v.(float64); ok {
			v = num(f)
		}
		parts = append(parts, fmt.Sprintf("%s=%v", k, v))
	}
	return strings.Join(parts, " ")
}

// printTable writes a header and one tab-separated row per element, aligned.
func printTable[T any](e *env, header string, es []T, row func(T) string) error {
	// Buffered: tabwriter writes cell by cell, and a store holds thousands
	// of versions.
	bw := bufio.NewWriterSize(e.stdout, 1<<16)
	rows := make([][]string, 0, len(es)+1)
	rows = append(rows, strings.Split(header, "\t"))
	for _, en := range es {
		rows = append(rows, strings.Split(row(en), "\t"))
	}
	if e.width > 0 {
		fitColumns(rows, e.width)
	}
	tw := tabwriter.NewWriter(bw, 0, 4, tableGap, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}

// tableGap is the spaces between a table's columns.
const tableGap = 2

// fitColumns cuts cells (with …) so that the table fits width columns:
// the widest column gives way first, so that names and versions stay
// readable while long lists of hyper-parameters shrink. --wide prints the
// table whole.
func fitColumns(rows [][]string, width int) {
	const minCol = 6
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	total := func() int {
		n := tableGap * (len(widths) - 1)
		for _, w := range widths {
			n += w
		}
		return n
	}
	// Long columns give way to a date's width first, then any column to
	// a few characters.
	for _, floor := range []int{20, minCol} {
		for total() > width {
			widest := 0
			for i, w := range widths {
				if w > widths[widest] {
					widest = i
				}
			}
			if widths[widest] <= floor {
				break
			}
			widths[widest]--
		}
	}
	for _, r := range rows {
		for i, c := range r {
			if utf8.RuneCountInString(c) > widths[i] {
				r[i] = string([]rune(c)[:widths[i]-1]) + "…"
			}
		}
	}
}

// terminalWidth is the width tables are cut to: $COLUMNS if set, else the
// width of w if it is a terminal that reports one, else 0 (print whole).
func terminalWidth(w io.Writer) int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	if s, ok := w.(*safeWriter); ok {
		w = s.w // what it escapes for still goes to the terminal
	}
	if f, ok := w.(*os.File); ok && progress.IsTerminal(f) {
		return progress.Width(f)
	}
	return 0
}

// shortFloat prints v in the shortest form that reads back as v, at the
// precision v came in: a float32 hyper-parameter or metric (0.1 stored
// as 0.10000000149011612) prints as 0.1.
func shortFloat(v float64) string {
	if f32 := float32(v); float64(f32) == v && !math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 32)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// jsonNumber matches a number with a fraction in JSON text, after the
// character that may precede a value.
var jsonNumber = regexp.MustCompile(`([:\[,\s])(-?\d+\.\d+(?:[eE][-+]?\d+)?)`)

// shortJSON indents v as JSON for a reader, each number in its shortest
// form (shortFloat); --json prints the exact values.
func shortJSON(v any, prefix, indent string) []byte {
	b, _ := json.Marshal(v)
	if indent != "" {
		b, _ = json.MarshalIndent(v, prefix, indent)
	}
	return jsonNumber.ReplaceAllFunc(b, func(m []byte) []byte {
		sub := jsonNumber.FindSubmatch(m)
		f, err := strconv.ParseFloat(string(sub[2]), 64)
		if err != nil {
			return m
		}
		return append(append([]byte(nil), sub[1]...), shortFloat(f)...)
	})
}

// printLineage prints every field --json has: the familiar ones in a
// readable form, then whatever else the lineage carries (its Extra, and
// fields added later) generically, so the text never hides what a
// plugin or step recorded.
func printLineage(e *env, s *registry.Store, indent string, l registry.Lineage) {
	if l.Description != "" {
		fmt.Fprintf(e.stdout, "%sdescription %s\n", indent, l.Description)
	}
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
			fmt.Fprintf(e.stdout, "%s%s %s\n", indent, m.name, shortJSON(m.v, "", ""))
		}
	}
	for _, n := range []struct {
		name string
		v    int64
	}{{"samples", l.Samples}, {"per-point", l.PerPoint}} {
		if n.v != 0 {
			fmt.Fprintf(e.stdout, "%s%s %d\n", indent, n.name, n.v)
		}
	}
	for _, d := range l.Datasets {
		fmt.Fprintf(e.stdout, "%sdataset %s\n", indent, entryRef(s, d))
	}
	if l.Parent != "" {
		fmt.Fprintf(e.stdout, "%sparent %s\n", indent, entryRef(s, l.Parent))
	}
	for _, in := range l.Inputs {
		fmt.Fprintf(e.stdout, "%sinput %s %s\n", indent, in.Role, entryRef(s, in.Digest))
	}
	if l.Key != "" {
		fmt.Fprintf(e.stdout, "%skey %s\n", indent, l.Key)
	}
	if l.Metrics != nil {
		fmt.Fprintf(e.stdout, "%smetrics %s\n", indent, shortJSON(l.Metrics, "", ""))
	}
	if l.Host != nil {
		host := strings.TrimSpace(strings.Join([]string{l.Host.Version, l.Host.Commit, l.Host.Machine}, " "))
		fmt.Fprintf(e.stdout, "%shost rgml %s\n", indent, strings.Join(strings.Fields(host), " "))
	}
	rest := lineageRest(l)
	for _, k := range slices.Sorted(maps.Keys(rest)) {
		fmt.Fprintf(e.stdout, "%s%s %s\n", indent, strings.ReplaceAll(k, "_", "-"), shortJSON(rest[k], "", ""))
	}
}

// lineageRest is what printLineage does not print field by field: the
// Extra keys, and any JSON field of Lineage it does not know, by JSON name.
func lineageRest(l registry.Lineage) map[string]any {
	var all map[string]any
	b, _ := json.Marshal(l)
	_ = json.Unmarshal(b, &all)
	for _, k := range []string{"description", "plugin", "host", "algorithm", "seed", "parameters", "hyper_parameters",
		"samples", "per_point", "datasets", "parent", "inputs", "key", "metrics", "extra"} {
		delete(all, k)
	}
	for k, v := range l.Extra {
		all[k] = v
	}
	return all
}

// How a command opens the registry.
type openMode int

const (
	readOnly openMode = iota // look only: never create, SQLite mode=ro
	modify                   // change existing entries: never create
)

func withRegistry(c *cli.Context, e *env, mode openMode, f func(*registry.Store) error) error {
	open := e.openRegistryRead
	if mode == modify {
		open = e.openRegistryExisting
	}
	s, err := open(c)
	if err != nil {
		return err
	}
	defer s.Close()
	return f(s)
}

// withEntryOfRun is withEntry (read-only) when run is "", else it calls f
// with the entry of kind that run recorded for its step named by the
// first argument.
func withEntryOfRun(c *cli.Context, e *env, kind registry.Kind, run string, f func(*registry.Store, registry.Entry) error) error {
	if run == "" {
		return withEntry(c, e, kind, readOnly, f)
	}
	return withRegistry(c, e, readOnly, func(s *registry.Store) error {
		r, err := s.Resolve(registry.Run, run)
		if err != nil {
			return refError(fmt.Errorf("--run: %w", err))
		}
		en, err := s.RunStepEntry(c.Context, r, kind, c.Args().First())
		if err != nil {
			return refError(err)
		}
		return f(s, en)
	})
}

func withEntry(c *cli.Context, e *env, kind registry.Kind, mode openMode, f func(*registry.Store, registry.Entry) error) error {
	if c.NArg() < 1 {
		return usagef("give a reference: NAME, NAME:VERSION, NAME@ALIAS or a digest prefix")
	}
	return withRegistry(c, e, mode, func(s *registry.Store) error {
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

func registryCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "registry",
		Usage: "create, check and clean the registry",
		Subcommands: []*cli.Command{
			{
				Name:  "init",
				Usage: "create an empty registry (at --registry, RGML_HOME or ./.rgml); commands that write create one too",
				Action: func(c *cli.Context) error {
					root, err := registryRoot(c)
					if err != nil {
						return err
					}
					s, err := registry.OpenContext(c.Context, root, registryOptions(c, false))
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
				},
			},
			{
				Name: "rebuild",
				Usage: "recreate a lost registry.db (missing, empty or without schema) from the entries' manifests among the blobs " +
					"(user tags and history cannot be recovered)",
				Action: func(c *cli.Context) error {
					root, err := registryRoot(c)
					if err != nil {
						return err
					}
					rep, err := registry.Rebuild(c.Context, root)
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
				},
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
					to := c.String("to")
					if !registry.IsURL(to) {
						return usagef("--to %q: give the postgres://… URL of the new registry", to)
					}
					root, err := registryRoot(c)
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
					dst, err := registry.OpenContext(c.Context, to, registryOptions(c, false))
					if err != nil {
						return registryError(err)
					}
					defer dst.Close()
					rep, err := registry.Copy(c.Context, dst, src)
					if errors.Is(err, registry.ErrBadLocation) {
						return usageError{err}
					}
					if err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "copied %d entries and %d blob(s) (%s) from %s to %s, every digest verified", rep.Entries, rep.Blobs, humanBytes(rep.Bytes), src.Root(), registry.RedactURL(to))
					if rep.Gone > 0 {
						fmt.Fprintf(e.stdout, "; %d blob(s) of removed entries were already garbage-collected", rep.Gone)
					}
					fmt.Fprintln(e.stdout)
					return nil
				},
			},
			{
				Name:  "verify",
				Usage: "re-hash every blob and follow every lineage reference; report damage with the entries it affects (exit 1 if any)",
				Action: func(c *cli.Context) error {
					return withRegistry(c, e, readOnly, func(s *registry.Store) error {
						problems, err := s.Verify(c.Context)
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
				},
			},
			{
				Name:  "gc",
				Usage: "delete blobs no live version (or its lineage) needs (--dry-run: only report)",
				Flags: []cli.Flag{&cli.BoolFlag{Name: "dry-run", Usage: "report what would be deleted"}},
				Action: func(c *cli.Context) error {
					mode := modify
					if c.Bool("dry-run") {
						mode = readOnly
					}
					return withRegistry(c, e, mode, func(s *registry.Store) error {
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
						lineage := ""
						if r.KeptLineage > 0 {
							lineage = fmt.Sprintf(", %d of them manifests of removed entries that live lineage needs", r.KeptLineage)
						}
						fmt.Fprintf(e.stdout, "%s %d blob(s) (%s) and %d temp file(s); kept %d blob(s) (%s)%s\n",
							verb, r.Blobs, humanBytes(r.Bytes), r.TempFiles, r.Kept, humanBytes(r.KeptBytes), lineage)
						return nil
					})
				},
			},
		},
	}
}

// article is "a" or "an" for a lower-case noun, by its first letter: the
// nouns of the command groups ("dataset", "analysis", …) have no silent h
// or sounded-out u.
func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an"
	}
	return "a"
}

// plural is "1 plugin", "9 plugins".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
