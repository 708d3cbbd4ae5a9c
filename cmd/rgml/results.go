package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// historyOptions are those of `rgml models history REF`: a training's
// every progress report, as a table, JSON or CSV.
type historyOptions struct {
	env       *env
	Ref       string
	JSON, CSV bool
}

func newCmdHistory(e *env, runF func(context.Context, *historyOptions) error) *cli.Command {
	return &cli.Command{
		Name:      "history",
		Usage:     "print a model's training history: every progress report's epoch, time and metrics",
		ArgsUsage: "REF",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print JSON (one object per report)"},
			&cli.BoolFlag{Name: "csv", Usage: "print CSV (one row per report; empty where a report lacks a metric)"},
		},
		Action: func(c *cli.Context) error {
			if c.Bool("json") && c.Bool("csv") {
				return usagef("history: give --json or --csv, not both")
			}
			opts := &historyOptions{env: e, Ref: c.Args().First(), JSON: c.Bool("json"), CSV: c.Bool("csv")}
			return orRun(runF, runHistory)(c.Context, opts)
		},
	}
}

func runHistory(ctx context.Context, o *historyOptions) error {
	e := o.env
	return e.withRegistry(ctx, readOnly, func(s *registry.Store) error {
		h, _, err := experiment.ReadHistory(s, o.Ref)
		if err != nil {
			return err
		}
		if o.JSON {
			return printJSON(e, h.Rows())
		}
		names := h.MetricNames()
		header := append([]string{"epoch", "wall_seconds", "samples"}, names...)
		rows := make([][]string, h.Len())
		for i := range rows {
			row := []string{strconv.FormatInt(h.Epoch[i], 10), strconv.FormatFloat(h.WallSeconds[i], 'f', 3, 64), strconv.FormatInt(h.Samples[i], 10)}
			for _, n := range names {
				v := h.Metrics[n][i]
				if math.IsNaN(v) {
					row = append(row, "")
				} else {
					row = append(row, shortFloat(v))
				}
			}
			rows[i] = row
		}
		if o.CSV {
			w := csv.NewWriter(e.stdout)
			w.Write(header)
			w.WriteAll(rows)
			return w.Error()
		}
		for i := range header {
			header[i] = strings.ToUpper(header[i])
		}
		return printTable(e, strings.Join(header, "\t"), rows, func(r []string) string {
			for i := range r {
				if r[i] == "" {
					r[i] = "-"
				}
			}
			return strings.Join(r, "\t")
		})
	})
}

// importOptions are those of `rgml datasets import FILE.npz --name N`.
type importOptions struct {
	env  *env
	Spec experiment.ImportSpec
}

func newCmdImport(e *env, runF func(context.Context, *importOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "import",
		Usage: "register configurations made elsewhere (an .npz with configs and per-configuration labels) as a dataset",
		Description: "FILE.npz holds configs (int8, N×sites, N×L×L or N×L×L×L) and one float64 array\n" +
			"of N values per label (e.g. T). L and the dimension d are read from an N×L×…×L\n" +
			"shape; for N×sites, d is --dimension (default 2) and L is given with --L, or\n" +
			"inferred when the number of sites is an L^d. The dataset records its state space,\n" +
			"from which learners choose their units: the values --states lists (every value of\n" +
			"configs must be one of them), else the distinct values configs take (at most 127).\n" +
			"Example:\n  rgml datasets import mc.npz --name my-mc --L 16 --label T --states 0,1,2,3,4",
		ArgsUsage: "FILE.npz",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "name", Usage: "register the dataset under this name", Required: true},
			&cli.IntFlag{Name: "L", Usage: "linear lattice size (0: from the shape)"},
			&cli.IntFlag{Name: "dimension", Usage: "lattice dimension d: configurations have L^d sites (0: from the shape, 2 for N×sites)"},
			&cli.StringSliceFlag{Name: "label", Usage: "keep only these arrays as labels (repeatable; default: every array but configs)"},
			&cli.StringFlag{Name: "states", Usage: "the values a site may take, comma-separated, e.g. -1,1 or 0,1,2 (default: the values configs take)"},
		},
		Action: func(c *cli.Context) error {
			spec := experiment.ImportSpec{Name: c.String("name"), File: c.Args().First(), L: c.Int("L"),
				Dimension: c.Int("dimension"), Labels: c.StringSlice("label")}
			if err := registry.ValidateName(spec.Name); err != nil {
				return usageError{fmt.Errorf("--name: %w", err)}
			}
			if c.IsSet("states") {
				states, err := parseStates(c.String("states"))
				if err != nil {
					return usageError{fmt.Errorf("--states %q: %w", c.String("states"), err)}
				}
				spec.States = states
			}
			return orRun(runF, runImport)(c.Context, &importOptions{env: e, Spec: spec})
		},
	}
}

func runImport(ctx context.Context, o *importOptions) error {
	e, spec := o.env, o.Spec
	en, closeEnv := e.stepEnv(ctx, createStore)
	defer closeEnv()
	r, err := experiment.Import(ctx, en, spec)
	if err != nil {
		return err
	}
	labels := "no labels"
	if len(r.Labels) > 0 {
		labels = "labels " + strings.Join(r.Labels, ", ")
	}
	states := "states " + joinInts(r.States)
	if r.StatesInferred {
		states += " (the values configs take; declare others with --states)"
	}
	if r.StatesInferred && len(r.States) == 1 {
		// One value is no state space a learner can train on: say so
		// now, not when a training is refused.
		defer fmt.Fprintf(e.stdout, "note: every site of %s holds %d, so its state space is [%d], on which no learner trains; "+
			"if a site can take other values, import it again with all of them: --states -1,1 for ±1 spins\n", r.Entry.Name, r.States[0], r.States[0])
	}
	fmt.Fprintf(e.stdout, "registered %s: %d configurations of %s, %s, %s (imported from %s, sha256 %s)\n",
		r.Entry, r.Configs, latticeText(r.L, r.Dimension), labels, states, spec.File, r.SHA256[:12])
	return nil
}

// parseStates reads --states: distinct int8 values, comma-separated.
func parseStates(text string) ([]int8, error) {
	var out []int8
	seen := map[int8]bool{}
	for f := range strings.SplitSeq(text, ",") {
		f = strings.TrimSpace(f)
		v, err := strconv.ParseInt(f, 10, 8)
		if err != nil {
			return nil, fmt.Errorf("%q is not a whole number in -128 … 127: list the values a site may take, e.g. 0,1,2", f)
		}
		if seen[int8(v)] {
			return nil, fmt.Errorf("the value %d is listed twice", v)
		}
		seen[int8(v)] = true
		out = append(out, int8(v))
	}
	if len(out) > sdk.MaxStates {
		return nil, fmt.Errorf("%d values; a state space has at most %d", len(out), sdk.MaxStates)
	}
	return out, nil
}

func joinInts(v []int8) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(int(x))
	}
	return strings.Join(s, ", ")
}
