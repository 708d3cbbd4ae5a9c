package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// sampleOptions are those of `rgml sample`.
type sampleOptions struct {
	env   *env
	Spec  experiment.SampleSpec
	Force bool
}

func newCmdSample(e *env, runF func(context.Context, *sampleOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "sample",
		Usage: "draw configurations of a model on a grid of parameters and register them (--out: also as .npz)",
		Description: "Example (the paper's training set):\n" +
			"  rgml sample --model ising --param T=0:6:0.25 --per-point 1000 --L 10 \\\n" +
			"      --algorithm metropolis-paper --seed 1 --out train.npz\n\n" +
			"--param NAME=SPEC takes a value, an inclusive range START:STOP:STEP or a\n" +
			"list V1,V2,…; several --param flags make the grid of all combinations.\n" +
			"The .npz holds configs (int8, N×L^d for the model's dimension d, x-major:\n" +
			"site (x,y) at index x*L+y on a square lattice) and one float64 array per\n" +
			"model parameter, one value per configuration; the registry's lineage\n" +
			"records the lattice shape.\n\n" +
			"A dataset the registry already has from an identical step (same model,\n" +
			"plugin digest, grid, L, sampling and seed, as `rgml run` keys its steps)\n" +
			"is reused, not sampled again (--out still writes it); --force samples anew.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Usage: "model plugin, e.g. ising", Required: true, Category: "Model"},
			&cli.StringSliceFlag{Name: "param", Usage: "NAME=VALUE | NAME=START:STOP:STEP | NAME=V1,V2,… (repeatable)", Category: "Model"},
			&cli.IntFlag{Name: "L", Usage: "linear lattice size", Value: 10, Category: "Model"},
			&cli.StringFlag{Name: "algorithm", Usage: "sampling algorithm `NAME` (default: the model's; see rgml plugins describe MODEL)", Category: "Sampling"},
			&cli.IntFlag{Name: "per-point", Usage: "configurations per parameter point", Value: 1000, Category: "Sampling"},
			&cli.IntFlag{Name: "sweeps", Usage: "sweeps between configurations of a chain (0: the algorithm's default)", Category: "Sampling"},
			&cli.IntFlag{Name: "thermalization", Usage: "thermalisation sweeps (0: the algorithm's default)", Category: "Sampling"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed; the same seed gives the same configurations", Value: 1, Category: "Sampling"},
			&cli.StringFlag{Name: "name", Usage: "register the dataset under this name (default: the model's name)", Category: "Output"},
			&cli.StringFlag{Name: "out", Usage: "also write the dataset to this plain .npz file", Category: "Output"},
			forceFlag(),
		},
		Action: func(c *cli.Context) error {
			opts, err := sampleOptionsOf(c, e)
			if err != nil {
				return err
			}
			return orRun(runF, runSample)(c.Context, opts)
		},
	}
}

// sampleOptionsOf reads sample's flags; a wrong one is a usage error.
func sampleOptionsOf(c *cli.Context, e *env) (*sampleOptions, error) {
	if c.NArg() > 0 {
		return nil, usagef("sample takes no arguments (got %q): parameters go in --param NAME=SPEC", c.Args().First())
	}
	spec := experiment.SampleSpec{
		Name: c.String("name"), Model: c.String("model"), L: c.Int("L"), PerPoint: c.Int("per-point"),
		Algorithm: c.String("algorithm"), Sweeps: c.Int("sweeps"), Thermalization: c.Int("thermalization"),
		Seed: c.Uint64("seed"), Out: c.String("out"),
	}
	for _, p := range c.StringSlice("param") {
		a, err := grid.Parse(p)
		if err != nil {
			return nil, usageError{err}
		}
		spec.Params = append(spec.Params, a)
	}
	if spec.L < 2 {
		return nil, usagef("--L %d: the lattice needs L >= 2", spec.L)
	}
	if spec.PerPoint <= 0 {
		return nil, usagef("--per-point %d: must be a positive number of configurations", spec.PerPoint)
	}
	if spec.Sweeps < 0 || spec.Thermalization < 0 {
		return nil, usagef("--sweeps and --thermalization must not be negative")
	}
	if spec.Name == "" {
		spec.Name = spec.Model
	}
	if err := registry.ValidateName(spec.Name); err != nil {
		return nil, usageError{fmt.Errorf("--name: %w", err)}
	}
	if spec.Out != "" {
		if err := checkWritable(spec.Out); err != nil {
			return nil, usageError{err}
		}
	}
	return &sampleOptions{env: e, Spec: spec, Force: c.Bool("force")}, nil
}

// runSample samples, registers and says what it did.
func runSample(ctx context.Context, o *sampleOptions) error {
	e, spec := o.env, o.Spec
	en, closeEnv := e.stepEnv(ctx, createStore)
	defer closeEnv()
	found, err := experiment.FindSample(ctx, en, spec)
	if err != nil {
		return err
	}
	if found.OK && !o.Force {
		reused(e, found)
		if spec.Out != "" {
			if err := experiment.CopyFile(en, found.Entry, "data.npz", spec.Out); err != nil {
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
	r, err := experiment.Sample(ctx, en, spec)
	if err != nil {
		return err
	}
	acc := ""
	if r.Rate > 0 {
		what := "acceptance"
		if r.Cluster {
			what = "mean cluster size"
		}
		acc = fmt.Sprintf(", %s %.3f", what, r.Rate)
	}
	fmt.Fprintf(e.stdout, "registered %s: %d configurations of %s (%s, %s) at %d point(s) in %.2fs%s\n",
		r.Entry, r.Configs, latticeText(r.L, r.Dimension), r.Model, r.Algorithm, r.Points, r.WallSeconds, acc)
	sayVersion(e, r.Entry)
	if spec.Out != "" {
		fmt.Fprintf(e.stdout, "wrote %s\n", spec.Out)
	}
	return nil
}

// latticeText is a lattice as listings give it: "6×6×6", "an L = 64
// chain".
func latticeText(L, d int) string {
	if sdk.Dim(d) == 1 {
		return "an " + sdk.Lattice(L, d)
	}
	return sdk.Shape(L, d)
}

// checkWritable fails early, before any sampling, if path cannot be written.
func checkWritable(path string) error {
	if !strings.HasSuffix(path, ".npz") {
		return fmt.Errorf("--out %s: the file name must end in .npz", path)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("--out %s is a directory", path)
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".rgml-write-check-*")
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("--out %s: cannot write in %s: %v", path, dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
