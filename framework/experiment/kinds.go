package experiment

import (
	"context"
	"fmt"

	"github.com/rgml/rgml/framework/experiment/plan"
	"github.com/rgml/rgml/framework/experiment/steps/analyze"
	"github.com/rgml/rgml/framework/experiment/steps/flow"
	"github.com/rgml/rgml/framework/experiment/steps/reportkind"
	"github.com/rgml/rgml/framework/experiment/steps/sample"
	"github.com/rgml/rgml/framework/experiment/steps/train"
	"github.com/rgml/rgml/registry"
)

// Kind is what a step makes.
type Kind = plan.Kind

const (
	KindDataset  = plan.KindDataset
	KindTraining = plan.KindTraining
	KindFlow     = plan.KindFlow
	KindAnalysis = plan.KindAnalysis
	KindReport   = plan.KindReport
)

// stepKind is everything the engine knows of one kind of step: the
// planner, the executors and the run record go through this table only,
// so a new kind is one entry here and one package with its plan and run
// functions and its version (steps/sample for datasets;
// docs/architecture.md walks through one).
type stepKind struct {
	kind Kind
	// entry is the registry kind of its result.
	entry registry.Kind
	// version versions the host code that shapes the kind's result
	// beside what its plugin returns; it is part of every key of the
	// kind (setKey), so changing that code makes new keys and `rgml run`
	// redoes the steps instead of reusing what the old code made. Per
	// kind rather than the build's commit: a commit that touches only the
	// flow read-out must not throw away every dataset and training (DVC
	// hashes each stage's own command, Bazel each action's own inputs,
	// for the same reason). TestCodeVersionsGolden fails when a kind's
	// output changes and its version does not.
	version int
	// plan adds the spec's steps of this kind to the plan, checked
	// against the plugins' descriptions and the steps planned before (the
	// kinds are planned in table order) and keyed with planner.key.
	plan func(ctx context.Context, b *planner) error
	// run makes one step's result through env; input gives the entry
	// digest of a step it reads.
	run func(ctx context.Context, env *Env, p *Plan, s *Step, input func(id string) string) (registry.Entry, error)
	// once says the step is made anew every run, never looked up or
	// leased by its key (the report: drawn from what the run has).
	once bool
}

// kinds are the step kinds in planning order: a kind reads only kinds
// before it.
var kinds = []*stepKind{
	{kind: KindDataset, entry: registry.Dataset, version: sample.Version, plan: sample.Plan, run: sample.Run},
	{kind: KindTraining, entry: registry.Model, version: train.Version, plan: train.Plan, run: train.Run},
	{kind: KindFlow, entry: registry.Flow, version: flow.Version, plan: flow.Plan, run: flow.Run},
	{kind: KindAnalysis, entry: registry.Analysis, version: analyze.Version, plan: analyze.Plan, run: analyze.Run},
	{kind: KindReport, entry: reportkind.ReportKind, version: reportkind.Version, plan: reportkind.Plan, run: reportkind.Run, once: true},
}

// kindOf is k's entry; a kind missing from the table is a bug of this
// package, not of a spec.
func kindOf(k Kind) *stepKind {
	for _, sk := range kinds {
		if sk.kind == k {
			return sk
		}
	}
	panic(fmt.Sprintf("experiment: step kind %q is not in the kinds table", k))
}

// RegistryKind is the kind of entry a step of kind k makes.
func RegistryKind(k Kind) registry.Kind { return kindOf(k).entry }

// codeVersion is kind k's version of the host code (stepKind.version).
func codeVersion(k Kind) int { return kindOf(k).version }

// kindPlans is the table as the planner takes it, with each kind's
// version read when a plan is made (SetCodeVersion changes it in tests).
func kindPlans() []plan.KindPlan {
	out := make([]plan.KindPlan, len(kinds))
	for i, sk := range kinds {
		out[i] = plan.KindPlan{Kind: sk.kind, Version: sk.version, Plan: sk.plan, Entry: sk.entry}
	}
	return out
}
