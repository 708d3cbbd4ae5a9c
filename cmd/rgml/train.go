package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

func trainCommand(e *env) *cli.Command {
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
			"with the weights (`rgml models history NAME`).",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "learner", Usage: "learner plugin, e.g. rbm or thermometer", Required: true, Category: "Learner"},
			&cli.StringSliceFlag{Name: "set", Usage: "hyper-parameter NAME=VALUE (repeatable)", Category: "Learner"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed", Value: 1, Category: "Learner"},
			&cli.StringFlag{Name: "data", Usage: "training dataset (registry reference)", Required: true, Category: "Data"},
			&cli.StringSliceFlag{Name: "where", Usage: "train only on configurations whose label matches NAME=SPEC, e.g. T=0 or T=4:6:0.25 (repeatable)", Category: "Data"},
			&cli.StringFlag{Name: "test", Usage: "held-out dataset for a test loss (registry reference)", Category: "Data"},
			&cli.StringFlag{Name: "label", Usage: "label a supervised learner learns (T,Delta: the joint (T, Δ) grid points)", Value: "T", Category: "Data"},
			&cli.StringFlag{Name: "name", Usage: "register the weights under this name (default: the learner's name)", Category: "Output"},
			&cli.IntFlag{Name: "checkpoint-every", Usage: "epochs between checkpoints (0: about 20 per training)", Category: "Output"},
			&cli.BoolFlag{Name: "resume", Usage: "continue the interrupted training of the same command from its last checkpoint", Category: "Output"},
		},
		Action: func(c *cli.Context) error { return trainAction(c, e) },
	}
}

func trainAction(c *cli.Context, e *env) error {
	if c.NArg() > 0 {
		return usagef("train takes no arguments (got %q)", c.Args().First())
	}
	hyper, err := parseSettings(c.StringSlice("set"))
	if err != nil {
		return err
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
		return usageError{fmt.Errorf("--name: %w", err)}
	}
	if spec.CheckpointEvery < 0 {
		return usagef("--checkpoint-every must not be negative")
	}
	if c.Bool("resume") {
		spec.Resume = experiment.ResumeRequired
	}
	en, closeEnv := e.stepEnv(c, createStore)
	defer closeEnv()
	r, err := experiment.Train(c.Context, en, spec)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "registered %s: %s on %d configurations, %d epochs in %.1fs; %s\n",
		r.Entry, r.Learner, r.Samples, r.Epochs, r.WallSeconds, formatMetrics(r.Final))
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
