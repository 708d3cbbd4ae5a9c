package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/fsutil"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/progress"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

func sampleCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "sample",
		Usage: "draw configurations of a model on a grid of parameters and write them as .npz",
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
			&cli.StringFlag{Name: "algorithm", Usage: "sampling algorithm (default: the model's; see `rgml plugins describe MODEL`)", Category: "Sampling"},
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

// maxSampleValues bounds the site values one sample holds in memory (16 GiB
// of int8).
const maxSampleValues = 1 << 34

func sample(c *cli.Context, e *env) error {
	if c.NArg() > 0 {
		return usagef("sample takes no arguments (got %q): parameters go in --param NAME=SPEC", c.Args().First())
	}
	var axes []grid.Axis
	for _, spec := range c.StringSlice("param") {
		a, err := grid.Parse(spec)
		if err != nil {
			return usageError{err}
		}
		axes = append(axes, a)
	}
	points, err := grid.Product(axes)
	if err != nil {
		return usageError{err}
	}
	L, perPoint := c.Int("L"), c.Int("per-point")
	if L < 2 {
		return usagef("--L %d: the lattice needs L >= 2", L)
	}
	if perPoint <= 0 {
		return usagef("--per-point %d: must be a positive number of configurations", perPoint)
	}
	if c.Int("sweeps") < 0 || c.Int("thermalization") < 0 {
		return usagef("--sweeps and --thermalization must not be negative")
	}
	out := c.String("out")
	if out != "" {
		if err := checkWritable(out); err != nil {
			return usageError{err}
		}
	}
	name := c.String("name")
	if name == "" {
		name = c.String("model")
	}
	if err := registry.ValidateName(name); err != nil {
		return usageError{fmt.Errorf("--name: %w", err)}
	}

	h := e.newHost(c)
	defer h.Close()
	m, err := h.Model(c.Context, c.String("model"))
	if err != nil {
		return err
	}
	req := sdk.SampleRequest{
		Size: L, PerPoint: perPoint, Algorithm: c.String("algorithm"),
		Sweeps: c.Int("sweeps"), Thermalization: c.Int("thermalization"), Seed: c.Uint64("seed"),
	}
	for _, p := range points {
		req.Points = append(req.Points, sdk.Params(p))
	}
	if req, err = m.Desc.Validate(req); err != nil {
		return usageError{fmt.Errorf("%s: %w", m.Name, err)}
	}
	// Validate checked points × per-point × sites against overflow.
	sites := m.Desc.Sites(L)
	total := len(req.Points) * perPoint
	if values, _ := m.Desc.SampleValues(L, len(req.Points), perPoint); values > maxSampleValues {
		return usagef("%d configurations of %d sites is more than 16 GiB: sample fewer", total, sites)
	}
	// Opened only now, so that a mistake on the command line writes nothing.
	store, err := e.openRegistry(c)
	if err != nil {
		return err
	}
	defer store.Close()

	// A cluster algorithm's accepted/attempts is its mean cluster size.
	alg, _ := m.Desc.Algorithm(req.Algorithm)
	elapsed := startTimer()
	bar := progress.New(e.stderr, "sampling "+m.Name, "configurations", int64(total), 0)
	ds := newAssembler(len(req.Points), perPoint, sites)
	e.metrics.SetInfo("sample", m.Name, "", version)
	err = m.Sample(c.Context, req, func(ch sdk.SampleChunk) error {
		n, err := ds.add(ch)
		bar.Add(int64(n))
		switch {
		case alg.Cluster:
			e.metrics.SampledClusters(m.Name, n, ch.Attempts, ch.Accepted)
			if ds.attempts > 0 {
				e.metrics.SetMeanClusterSize(m.Name, float64(ds.accepted)/float64(ds.attempts))
			}
		default:
			e.metrics.Sampled(m.Name, n, ch.Attempts, ch.Accepted)
			if ds.attempts > 0 {
				e.metrics.SetAcceptance(m.Name, float64(ds.accepted)/float64(ds.attempts))
			}
		}
		return err
	})
	if err != nil {
		bar.Abort()
		return err
	}
	bar.Done()
	if err := ds.complete(); err != nil {
		return fmt.Errorf("plugin %q: %w", m.Name, err)
	}
	took := elapsed()

	arrays := []npz.Array{npz.Int8("configs", ds.configs, total, sites)}
	for _, name := range req.Points[0].Names() {
		col := make([]float64, total)
		for i, p := range req.Points {
			for j := 0; j < perPoint; j++ {
				col[i*perPoint+j] = p[name]
			}
		}
		arrays = append(arrays, npz.Float64(name, col, total))
	}
	var buf bytes.Buffer
	if err := npz.Encode(&buf, arrays...); err != nil {
		return err
	}
	lineage := registry.Lineage{
		Plugin:     &registry.PluginRef{Name: m.Desc.Name, Version: m.Desc.Version, SHA256: m.SHA256},
		Host:       hostRef(),
		Algorithm:  req.Algorithm,
		Seed:       req.Seed,
		Parameters: gridParameters(L, axes, req.Points),
		Samples:    int64(total),
		PerPoint:   int64(perPoint),
		Extra: map[string]any{
			"sweeps": req.Sweeps, "thermalization": req.Thermalization, "wall_seconds": took.Seconds(),
		},
	}
	if alg.Cluster {
		lineage.Extra["clusters"], lineage.Extra["cluster_spins"] = ds.attempts, ds.accepted
	} else {
		lineage.Extra["attempts"], lineage.Extra["accepted"] = ds.attempts, ds.accepted
	}
	entry, err := store.Put(c.Context, registry.Dataset, name, []registry.File{{Name: "data.npz", Data: buf.Bytes()}}, lineage)
	if err != nil {
		return fmt.Errorf("registering the dataset: %w", err)
	}
	if out != "" {
		err := fsutil.WriteFileAtomic(out, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err })
		if err != nil {
			return registeredBut(entry, "writing "+out, err)
		}
	}
	acc := ""
	if ds.attempts > 0 {
		what := "acceptance"
		if alg.Cluster {
			what = "mean cluster size"
		}
		acc = fmt.Sprintf(", %s %.3f", what, float64(ds.accepted)/float64(ds.attempts))
	}
	fmt.Fprintf(e.stdout, "registered %s: %d configurations of %d×%d (%s, %s) at %d point(s) in %.2fs%s\n",
		entry, total, L, L, m.Name, req.Algorithm, len(req.Points), took.Seconds(), acc)
	if out != "" {
		fmt.Fprintf(e.stdout, "wrote %s\n", out)
	}
	return nil
}

