package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/registry"
)

// flowOptions are those of `rgml flow`.
type flowOptions struct {
	env   *env
	Spec  experiment.FlowSpec
	Force bool
}

func newCmdFlow(e *env, runF func(context.Context, *flowOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "flow",
		Usage: "run the RBM flow from a set of configurations, measure its temperature and register the result",
		Description: "Example (Fig. 6 of the paper: the flow from T = 0):\n" +
			"  rgml flow --rbm rbm-v64 --thermometer thermo --from paper-test --where T=0 \\\n" +
			"      --iterations 0,1,2,5,10,100,1000 --out flow.npz\n\n" +
			"Each iteration is v → h → v with ±1 sampling (eqs. 29–30); the thermometer\n" +
			"turns the configurations after each iteration count into a distribution\n" +
			"over its classes (temperatures), printed as its mean and mode. The result\n" +
			"is registered as a flow (`rgml flows list`) with the RBM, thermometer and\n" +
			"initial dataset as its inputs. The flow's random stream is derived from\n" +
			"--seed, the initial dataset and --where, so flows from different\n" +
			"starting sets are independent. A flow the registry already has from an\n" +
			"identical step (same RBM, thermometer, initial set, selection, iterations,\n" +
			"seed and RBM plugin digest, as `rgml run` keys its steps) is reused, not\n" +
			"run again (--out still writes it); --force runs it anew.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "rbm", Usage: "trained RBM (registry reference)", Required: true},
			&cli.StringFlag{Name: "thermometer", Usage: "trained thermometer (registry reference)", Required: true},
			&cli.StringFlag{Name: "from", Usage: "dataset of initial configurations (registry reference)", Required: true},
			&cli.StringSliceFlag{Name: "where", Usage: "start only from configurations whose label matches NAME=SPEC, e.g. T=0"},
			&cli.StringFlag{Name: "iterations", Usage: "iteration counts to measure, comma-separated", Value: experiment.DefaultIterations},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed of the flow's sampling", Value: 1},
			&cli.StringFlag{Name: "name", Usage: "register the flow under this name (default: flow-RBMNAME)"},
			&cli.StringFlag{Name: "out", Usage: "also write iterations, LABEL_mean, LABEL_mode (LABEL the thermometer's label, e.g. T_mean), classes, distribution to this .npz"},
			&cli.BoolFlag{Name: "save-configs", Usage: "also keep the flowed configurations (iterations × N × sites, int8)"},
			forceFlag(),
		},
		Action: func(c *cli.Context) error {
			opts, err := flowOptionsOf(c, e)
			if err != nil {
				return err
			}
			return orRun(runF, runFlow)(c.Context, opts)
		},
	}
}

// flowOptionsOf reads flow's flags; a wrong one is a usage error.
func flowOptionsOf(c *cli.Context, e *env) (*flowOptions, error) {
	its, err := experiment.ParseIterations(c.String("iterations"))
	if err != nil {
		return nil, usagef("--iterations %v", err)
	}
	spec := experiment.FlowSpec{
		Name: c.String("name"), RBM: c.String("rbm"), Thermometer: c.String("thermometer"), From: c.String("from"),
		Where: c.StringSlice("where"), Iterations: its, Seed: c.Uint64("seed"),
		SaveConfigs: c.Bool("save-configs"), Out: c.String("out"),
	}
	if spec.Out != "" {
		if err := checkWritable(spec.Out); err != nil {
			return nil, usageError{err}
		}
	}
	if spec.Name == "" {
		spec.Name = "flow-" + refName(spec.RBM)
	}
	if err := registry.ValidateName(spec.Name); err != nil {
		return nil, usageError{fmt.Errorf("--name %s: %w (give one with --name)", spec.Name, err)}
	}
	return &flowOptions{env: e, Spec: spec, Force: c.Bool("force")}, nil
}

