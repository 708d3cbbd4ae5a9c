package experiment

import (
	"context"

	"github.com/rgml/rgml/framework/experiment/plan"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// The plan package's names that callers of the engine use (cmd/rgml, the
// tests, the report), and its planner under the names the kinds' plan
// functions use.
type (
	Step            = plan.Step
	Item            = plan.Item
	Plan            = plan.Plan
	Catalog         = plan.Catalog
	AnalyzerCatalog = plan.AnalyzerCatalog
	AnalyzerPlugin  = plan.AnalyzerPlugin
	ModelPlugin     = plan.ModelPlugin
	LearnerPlugin   = plan.LearnerPlugin
	Descriptions    = plan.Descriptions
	HostCatalog     = plan.HostCatalog
	CachedCatalog   = plan.CachedCatalog
	Planned         = plan.Planned

	PluginChangedError = plan.PluginChangedError

	planner = plan.Planner
	planned = plan.Node
)

// CachedLearner is the description of the learner plugin name, of binary
// digest sha, that a CachedCatalog keeps in dir (rgml run keeps one per
// plugin and binary in the registry's cache); false when none is kept.
func CachedLearner(dir, name, sha string) (sdk.LearnerDescription, bool) {
	var d sdk.LearnerDescription
	return d, plan.Cached(dir, name, sha, "learner", &d)
}

// NewPlan validates the whole spec against the catalog and returns its
// plan (plan.NewPlan with the kinds table): every problem of the spec is
// an *Error (ErrUsage) naming file:line:column and the field.
func NewPlan(ctx context.Context, s *Spec, cat Catalog) (*Plan, error) {
	return plan.NewPlan(ctx, s, cat, kindPlans())
}

// NewPlanIn is NewPlan resolving the spec's registry:NAME[:VERSION]
// inputs in store (nil: there is none, and such an input is an error).
func NewPlanIn(ctx context.Context, s *Spec, cat Catalog, store *registry.Store) (*Plan, error) {
	var reg plan.Entries
	if store != nil {
		reg = store
	}
	return plan.NewPlanIn(ctx, s, cat, kindPlans(), reg)
}
