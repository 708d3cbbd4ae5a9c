package flow

import (
	"context"

	"github.com/rgml/rgml/framework/experiment/plan"
	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/experiment/steps/stepdata"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// The flow kind (flow.go).

// Plan adds the spec's flows to the plan, each checked against the
// trainings and datasets it reads.
func Plan(_ context.Context, b *plan.Planner) error {
	for i := range b.Plan.Spec.Flows {
		f := &b.Plan.Spec.Flows[i]
		if err := b.Name(plan.KindFlow, f.Name, f.Pos("name")); err != nil {
			return err
		}
		pl, err := PlanFlow(b, f)
		if err != nil {
			return err
		}
		b.Add(pl)
	}
	return nil
}

// Run makes one flow step's entry.
func Run(ctx context.Context, env *steps.Env, p *plan.Plan, s *plan.Step, input func(id string) string) (registry.Entry, error) {
	f := s.Item.(*spec.Flow)
	// The flow's key names both learners' binaries: the RBM's as its
	// plugin, the thermometer's through its training's key.
	planned := plan.Planned{}
	for _, name := range []string{f.RBM, f.Thermometer} {
		if t, ok := p.Input("training/" + name); ok {
			planned[t.Plugin] = t.SHA256
		}
	}
	r, err := Flow(ctx, env, FlowSpec{
		Name: f.Name, RBM: input("training/" + f.RBM), Thermometer: input("training/" + f.Thermometer),
		From: input("dataset/" + f.From), Where: stepdata.FormatWhere(f.Where), Iterations: f.Iterations,
		Seed: f.Seed, SaveConfigs: f.SaveConfigs, Key: s.Key, Planned: planned,
	})
	return r.Entry, err
}

// PlanFlow checks and keys one flow.
func PlanFlow(b *plan.Planner, f *spec.Flow) (*plan.Node, error) {
	st := &plan.Step{ID: "flow/" + f.Name, Kind: plan.KindFlow, Name: f.Name, Item: f}
	ref := func(field, name, op string) (*plan.Node, error) {
		t, err := b.Ref(plan.KindTraining, name, f, field)
		if err != nil {
			return nil, err
		}
		if _, err := t.Learner.Operation(op); err != nil {
			return nil, spec.At(f.Pos(field), field, "training %s (learner %s) cannot %s: %v", name, t.Learner.Name, op, steps.SDKMsg(err))
		}
		return t, nil
	}
	rbm, err := ref("rbm", f.RBM, "flow")
	if err != nil {
		return nil, err
	}
	th, err := ref("thermometer", f.Thermometer, "predict")
	if err != nil {
		return nil, err
	}
	from, err := b.Ref(plan.KindDataset, f.From, f, "from")
	if err != nil {
		return nil, err
	}
	if err := plan.CheckWhere(f.Where, from, f.Pos, f.From); err != nil {
		return nil, err
	}
	if from.L != rbm.L || from.L != th.L || sdk.Dim(from.D) != sdk.Dim(rbm.D) || sdk.Dim(from.D) != sdk.Dim(th.D) {
		return nil, spec.At(f.Pos("from"), "from", "%s is %s, but %s was trained on %s and %s on %s",
			f.From, sdk.Shape(from.L, from.D), f.RBM, sdk.Shape(rbm.L, rbm.D), f.Thermometer, sdk.Shape(th.L, th.D))
	}
	st.Plugin, st.SHA256 = rbm.Learner.Name, rbm.Step.SHA256
	key := map[string]any{"where": plan.WhereKey(f.Where), "iterations": f.Iterations, "seed": f.Seed, "save_configs": f.SaveConfigs}
	// A two-label read-out has the starting dataset's model measure the
	// flowed configurations (observe.go): its binary is part of the key.
	model, err := b.ModelKey(from.Model, f, "from")
	if err != nil {
		return nil, err
	}
	if model != nil {
		key["model"] = model
	}
	b.Key(st, key, map[string]*plan.Step{"rbm": rbm.Step, "thermometer": th.Step, "from": from.Step})
	return &plan.Node{Step: st, L: from.L, D: from.D, Save: f.SaveConfigs, Model: from.Model}, nil
}
