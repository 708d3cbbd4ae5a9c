package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/compare"
	"github.com/rgml/rgml/registry"
)

// compareOptions are those of `rgml compare`.
type compareOptions struct {
	env       *env
	Refs      []string
	Kind      registry.Kind // "" when the references say it
	Where     []string
	Sort      string
	JSON, CSV bool
}

func newCmdCompare(e *env, runF func(context.Context, *compareOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "compare",
		Usage: "compare entries of one kind side by side: parameters, inputs and results, the columns that differ first",
		Description: "REF… name runs, models, flows, analyses or datasets (all of one kind); --where selects\n" +
			"instead (or among REF…) by columns, e.g. `rgml compare --kind models --where 'learner=rbm hidden>=64'`.\n" +
			"For two runs it also lists the steps whose entries differ and why.",
		ArgsUsage: "[REF…]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "kind", Usage: "the `KIND` of the entries (needed by --where without REF, or when a REF names entries of two kinds)"},
			&cli.StringSliceFlag{Name: "where", Usage: "keep entries for which `FILTER` holds: COLUMN OP VALUE, OP one of = != < <= > >= (several separated by spaces)"},
			&cli.StringFlag{Name: "sort", Usage: "sort rows by `COLUMN` (-COLUMN: descending)"},
			&cli.BoolFlag{Name: "json", Usage: "print JSON"},
			&cli.BoolFlag{Name: "csv", Usage: "print CSV"},
		},
		Action: func(c *cli.Context) error {
			if c.Bool("json") && c.Bool("csv") {
				return usagef("compare: give --json or --csv, not both")
			}
			opts := &compareOptions{env: e, Refs: c.Args().Slice(), Where: c.StringSlice("where"), Sort: c.String("sort"),
				JSON: c.Bool("json"), CSV: c.Bool("csv")}
			if k := c.String("kind"); k != "" {
				kind, err := registry.ParseKind(k)
				if err != nil {
					return usageError{err}
				}
				opts.Kind = kind
			}
			return orRun(runF, runCompare)(c.Context, opts)
		},
	}
}

func runCompare(ctx context.Context, o *compareOptions) error {
	filters, err := compare.ParseFilters(o.Where)
	if err != nil {
		return err
	}
	if len(o.Refs) == 0 && (len(filters) == 0 || o.Kind == "") {
		return usagef("compare: give references (REF…), or --kind and --where")
	}
	return o.env.withRegistry(ctx, readOnly, func(s *registry.Store) error {
		t, err := compareTable(s, o, filters)
		if err != nil {
			return err
		}
		if o.Sort != "" {
			if err := t.Sort(o.Sort); err != nil {
				return err
			}
		}
		switch {
		case o.JSON:
			return printJSON(o.env, t)
		case o.CSV:
			return printCompareCSV(o.env, t)
		}
		return printCompare(o.env, t)
	})
}

func compareTable(s *registry.Store, o *compareOptions, filters []compare.Filter) (*compare.Table, error) {
	var es []registry.Entry
	kind := o.Kind
	if len(o.Refs) > 0 {
		var err error
		if es, err = compare.Resolve(s, o.Kind, o.Refs); err != nil {
			return nil, err
		}
		kind = es[0].Kind
	}
	t, err := compare.Where(s, kind, es, filters)
	if err != nil {
		return nil, err
	}
	if len(es) == 2 && kind == registry.Run && len(filters) == 0 {
		if t.Steps, _, err = compare.StepDiffs(s, es[0], es[1]); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func printCompare(e *env, t *compare.Table) error {
	if len(t.Rows) == 0 {
		fmt.Fprintf(e.stdout, "no %s passes the filters\n", t.Kind)
		return nil
	}
	cols, hidden := fitCompareColumns(t, e.width)
	header := strings.ToUpper(string(t.Kind)) + "\t" + strings.Join(cols, "\t")
	err := printTable(e, header, t.Rows, func(r compare.Row) string {
		cells := []string{r.Ref}
		for _, c := range cols {
			cells = append(cells, orDash(compare.Text(r.Values[c])))
		}
		return strings.Join(cells, "\t")
	})
	if err != nil {
		return err
	}
	if len(t.Rows) > 1 {
		fmt.Fprint(e.stdout, wrapTo(fmt.Sprintf("%d of %d columns differ: %s", len(t.Differ), len(t.Columns), strings.Join(t.Differ, ", ")), e.width))
	}
	if len(hidden) > 0 {
		fmt.Fprint(e.stdout, wrapTo(fmt.Sprintf("%s not shown, to fit %d characters (--wide shows all, --json and --csv every value): %s",
			plural(len(hidden), "more column"), e.width, strings.Join(hidden, ", ")), e.width))
	}
	for _, d := range t.Steps {
		fmt.Fprintf(e.stdout, "step %s (%s) %s → %s:\n", d.Step, d.Kind, orDash(d.A), orDash(d.B))
		for _, w := range d.Why {
			fmt.Fprintf(e.stdout, "    %s\n", w)
		}
	}
	return nil
}

func printCompareCSV(e *env, t *compare.Table) error {
	w := csv.NewWriter(e.stdout)
	if err := w.Write(append([]string{"ref"}, t.Columns...)); err != nil {
		return err
	}
	for _, r := range t.Rows {
		rec := []string{r.Ref}
		for _, c := range t.Columns {
			rec = append(rec, compare.Text(r.Values[c]))
		}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// compareCellMin is the fewest characters a compare column is cut to
// before trailing columns are dropped: fewer tell no value apart.
const compareCellMin = 12

// fitCompareColumns are the columns of t a table width characters wide
// shows (all of them when width is 0): in order, those that fit beside
// the references with each cut to compareCellMin characters (or its
// whole width, if narrower); hidden are the rest. The differing columns
// come first, so what is dropped is what all rows share.
func fitCompareColumns(t *compare.Table, width int) (shown, hidden []string) {
	if width <= 0 {
		return t.Columns, nil
	}
	used := utf8.RuneCountInString(string(t.Kind))
	for _, r := range t.Rows {
		used = max(used, utf8.RuneCountInString(r.Ref))
	}
	for i, c := range t.Columns {
		w := utf8.RuneCountInString(c)
		for _, r := range t.Rows {
			w = max(w, utf8.RuneCountInString(orDash(compare.Text(r.Values[c]))))
		}
		if used+tableGap+min(w, compareCellMin) > width {
			return t.Columns[:i], t.Columns[i:]
		}
		used += tableGap + min(w, compareCellMin)
	}
	return t.Columns, nil
}

// wrapTo folds a sentence into lines of at most width characters at its
// spaces, later lines indented; width 0 leaves it one line. A word wider
// than the line is cut with ….
func wrapTo(s string, width int) string {
	if width <= 0 {
		return s + "\n"
	}
	const indent = "    "
	var b strings.Builder
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) <= width:
			line += " " + w
		default:
			b.WriteString(cut(line, width) + "\n")
			line = indent + w
		}
	}
	b.WriteString(cut(line, width) + "\n")
	return b.String()
}

func cut(s string, width int) string {
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	return string([]rune(s)[:width-1]) + "…"
}
