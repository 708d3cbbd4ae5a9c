// Package sample is the dataset step kind: a dataset sampled from a model
// plugin on a parameter grid (Sample), or imported from a file
// (steps/importer), planned, keyed and run as the kinds table asks.
package sample

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/rgml/rgml/framework/experiment/plan"
	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/fsutil"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// SampleSpec is one sampled dataset (the flags of rgml sample).
type SampleSpec struct {
	Name           string // registered under this name
	Model          string
	Params         []grid.Axis // the parameter grid, first axis slowest
	L              int
	PerPoint       int
	Algorithm      string // "" = the model's default
	Sweeps         int
	Thermalization int
	Seed           uint64
	// Out, if set, is a plain .npz file to write the dataset to as well.
	Out string
	Key string // the step key, recorded as Lineage.Key
	// Planned, if set, holds the plugin digests the step's key was made
	// with: a launched plugin of another digest fails the step
	// (*PluginChangedError) before it does any work.
	Planned plan.Planned
}

// SampleResult is a registered dataset.
type SampleResult struct {
	Entry       registry.Entry
	Model       string
	Algorithm   string
	Points      int
	Configs     int
	L           int
	Dimension   int // of the model's lattice: a configuration has L^Dimension sites
	WallSeconds float64
	// Rate is the acceptance ratio, or for a cluster algorithm the mean
	// cluster size (Cluster); 0 if the model reported no attempts.
	Rate    float64
	Cluster bool
}

// collect has model m sample req into an assembler, showing progress and
// feeding the metrics (a cluster algorithm's accepted/attempts is its
// mean cluster size).
func collect(ctx context.Context, env *steps.Env, m *host.Model, req sdk.SampleRequest, alg sdk.Algorithm, name string, perPoint, sites int) (*Assembler, error) {
	total := len(req.Points) * perPoint
	bar := env.Tracker().Start("sampling "+name, "configurations", int64(total))
	ds := NewAssembler(len(req.Points), perPoint, sites, m.Desc.StateSpace, alg.Cluster)
	env.Metrics.SetInfo("sample", m.Name, "", env.Build.Version)
	err := m.Sample(ctx, req, func(ch sdk.SampleChunk) error {
		n, err := ds.Add(ch)
		if err != nil {
			return fmt.Errorf("plugin %q %w", m.Name, err)
		}
		bar.Add(int64(n))
		switch {
		case alg.Cluster:
			env.Metrics.SampledClusters(m.Name, n, ch.Attempts, ch.Accepted)
			if ds.attempts > 0 {
				env.Metrics.SetMeanClusterSize(m.Name, float64(ds.accepted)/float64(ds.attempts))
			}
		default:
			env.Metrics.Sampled(m.Name, n, ch.Attempts, ch.Accepted)
			if ds.attempts > 0 {
				env.Metrics.SetAcceptance(m.Name, float64(ds.accepted)/float64(ds.attempts))
			}
		}
		return nil
	})
	if err != nil {
		bar.Abort()
		return nil, err
	}
	bar.Done()
	if err := ds.Complete(); err != nil {
		return nil, fmt.Errorf("plugin %q: %w", m.Name, err)
	}
	return ds, nil
}

// maxSampleValues bounds the site values one sample holds in memory (16 GiB
// of int8).
const maxSampleValues = 1 << 34

// Version versions the host's part of a dataset: assembling a
// sample's chunks (here) and converting an imported file (steps/importer).
// Bump it when either changes what a dataset records (the kinds table, framework/experiment/kinds.go).
const Version = 1

