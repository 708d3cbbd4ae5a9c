package train

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/rgml/rgml/framework/experiment/plan"
	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/experiment/steps/stepdata"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// The training kind (train.go).

// Plan adds the spec's trainings to the plan, each checked against its
// learner's description and the datasets it reads.
func Plan(ctx context.Context, b *plan.Planner) error {
	for i := range b.Plan.Spec.Trainings {
		t := &b.Plan.Spec.Trainings[i]
		if err := b.Name(plan.KindTraining, t.Name, t.Pos("name")); err != nil {
			return err
		}
		pl, err := PlanTraining(ctx, b, t)
		if err != nil {
			return err
		}
		b.Add(pl)
	}
	return nil
}

// Run makes one training step's entry.
func Run(ctx context.Context, env *steps.Env, _ *plan.Plan, s *plan.Step, input func(id string) string) (registry.Entry, error) {
	t := s.Item.(*spec.Training)
	req := TrainSpec{
		Name: t.Name, Learner: t.Learner, Data: input("dataset/" + t.Data), Where: stepdata.FormatWhere(t.Where),
		Label: t.Label, Hyper: t.Set, Seed: t.Seed, CheckpointEvery: t.CheckpointEvery,
		Resume: ResumeIfAny, Key: s.Key, Planned: plan.Planned{s.Plugin: s.SHA256},
	}
	if t.Test != "" {
		req.Test = input("dataset/" + t.Test)
	}
	r, err := Train(ctx, env, req)
	return r.Entry, err
}

// PlanTraining checks and keys one training.
func PlanTraining(ctx context.Context, b *plan.Planner, t *spec.Training) (*plan.Node, error) {
	st := &plan.Step{ID: "training/" + t.Name, Kind: plan.KindTraining, Name: t.Name, Item: t, Plugin: t.Learner}
	cat := b.Cat
	desc, sha, err := cat.Learner(ctx, t.Learner)
	if err != nil {
		return nil, steps.CatalogErr(err, t.Pos("learner"), "learner")
	}
	st.SHA256 = sha
	known := map[string]sdk.ParamSpec{}
	for _, h := range desc.Hyperparameters {
		known[h.Name] = h
	}
	for _, name := range t.Set.Names() {
		h, ok := known[name]
		if !ok {
			return nil, spec.At(t.Pos("set."+name), "set."+name, "learner %s has no hyper-parameter %q (known: %s)", t.Learner, name, strings.Join(sortedKeys(known), ", "))
		}
		if err := h.Check(t.Set[name]); err != nil {
			return nil, spec.At(t.Pos("set."+name), "set."+name, "%v", steps.SDKMsg(err))
		}
	}
	hyper, err := sdk.ResolveParams(desc.Hyperparameters, t.Set)
	if err != nil {
		return nil, spec.At(t.Pos("set"), "set", "%v", steps.SDKMsg(err))
	}
	data, err := b.Ref(plan.KindDataset, t.Data, t, "data")
	if err != nil {
		return nil, err
	}
	if err := plan.CheckWhere(t.Where, data, t.Pos, t.Data); err != nil {
		return nil, err
	}
	inputs := map[string]*plan.Step{"data": data.Step}
	var test *plan.Node
	if t.Test != "" {
		if test, err = b.Ref(plan.KindDataset, t.Test, t, "test"); err != nil {
			return nil, err
		}
		if test.L != data.L || sdk.Dim(test.D) != sdk.Dim(data.D) {
			return nil, spec.At(t.Pos("test"), "test", "%s is %s, the training data %s is %s", t.Test, sdk.Shape(test.L, test.D), t.Data, sdk.Shape(data.L, data.D))
		}
		inputs["test"] = test.Step
	}
	label, err := trainingLabel(t, desc, data, test)
	if err != nil {
		return nil, err
	}
	spec := map[string]any{"learner": t.Learner, "hyper": map[string]float64(hyper), "seed": t.Seed, "where": plan.WhereKey(t.Where)}
	if label != "" {
		spec["label"] = label
	}
	b.Key(st, spec, inputs)
	t.Set = hyper
	t.Label = label
	return &plan.Node{Step: st, Learner: desc, L: data.L, D: data.D}, nil
}

// trainingLabel is the label a training learns ("" for an unsupervised
// learner): the spec's, or the data's one label of several values
// (selectedLabels, groupLabel); each part of it a label of the data.
func trainingLabel(t *spec.Training, desc sdk.LearnerDescription, data, test *plan.Node) (string, error) {
	if !desc.NeedsLabel {
		if t.Given("label") {
			return "", spec.At(t.Pos("label"), "label", "learner %s is not supervised: it learns no label", t.Learner)
		}
		return "", nil
	}
	label := t.Label
	if label == "" && data.Labels != nil {
		if label = stepdata.GroupLabel(selectedLabels(data.Labels, t.Where)); label == "" {
			return "", spec.At(t.Pos(""), "label", "learner %s learns a label, and dataset %s varies in %s, not in one label: say which with label",
				t.Learner, t.Data, orNone(stepdata.VaryingLabels(selectedLabels(data.Labels, t.Where))))
		}
	}
	// "T,Delta": a joint label, each part a label of the data.
	for _, part := range strings.Split(label, ",") {
		if data.Labels != nil {
			if _, ok := data.Labels[part]; !ok {
				return "", spec.At(t.Pos("label"), "label", "learner %s learns a label, and dataset %s has no label %q (it has: %s)", t.Learner, t.Data, part, strings.Join(sortedKeys(data.Labels), ", "))
			}
		}
		if test != nil && test.Labels != nil {
			if _, has := test.Labels[part]; !has {
				return "", spec.At(t.Pos("test"), "test", "learner %s learns label %q, and the test set %s has no such label", t.Learner, part, t.Test)
			}
		}
	}
	return label, nil
}

// selectedLabels are a dataset's labels' values (distinct) as a
// selection leaves them.
func selectedLabels(labels map[string][]float64, where []grid.Axis) map[string][]float64 {
	out := maps.Clone(labels)
	for _, a := range where {
		if vs, ok := out[a.Name]; ok {
			out[a.Name] = slices.DeleteFunc(slices.Clone(vs), func(v float64) bool { return !slices.Contains(a.Values, v) })
		}
	}
	return out
}

// orNone lists names, or says there are none.
func orNone(names []string) string {
	if len(names) == 0 {
		return "no label"
	}
	return strings.Join(names, ", ")
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
