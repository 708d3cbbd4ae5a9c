package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

// trainOptions are those of `rgml train`.
type trainOptions struct {
	env   *env
	Spec  experiment.TrainSpec
	Force bool
}

func newCmdTrain(e *env, runF func(context.Context, *trainOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "train",
		Usage: "train a learner on a registered dataset and register the weights",
		Description: "Example (the paper's type V RBM with 64 hidden units):\n" +
			"  rgml train --learner rbm --data paper-train --set hidden=64 --name rbm-v64\n\n" +
			"Hyper-parameters are set with --set NAME=VALUE and checked against the\n" +
			"learner's description (`rgml plugins describe LEARNER`). Checkpoints are\n" +
			"kept in the registry while the training runs; after a crash or a kill,\n" +
			"the same command with --resume continues from the last one and gives the\n" +
			"same weights as an uninterrupted training. Every progress report is kept\n" +
			"with the weights (`rgml models history NAME`).\n\n" +
			"Weights the registry already has from an identical step (same learner,\n" +
			"plugin digest, data, selection, hyper-parameters and seed, as `rgml run`\n" +
			"keys its steps) are reused, not trained again; --force trains anew.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "learner", Usage: "learner plugin, e.g. rbm or thermometer", Required: true, Category: "Learner"},
			&cli.StringSliceFlag{Name: "set", Usage: "hyper-parameter NAME=VALUE (repeatable)", Category: "Learner"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed", Value: 1, Category: "Learner"},
			&cli.StringFlag{Name: "data", Usage: "training dataset (registry reference)", Required: true, Category: "Data"},
			&cli.StringSliceFlag{Name: "where", Usage: "train only on configurations whose label matches NAME=SPEC, e.g. T=0 or T=4:6:0.25 (repeatable)", Category: "Data"},
			&cli.StringFlag{Name: "test", Usage: "held-out dataset for a test loss (registry reference)", Category: "Data"},
			&cli.StringFlag{Name: "label", Usage: "label a supervised learner learns (default: the data's one label of several values; e.g. T, or T,Delta: the joint grid points)", Category: "Data"},
			&cli.StringFlag{Name: "name", Usage: "register the weights under this name (default: the learner's name)", Category: "Output"},
			&cli.IntFlag{Name: "checkpoint-every", Usage: "epochs between checkpoints (0: about 20 per training)", Category: "Output"},
			&cli.BoolFlag{Name: "resume", Usage: "continue the interrupted training of the same command from its last checkpoint", Category: "Output"},
			forceFlag(),
		},
		Action: func(c *cli.Context) error {
			opts, err := trainOptionsOf(c, e)
			if err != nil {
				return err
			}
			return orRun(runF, runTrain)(c.Context, opts)
		},
	}
}

// trainOptionsOf reads train's flags; a wrong one is a usage error.
func trainOptionsOf(c *cli.Context, e *env) (*trainOptions, error) {
	if c.NArg() > 0 {
		return nil, usagef("train takes no arguments (got %q)", c.Args().First())
	}
	hyper, err := parseSettings(c.StringSlice("set"))
	if err != nil {
		return nil, err
	}
	spec := experiment.TrainSpec{
		Name: c.String("name"), Learner: c.String("learner"), Data: c.String("data"), Where: c.StringSlice("where"),
		Test: c.String("test"), Hyper: hyper, Seed: c.Uint64("seed"),
		CheckpointEvery: c.Int("checkpoint-every"),
	}
	if c.IsSet("label") {
		spec.Label = c.String("label")
	}
	if spec.Name == "" {
		spec.Name = spec.Learner
	}
	if err := registry.ValidateName(spec.Name); err != nil {
		return nil, usageError{fmt.Errorf("--name: %w", err)}
	}
	if spec.CheckpointEvery < 0 {
		return nil, usagef("--checkpoint-every must not be negative")
	}
	if c.Bool("resume") {
		spec.Resume = experiment.ResumeRequired
	}
	return &trainOptions{env: e, Spec: spec, Force: c.Bool("force")}, nil
}

// runTrain trains, registers the weights and says what it did.
func runTrain(ctx context.Context, o *trainOptions) error {
	e := o.env
	en, closeEnv := e.stepEnv(ctx, createStore)
	defer closeEnv()
	found, err := experiment.FindTraining(ctx, en, o.Spec)
	if err != nil {
		return err
	}
	if found.OK && !o.Force {
		reused(e, found)
		return nil
	}
	spec := o.Spec
	if !o.Force {
		// The registry keeps one entry per key: a forced run's is
		// registered without it, beside the one the key finds.
		spec.Key = found.Key
	}
	r, err := experiment.Train(ctx, en, spec)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "registered %s: %s on %d configurations, %d epochs in %.1fs; %s\n",
		r.Entry, r.Learner, r.Samples, r.Epochs, r.WallSeconds, formatMetrics(r.Final))
	sayVersion(e, r.Entry)
	return nil
}

func formatMetrics(m map[string]float64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %.4g", k, m[k])
	}
	return strings.Join(parts, ", ")
}