// Sample draws configurations of a model on a parameter grid and registers
// them as a dataset (data.npz: configs N×sites int8 and one float64 label
// per parameter; the lattice size L in the lineage's parameters).
func Sample(ctx context.Context, env *steps.Env, spec SampleSpec) (SampleResult, error) {
	var res SampleResult
	points, err := grid.Product(spec.Params)
	if err != nil {
		return res, steps.Usage(err)
	}
	if spec.L < 2 {
		return res, usagef("L %d: the lattice needs L >= 2", spec.L)
	}
	if spec.PerPoint <= 0 {
		return res, usagef("per-point %d: must be a positive number of configurations", spec.PerPoint)
	}
	if spec.Sweeps < 0 || spec.Thermalization < 0 {
		return res, usagef("sweeps and thermalization must not be negative")
	}
	if err := registry.ValidateName(spec.Name); err != nil {
		return res, usagef("name: %v", err)
	}
	h, release := env.PluginHost()
	defer release()
	m, err := h.Model(ctx, spec.Model)
	if err != nil {
		return res, err
	}
	defer m.Kill()
	if err := spec.Planned.Check(spec.Model, m.SHA256); err != nil {
		return res, err
	}
	req := sdk.SampleRequest{
		Size: spec.L, PerPoint: spec.PerPoint, Algorithm: spec.Algorithm,
		Sweeps: spec.Sweeps, Thermalization: spec.Thermalization, Seed: spec.Seed,
	}
	for _, p := range points {
		req.Points = append(req.Points, sdk.Params(p))
	}
	if req, err = m.Desc.Validate(req); err != nil {
		return res, steps.Usage(fmt.Errorf("%s: %w", m.Name, err))
	}
	// The references are recorded with the dataset and drawn on every
	// figure of it: a malformed one is the plugin's failure, found before
	// any sampling.
	if err := m.Desc.CheckReferences(); err != nil {
		return res, fmt.Errorf("plugin %q: %v", m.Name, err)
	}
	// Validate checked points × per-point × sites against overflow.
	sites := m.Desc.Sites(spec.L)
	total := len(req.Points) * spec.PerPoint
	if values, _ := m.Desc.SampleValues(spec.L, len(req.Points), spec.PerPoint); values > maxSampleValues {
		return res, usagef("%d configurations of %d sites is more than 16 GiB: sample fewer", total, sites)
	}

	store, err := env.Registry()
	if err != nil {
		return res, err
	}

	alg, _ := m.Desc.Algorithm(req.Algorithm)
	start := time.Now()
	ds, err := collect(ctx, env, m, req, alg, spec.Name, spec.PerPoint, sites)
	if err != nil {
		return res, err
	}
	return registerSample(ctx, env, store, spec, m, req, alg, ds, time.Since(start))
}

// registerSample registers the sampled dataset (and writes spec.Out).
func registerSample(ctx context.Context, env *steps.Env, store *registry.Store, spec SampleSpec, m *host.Model, req sdk.SampleRequest,
	alg sdk.Algorithm, ds *Assembler, took time.Duration) (SampleResult, error) {
	var res SampleResult
	total := len(req.Points) * spec.PerPoint

	var buf bytes.Buffer
	if err := npz.Encode(&buf, ds.Arrays(req.Points)...); err != nil {
		return res, err
	}
	lineage := registry.Lineage{
		Plugin:     &registry.PluginRef{Name: m.Desc.Name, Version: m.Desc.Version, SHA256: m.SHA256},
		Host:       env.HostRef(),
		Algorithm:  req.Algorithm,
		Seed:       req.Seed,
		Parameters: gridParameters(spec.L, spec.Params, req.Points),
		Samples:    int64(total),
		PerPoint:   int64(spec.PerPoint),
		Key:        spec.Key,
		Extra: map[string]any{
			"sweeps": req.Sweeps, "thermalization": req.Thermalization, "wall_seconds": took.Seconds(),
			steps.LatticeShapeKey: steps.LatticeShape(spec.L, m.Desc.Dimension),
		},
	}
	if refs := steps.RecordReferences(m.Desc.References); refs != nil {
		lineage.Extra[steps.ReferencesKey] = refs
	}
	lineage.Extra[steps.StateSpaceKey] = m.Desc.StateSpace
	if m.Desc.Lattice != "" {
		lineage.Extra[steps.LatticeKey] = m.Desc.Lattice
	}
	if alg.Cluster {
		lineage.Extra["clusters"], lineage.Extra["cluster_spins"] = ds.attempts, ds.accepted
	} else {
		lineage.Extra["attempts"], lineage.Extra["accepted"] = ds.attempts, ds.accepted
	}
	entry, err := store.Put(ctx, registry.Dataset, spec.Name, []registry.File{{Name: "data.npz", Data: buf.Bytes()}}, lineage)
	if err != nil {
		return res, fmt.Errorf("registering the dataset: %w", err)
	}
	res = SampleResult{Entry: entry, Model: m.Name, Algorithm: req.Algorithm, Points: len(req.Points), Configs: total,
		L: spec.L, Dimension: m.Desc.Dimension, WallSeconds: took.Seconds(), Cluster: alg.Cluster}
	if ds.attempts > 0 {
		res.Rate = float64(ds.accepted) / float64(ds.attempts)
	}
	if spec.Out != "" {
		err := fsutil.WriteFileAtomic(spec.Out, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err })
		if err != nil {
			return res, steps.RegisteredBut(entry, "writing "+spec.Out, err)
		}
	}
	return res, nil
}