// gridParameters records the parameter grid for the lineage: L, and per
// parameter its values (a single value as a number).
func gridParameters(L int, axes []grid.Axis, points []sdk.Params) map[string]any {
	out := map[string]any{"L": L}
	given := map[string]bool{}
	for _, a := range axes {
		given[a.Name] = true
		vs := make([]any, len(a.Values))
		for i, v := range a.Values {
			vs[i] = v
			if math.IsInf(v, 1) {
				vs[i] = "inf" // T = inf; JSON has no infinity
			}
		}
		if len(vs) == 1 {
			out[a.Name] = vs[0]
		} else {
			out[a.Name] = vs
		}
	}
	// Parameters left at their defaults.
	for name, v := range points[0] {
		if !given[name] {
			out[name] = v
		}
	}
	return out
}

// hostRef identifies this rgml build in lineage records.
func hostRef() *registry.HostRef {
	h, _ := os.Hostname()
	return &registry.HostRef{Version: version, Commit: commit, Machine: h}
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

// assembler places the chunks a model streams into one N×sites array,
// point-major, and checks that every configuration arrives exactly once.
type assembler struct {
	configs            []int8
	got                []int
	seen               []bool
	perPoint, sites    int
	attempts, accepted int64
}

func newAssembler(points, perPoint, sites int) *assembler {
	return &assembler{
		configs:  make([]int8, points*perPoint*sites),
		got:      make([]int, points),
		seen:     make([]bool, points*perPoint),
		perPoint: perPoint, sites: sites,
	}
}

func (a *assembler) add(ch sdk.SampleChunk) (int, error) {
	if len(ch.Configs)%a.sites != 0 {
		return 0, fmt.Errorf("plugin sent %d values, not a whole number of %d-site configurations", len(ch.Configs), a.sites)
	}
	n := ch.Count(a.sites)
	if ch.Point < 0 || ch.Point >= len(a.got) || ch.First < 0 || ch.First+n > a.perPoint {
		return 0, fmt.Errorf("plugin sent configurations %d..%d of point %d, outside the request", ch.First, ch.First+n, ch.Point)
	}
	first := ch.Point*a.perPoint + ch.First
	for i := first; i < first+n; i++ {
		if a.seen[i] {
			return 0, fmt.Errorf("plugin sent configuration %d of point %d twice", i-ch.Point*a.perPoint, ch.Point)
		}
		a.seen[i] = true
	}
	copy(a.configs[first*a.sites:], ch.Configs)
	a.got[ch.Point] += n
	a.attempts += ch.Attempts
	a.accepted += ch.Accepted
	return n, nil
}

func (a *assembler) complete() error {
	for p, n := range a.got {
		if n != a.perPoint {
			return fmt.Errorf("point %d: received %d configurations, requested %d", p, n, a.perPoint)
		}
	}
	return nil
}
