package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/progress"
	"github.com/rgml/rgml/registry"
)

func sampleCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "sample",
		Usage: "draw configurations of a model on a grid of parameters and register them (--out: also as .npz)",
		Description: "Example (the paper's training set):\n" +
			"  rgml sample --model ising --param T=0:6:0.25 --per-point 1000 --L 10 \\\n" +
			"      --algorithm metropolis-paper --seed 1 --out train.npz\n\n" +
			"--param NAME=SPEC takes a value, an inclusive range START:STOP:STEP or a\n" +
			"list V1,V2,…; several --param flags make the grid of all combinations.\n" +
			"The .npz holds configs (int8, N×L², site (x,y) at index x*L+y) and one\n" +
			"float64 array per model parameter, one value per configuration.",
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
		},
		Action: func(c *cli.Context) error { return sample(c, e) },
	}
}

func sample(c *cli.Context, e *env) error {
	if c.NArg() > 0 {
		return usagef("sample takes no arguments (got %q): parameters go in --param NAME=SPEC", c.Args().First())
	}
	spec := experiment.SampleSpec{
		Name: c.String("name"), Model: c.String("model"), L: c.Int("L"), PerPoint: c.Int("per-point"),
		Algorithm: c.String("algorithm"), Sweeps: c.Int("sweeps"), Thermalization: c.Int("thermalization"),
		Seed: c.Uint64("seed"), Out: c.String("out"),
	}
	for _, p := range c.StringSlice("param") {
		a, err := grid.Parse(p)
		if err != nil {
			return usageError{err}
		}
		spec.Params = append(spec.Params, a)
	}
	if spec.L < 2 {
		return usagef("--L %d: the lattice needs L >= 2", spec.L)
	}
	if spec.PerPoint <= 0 {
		return usagef("--per-point %d: must be a positive number of configurations", spec.PerPoint)
	}
	if spec.Sweeps < 0 || spec.Thermalization < 0 {
		return usagef("--sweeps and --thermalization must not be negative")
	}
	if spec.Name == "" {
		spec.Name = spec.Model
	}
	if err := registry.ValidateName(spec.Name); err != nil {
		return usageError{fmt.Errorf("--name: %w", err)}
	}
	if spec.Out != "" {
		if err := checkWritable(spec.Out); err != nil {
			return usageError{err}
		}
	}
	en, closeEnv := e.stepEnv(c, createStore)
	defer closeEnv()
	r, err := experiment.Sample(c.Context, en, spec)
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
	fmt.Fprintf(e.stdout, "registered %s: %d configurations of %d×%d (%s, %s) at %d point(s) in %.2fs%s\n",
		r.Entry, r.Configs, r.L, r.L, r.Model, r.Algorithm, r.Points, r.WallSeconds, acc)
	if spec.Out != "" {
		fmt.Fprintf(e.stdout, "wrote %s\n", spec.Out)
	}
	return nil
}

// storeMode is how a command opens the registry.
type storeMode int

const (
	createStore   storeMode = iota // writes; creates a missing registry (sample, train, import, run)
	existingStore                  // writes to an existing registry only (flow: its inputs are there)
	readStore                      // reads only (run --dry-run)
)

// stepEnv is the experiment.Env of a command: its host, a registry opened
// when the step first needs it, one progress bar on stderr. The returned
// function closes what was opened.
func (e *env) stepEnv(c *cli.Context, mode storeMode) (*experiment.Env, func()) {
	h := e.newHost(c)
	en := &experiment.Env{
		Host: h, Metrics: e.metrics, Progress: progress.Single{W: e.progressOut()},
		Build:  experiment.BuildInfo{Version: version, Commit: commit},
		Stdout: e.stdout, Stderr: e.stderr, Logger: e.logger,
	}
	en.OpenStore = func() (*registry.Store, error) {
		switch mode {
		case createStore:
			return e.openRegistry(c)
		case existingStore:
			return e.openRegistryExisting(c)
		}
		return e.openRegistryRead(c)
	}
	return en, func() {
		h.Close()
		if en.Store != nil {
			en.Store.Close()
		}
	}
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