// gridParameters records the parameter grid for the lineage: L (the
// lattice size every reader of the dataset uses), and per parameter its
// values (a single value as a number).
func gridParameters(L int, axes []grid.Axis, points []sdk.Params) map[string]any {
	out := map[string]any{"L": L}
	given := map[string]bool{}
	for _, a := range axes {
		given[a.Name] = true
		if len(a.Values) == 1 {
			out[a.Name] = plan.JSONSafe(a.Values[0])
		} else {
			out[a.Name] = plan.JSONSafe(a.Values)
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

// Assembler places the chunks a model streams into one N×sites array,
// point-major, and checks that every configuration arrives exactly once,
// every value in the model's state space, with counts that can be true.
type Assembler struct {
	configs            []int8
	got                []int
	seen               []bool
	perPoint, sites    int
	attempts, accepted int64
	states             []int8
	allowed            *[256]bool // nil: any value (no declared state space)
	cluster            bool
}

// NewAssembler expects points × perPoint configurations of sites values,
// each in states (any value for none), from a cluster algorithm or not.
func NewAssembler(points, perPoint, sites int, states []int8, cluster bool) *Assembler {
	a := &Assembler{
		configs:  make([]int8, points*perPoint*sites),
		got:      make([]int, points),
		seen:     make([]bool, points*perPoint),
		perPoint: perPoint, sites: sites,
		states: states, cluster: cluster,
	}
	if len(states) > 0 {
		a.allowed = new([256]bool)
		for _, s := range states {
			a.allowed[uint8(s)] = true
		}
	}
	return a
}

// Add places one chunk, returning how many configurations it held. Its
// errors say what the plugin sent, to follow the plugin's name.
func (a *Assembler) Add(ch sdk.SampleChunk) (int, error) {
	if len(ch.Configs)%a.sites != 0 {
		return 0, fmt.Errorf("sent %d values, not a whole number of %d-site configurations", len(ch.Configs), a.sites)
	}
	n := ch.Count(a.sites)
	if ch.Point < 0 || ch.Point >= len(a.got) || ch.First < 0 || ch.First+n > a.perPoint {
		return 0, fmt.Errorf("sent configurations %d..%d of point %d, outside the request", ch.First, ch.First+n, ch.Point)
	}
	if err := a.checkCounts(ch); err != nil {
		return 0, err
	}
	if a.allowed != nil {
		for i, v := range ch.Configs {
			if !a.allowed[uint8(v)] {
				return 0, fmt.Errorf("sent configuration %d of point %d, site %d: value %d is not in the state space %v it declares",
					ch.First+i/a.sites, ch.Point, i%a.sites, v, a.states)
			}
		}
	}
	first := ch.Point*a.perPoint + ch.First
	for i := first; i < first+n; i++ {
		if a.seen[i] {
			return 0, fmt.Errorf("sent configuration %d of point %d twice", i-ch.Point*a.perPoint, ch.Point)
		}
		a.seen[i] = true
	}
	copy(a.configs[first*a.sites:], ch.Configs)
	a.got[ch.Point] += n
	a.attempts += ch.Attempts
	a.accepted += ch.Accepted
	return n, nil
}

// checkCounts refuses a chunk's move counts that cannot be: they are
// recorded with the dataset as its acceptance ratio (or mean cluster
// size) and feed counters that only grow. More accepted than attempted
// is not refused: a hybrid algorithm (Blume-Capel's, not marked Cluster)
// counts the spins its clusters flipped among the accepted moves.
func (a *Assembler) checkCounts(ch sdk.SampleChunk) error {
	what := [2]string{"moves attempted", "accepted"}
	if a.cluster {
		what = [2]string{"clusters", "cluster spins"}
	}
	switch {
	case ch.Attempts < 0 || ch.Accepted < 0:
		return fmt.Errorf("sent %d %s and %d %s for point %d: counts cannot be negative", ch.Attempts, what[0], ch.Accepted, what[1], ch.Point)
	case ch.Attempts > math.MaxInt64-a.attempts || ch.Accepted > math.MaxInt64-a.accepted:
		return fmt.Errorf("sent %d %s and %d %s for point %d: the totals overflow int64", ch.Attempts, what[0], ch.Accepted, what[1], ch.Point)
	}
	return nil
}

// Arrays are a complete sample's data.npz: the configurations and, per
// parameter, its value for each of them.
func (a *Assembler) Arrays(points []sdk.Params) []npz.Array {
	total := len(a.seen)
	arrays := []npz.Array{npz.Int8("configs", a.configs, total, a.sites)}
	for _, name := range points[0].Names() {
		col := make([]float64, total)
		for i, p := range points {
			for j := 0; j < a.perPoint; j++ {
				col[i*a.perPoint+j] = p[name]
			}
		}
		arrays = append(arrays, npz.Float64(name, col, total))
	}
	return arrays
}

// Complete says whether every configuration arrived.
func (a *Assembler) Complete() error {
	for p, n := range a.got {
		if n != a.perPoint {
			return fmt.Errorf("point %d: received %d configurations, requested %d", p, n, a.perPoint)
		}
	}
	return nil
}

// usagef is spec.Usagef, whose package name the functions above give to
// their SampleSpec.
func usagef(format string, args ...any) error { return spec.Usagef(format, args...) }