// runFlow runs the flow, registers it and prints its readings.
func runFlow(ctx context.Context, o *flowOptions) error {
	e, spec := o.env, o.Spec
	en, closeEnv := e.stepEnv(ctx, existingStore)
	defer closeEnv()
	found, err := experiment.FindFlow(ctx, en, spec)
	if err != nil {
		return err
	}
	if found.OK && !o.Force {
		reused(e, found)
		if spec.Out != "" {
			if err := experiment.CopyFile(en, found.Entry, experiment.FlowFile, spec.Out); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "wrote %s\n", spec.Out)
		}
		return nil
	}
	if !o.Force {
		// The registry keeps one entry per key: a forced run's is
		// registered without it, beside the one the key finds.
		spec.Key = found.Key
	}
	r, err := experiment.Flow(ctx, en, spec)
	if r.Entry.Name == "" {
		return err
	}
	printFlow(e, r)
	if err != nil {
		return err // registered, but --out failed: the error says so
	}
	fmt.Fprintf(e.stdout, "registered %s\n", r.Entry)
	sayVersion(e, r.Entry)
	if spec.Out != "" {
		fmt.Fprintf(e.stdout, "wrote %s\n", spec.Out)
	}
	return nil
}

// printFlow prints a flow's thermometer readings, one iteration count a line.
func printFlow(e *env, r experiment.FlowResult) {
	k := len(r.Classes)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	if j := r.Joint; j != nil {
		printJointFlow(tw, r.Labels, r.Iterations, j)
		return
	}
	// Named by the label the thermometer learned, as a joint flow's are:
	// a thermometer of Δ reads no T.
	x := "MEASURED"
	if len(r.Labels) > 0 {
		x = strings.ToUpper(r.Labels[0])
	}
	fmt.Fprintf(tw, "ITERATION\t%s_MEAN\t%s_MODE\tDISTRIBUTION (%g … %g)\n", x, x, r.Classes[0], r.Classes[k-1])
	for i, it := range r.Iterations {
		fmt.Fprintf(tw, "%d\t%.3f\t%g\t%s\n", it, r.TMean[i], r.TMode[i], sparkline(r.Distribution[i*k:(i+1)*k]))
	}
	tw.Flush()
}

// printJointFlow prints a two-label flow's readings: the thermometer's
// means and mode in both labels, the model's observables averaged over
// the flowed configurations, and the nearest Monte Carlo grid point.
func printJointFlow(tw *tabwriter.Writer, labels []string, its []int64, j *experiment.TwoParamReadout) {
	x, y := strings.ToUpper(labels[0]), strings.ToUpper(labels[1])
	pair := fmt.Sprintf("(%s, %s)", report.Symbol(labels[0]), report.Symbol(labels[1]))
	head := []string{"ITERATION", x + "_MEAN", y + "_MEAN", "MODE " + pair}
	for _, o := range j.Observables {
		head = append(head, o.Label())
	}
	head = append(head, "NEAREST MC "+pair)
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for i, it := range its {
		row := []string{fmt.Sprint(it), fmt.Sprintf("%.3f", j.TMean[i]), fmt.Sprintf("%.3f", j.DeltaMean[i]),
			fmt.Sprintf("(%g, %g)", j.TMode[i], j.DeltaMode[i])}
		for _, o := range j.Observables {
			row = append(row, fmt.Sprintf("%.3f", o.Values[i]))
		}
		row = append(row, fmt.Sprintf("(%g, %g)", j.EqT[i], j.EqDelta[i]))
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
}

// sparkline draws a distribution with block characters, scaled to its
// maximum.
func sparkline(p []float64) string {
	const blocks = " ▁▂▃▄▅▆▇█"
	r := []rune(blocks)
	top := 0.0
	for _, v := range p {
		top = max(top, v)
	}
	var b strings.Builder
	for _, v := range p {
		i := 0
		if top > 0 {
			i = int(v / top * float64(len(r)-1))
		}
		b.WriteRune(r[i])
	}
	return b.String()
}
