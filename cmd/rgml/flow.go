package main

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

func flowCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "flow",
		Usage: "run the RBM flow from a set of configurations and measure its temperature",
		Description: "Example (Fig. 6 of the paper: the flow from T = 0):\n" +
			"  rgml flow --rbm rbm-v64 --thermometer thermo --from paper-test --where T=0 \\\n" +
			"      --iterations 0,1,2,5,10,100,1000 --out flow.npz\n\n" +
			"Each iteration is v → h → v with ±1 sampling (eqs. 29–30); the thermometer\n" +
			"turns the configurations after each iteration count into a distribution\n" +
			"over its classes (temperatures), printed as its mean and mode.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "rbm", Usage: "trained RBM (registry reference)", Required: true},
			&cli.StringFlag{Name: "thermometer", Usage: "trained thermometer (registry reference)", Required: true},
			&cli.StringFlag{Name: "from", Usage: "dataset of initial configurations (registry reference)", Required: true},
			&cli.StringSliceFlag{Name: "where", Usage: "start only from configurations whose label matches NAME=SPEC, e.g. T=0"},
			&cli.StringFlag{Name: "iterations", Usage: "iteration counts to measure, comma-separated", Value: "0,1,2,5,10,20,50,100,200,500,1000"},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed of the flow's sampling", Value: 1},
			&cli.StringFlag{Name: "out", Usage: "write iterations, T_mean, T_mode, classes, distribution to this .npz"},
			&cli.BoolFlag{Name: "save-configs", Usage: "with --out: also save the flowed configurations (iterations × N × sites, int8)"},
		},
		Action: func(c *cli.Context) error { return flowAction(c, e) },
	}
}

func parseIterations(s string) ([]int64, error) {
	var its []int64
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil || n < 0 {
			return nil, usagef("--iterations %q: want non-negative integers separated by commas, e.g. 0,1,10,100", s)
		}
		if len(its) > 0 && n <= its[len(its)-1] {
			return nil, usagef("--iterations %q: counts must increase", s)
		}
		its = append(its, n)
	}
	return its, nil
}

// loadWeights reads a registered model's weights.npz.
func loadWeights(s *registry.Store, ref string) ([]sdk.Tensor, registry.Entry, error) {
	en, err := s.Resolve(registry.Model, ref)
	if err != nil {
		return nil, en, refError(err)
	}
	ts, err := readNPZ(s, en, "weights.npz")
	return ts, en, err
}

// learnerOf returns the learner plugin name recorded in a model's lineage.
func learnerOf(s *registry.Store, en registry.Entry) (string, error) {
	m, err := s.Manifest(en)
	if err != nil {
		return "", err
	}
	if m.Lineage.Plugin == nil {
		return "", fmt.Errorf("%s records no learner plugin", en)
	}
	return m.Lineage.Plugin.Name, nil
}

func flowAction(c *cli.Context, e *env) error {
	its, err := parseIterations(c.String("iterations"))
	if err != nil {
		return err
	}
	out := c.String("out")
	if out == "" && c.Bool("save-configs") {
		return usagef("flow: --save-configs saves into the --out file: give --out FILE.npz too")
	}
	if out != "" {
		if err := checkWritable(out); err != nil {
			return usageError{err}
		}
	}
	store, err := e.openRegistryRead(c)
	if err != nil {
		return err
	}
	defer store.Close()
	rbmW, rbmEntry, err := loadWeights(store, c.String("rbm"))
	if err != nil {
		return err
	}
	thW, thEntry, err := loadWeights(store, c.String("thermometer"))
	if err != nil {
		return err
	}
	data, _, err := loadDataset(store, c.String("from"))
	if err != nil {
		return err
	}
	if data, err = filterDataset(data, c.StringSlice("where")); err != nil {
		return err
	}
	rbmName, err := learnerOf(store, rbmEntry)
	if err != nil {
		return err
	}
	thName, err := learnerOf(store, thEntry)
	if err != nil {
		return err
	}

	h := e.newHost(c)
	defer h.Close()
	rbm, err := h.Learner(c.Context, rbmName)
	if err != nil {
		return err
	}
	th, err := h.Learner(c.Context, thName)
	if err != nil {
		return err
	}
	n, sites := data.Len(), data.Sites()
	flowReq := sdk.ApplyRequest{
		Operation: "flow", Seed: c.Uint64("seed"), Size: data.Size, Weights: rbmW,
		Inputs: []sdk.Tensor{
			{Name: "configs", Shape: []int{n, sites}, Data: data.Configs},
			{Name: "iterations", Shape: []int{len(its)}, Data: its},
		},
	}
	if flowReq, err = rbm.Desc.ValidateApply(flowReq); err != nil {
		return usageError{fmt.Errorf("%s: %w", rbmEntry, err)}
	}
	flowed, err := rbm.Apply(c.Context, flowReq)
	if err != nil {
		return err
	}
	fc, ok := sdk.FindTensor(flowed, "configs")
	fconfigs, isInt8 := fc.Data.([]int8)
	if !ok || !isInt8 || len(fconfigs) != len(its)*n*sites {
		return fmt.Errorf("plugin %q: flow returned no int8 configs of shape %d×%d×%d", rbmName, len(its), n, sites)
	}

	var classes []float64
	dist := make([]float64, 0)
	tMean := make([]float64, len(its))
	tMode := make([]float64, len(its))
	for k := range its {
		pr := sdk.ApplyRequest{Operation: "predict", Size: data.Size, Weights: thW,
			Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{n, sites}, Data: fconfigs[k*n*sites : (k+1)*n*sites]}}}
		if pr, err = th.Desc.ValidateApply(pr); err != nil {
			return usageError{fmt.Errorf("%s: %w", thEntry, err)}
		}
		res, err := th.Apply(c.Context, pr)
		if err != nil {
			return err
		}
		d, ok1 := sdk.FindTensor(res, "distribution")
		cl, ok2 := sdk.FindTensor(res, "classes")
		dv, ok3 := d.Data.([]float64)
		cv, ok4 := cl.Data.([]float64)
		if !ok1 || !ok2 || !ok3 || !ok4 || len(dv) != len(cv) || len(cv) == 0 {
			return fmt.Errorf("plugin %q: predict returned no float64 distribution and classes", thName)
		}
		classes = cv
		dist = append(dist, dv...)
		best := 0
		for i, p := range dv {
			tMean[k] += p * cv[i]
			if p > dv[best] {
				best = i
			}
		}
		tMode[k] = cv[best]
	}

	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "ITERATION\tT_MEAN\tT_MODE\tDISTRIBUTION (%g … %g)\n", classes[0], classes[len(classes)-1])
	for k, it := range its {
		fmt.Fprintf(tw, "%d\t%.3f\t%g\t%s\n", it, tMean[k], tMode[k], sparkline(dist[k*len(classes):(k+1)*len(classes)]))
	}
	tw.Flush()
	if out == "" {
		return nil
	}
	arrays := []npz.Array{
		{Name: "iterations", Shape: []int{len(its)}, Data: its},
		npz.Float64("T_mean", tMean, len(its)),
		npz.Float64("T_mode", tMode, len(its)),
		npz.Float64("classes", classes, len(classes)),
		npz.Float64("distribution", dist, len(its), len(classes)),
	}
	if c.Bool("save-configs") {
		arrays = append(arrays, npz.Int8("configs", fconfigs, len(its), n, sites))
	}
	if err := npz.WriteFile(out, arrays...); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	fmt.Fprintf(e.stdout, "wrote %s\n", out)
	return nil
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
