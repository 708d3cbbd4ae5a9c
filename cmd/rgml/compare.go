package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"

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
	header := strings.ToUpper(string(t.Kind)) + "\t" + strings.Join(t.Columns, "\t")
	err := printTable(e, header, t.Rows, func(r compare.Row) string {
		cells := []string{r.Ref}
		for _, c := range t.Columns {
			cells = append(cells, orDash(compare.Text(r.Values[c])))
		}
		return strings.Join(cells, "\t")
	})
	if err != nil {
		return err
	}
	if len(t.Rows) > 1 {
		fmt.Fprintf(e.stdout, "%d of %d columns differ: %s\n", len(t.Differ), len(t.Columns), strings.Join(t.Differ, ", "))
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
