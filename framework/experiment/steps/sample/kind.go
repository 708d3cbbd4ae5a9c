package sample

import (
	"context"
	"math"
	"path/filepath"
	"strings"

	"github.com/rgml/rgml/framework/experiment/plan"
	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/experiment/steps/importer"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// The dataset kind as the kinds table (framework/experiment/kinds.go)
// takes it: sampled from a model (sample.go) or imported from a file
// (steps/importer).

// Plan adds the spec's datasets to the plan, each checked against its
// model's description or its file.
func Plan(ctx context.Context, b *plan.Planner) error {
	s := b.Plan.Spec
	for i := range s.Datasets {
		d := &s.Datasets[i]
		if err := b.Name(plan.KindDataset, d.Name, d.Pos("name")); err != nil {
			return err
		}
		var pl *plan.Node
		var err error
		if d.Import != "" {
			pl, err = planImport(b, s, d)
		} else {
			pl, err = PlanSample(ctx, b, d)
		}
		if err != nil {
			return err
		}
		b.Add(pl)
	}
	return nil
}

// Run makes one dataset step's entry.
func Run(ctx context.Context, env *steps.Env, p *plan.Plan, s *plan.Step, _ func(id string) string) (registry.Entry, error) {
	d := s.Item.(*spec.Dataset)
	if ds, ok := s.Resolved.(*sdk.Dataset); ok {
		r, err := importer.Import(ctx, env, importer.ImportSpec{Name: d.Name, File: importPath(p.Spec, d), L: ds.Size, States: d.States, SHA256: s.SHA256, Key: s.Key})
		return r.Entry, err
	}
	req := s.Resolved.(*sdk.SampleRequest)
	r, err := Sample(ctx, env, SampleSpec{
		Name: d.Name, Model: d.Model, Params: d.Params, L: d.L, PerPoint: d.PerPoint,
		Algorithm: req.Algorithm, Sweeps: d.Sweeps, Thermalization: d.Thermalization, Seed: d.Seed, Key: s.Key,
		Planned: plan.Planned{s.Plugin: s.SHA256},
	})
	return r.Entry, err
}

// planImport reads and checks an imported dataset's file.
func planImport(b *plan.Planner, s *spec.Spec, d *spec.Dataset) (*plan.Node, error) {
	st := &plan.Step{ID: "dataset/" + d.Name, Kind: plan.KindDataset, Name: d.Name, Item: d}
	ds, sum, err := importer.ReadStates(importPath(s, d), d.L, d.States)
	if err != nil {
		field := "import"
		if d.States != nil && strings.Contains(err.Error(), "state space") {
			field = "states"
		}
		return nil, spec.At(d.Pos(field), field, "%v", err)
	}
	st.SHA256 = sum
	st.Resolved = &ds
	labels := map[string][]float64{}
	for k, v := range ds.Labels {
		labels[k] = grid.Distinct(v)
	}
	key := map[string]any{"import_sha256": st.SHA256, "L": ds.Size}
	if d.States != nil {
		key["states"] = d.States
	}
	b.Key(st, key, nil)
	return &plan.Node{Step: st, L: ds.Size, D: ds.Dimension, Labels: labels}, nil
}

// importPath is where an imported dataset's file is: relative paths
// from the spec's folder.
func importPath(s *spec.Spec, d *spec.Dataset) string {
	if !filepath.IsAbs(d.Import) && s.File != "" {
		return filepath.Join(filepath.Dir(s.File), d.Import)
	}
	return d.Import
}

// PlanSample checks a sampled dataset against its model's description.
func PlanSample(ctx context.Context, b *plan.Planner, d *spec.Dataset) (*plan.Node, error) {
	cat := b.Cat
	st := &plan.Step{ID: "dataset/" + d.Name, Kind: plan.KindDataset, Name: d.Name, Item: d}
	desc, sha, err := cat.Model(ctx, d.Model)
	if err != nil {
		return nil, steps.CatalogErr(err, d.Pos("model"), "model")
	}
	st.Plugin, st.SHA256 = d.Model, sha
	alg, err := desc.Algorithm(d.Algorithm)
	if err != nil {
		return nil, spec.At(d.Pos("algorithm"), "algorithm", "%v", steps.SDKMsg(err))
	}
	if alg.NoThermalization && d.Thermalization != 0 {
		// Validate refuses it too, but would point at L.
		return nil, spec.At(d.Pos("thermalization"), "thermalization", "algorithm %s of model %s has no thermalisation: leave it out, or choose an algorithm that has one", alg.Name, desc.Name)
	}
	points, err := grid.Product(d.Params)
	if err != nil {
		return nil, spec.At(d.Pos("params"), "params", "%v", err)
	}
	req := sdk.SampleRequest{Size: d.L, PerPoint: d.PerPoint, Algorithm: d.Algorithm,
		Sweeps: d.Sweeps, Thermalization: d.Thermalization, Seed: d.Seed}
	for _, pt := range points {
		if _, err := sdk.ResolveParams(desc.Parameters, pt); err != nil {
			return nil, spec.At(d.Pos("params"), "params", "%v", steps.SDKMsg(err))
		}
		req.Points = append(req.Points, sdk.Params(pt))
	}
	if req, err = desc.Validate(req); err != nil {
		return nil, spec.At(d.Pos("L"), "L", "%v", steps.SDKMsg(err))
	}
	// In floating point, so that a huge L or per-point cannot overflow.
	sites := math.Pow(float64(d.L), float64(max(desc.Dimension, 1)))
	if one := float64(len(req.Points)) * sites; one > 1<<34 {
		// Even one configuration per point is too much: L is to blame.
		return nil, spec.At(d.Pos("L"), "L", "%.0f configurations of %.0f sites (one per point) are more than 16 GiB: choose a smaller L", float64(len(req.Points)), sites)
	}
	if total := float64(len(req.Points)) * float64(d.PerPoint); total*sites > 1<<34 {
		return nil, spec.At(d.Pos("per-point"), "per-point", "%.0f configurations of %.0f sites is more than 16 GiB: sample fewer", total, sites)
	}
	st.Resolved = &req
	labels := map[string][]float64{}
	for _, pt := range req.Points {
		for k, v := range pt {
			labels[k] = append(labels[k], v)
		}
	}
	for k, v := range labels {
		labels[k] = grid.Distinct(v)
	}
	pts := make([]map[string]float64, len(req.Points))
	for i, pt := range req.Points {
		pts[i] = pt
	}
	b.Key(st, map[string]any{
		"model": d.Model, "points": pts, "L": d.L, "per_point": d.PerPoint, "algorithm": req.Algorithm,
		"sweeps": d.Sweeps, "thermalization": d.Thermalization, "seed": d.Seed,
	}, nil)
	return &plan.Node{Step: st, L: d.L, D: desc.Dimension, Labels: labels, Model: d.Model}, nil
}
