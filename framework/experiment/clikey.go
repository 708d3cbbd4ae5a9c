package experiment

import (
	"context"
	"io"
	"strings"

	"github.com/rgml/rgml/framework/experiment/plan"
	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/experiment/steps/analyze"
	"github.com/rgml/rgml/framework/experiment/steps/flow"
	"github.com/rgml/rgml/framework/experiment/steps/sample"
	"github.com/rgml/rgml/framework/experiment/steps/train"
	"github.com/rgml/rgml/framework/fsutil"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// A step run from the command line (rgml sample, train, flow, analyze)
// gets the key the planner gives the same step of a spec, so that one
// identical step makes one entry whichever way it is asked for: the
// command finds the entry `rgml run` or an earlier command made and
// reuses it.

// Found is what a command's step key finds in the registry.
type Found struct {
	// Key is the step's key; "" when the step cannot be keyed (its input
	// is wrong: running it says how).
	Key   string
	Entry registry.Entry
	// OK says an entry of that key exists.
	OK bool
}

// FindSample keys a sampled dataset as the planner keys a spec's and
// looks for an entry of that key.
func FindSample(ctx context.Context, env *Env, s SampleSpec) (Found, error) {
	d := &spec.Dataset{Name: s.Name, Model: s.Model, Params: s.Params, L: s.L, PerPoint: s.PerPoint,
		Algorithm: s.Algorithm, Sweeps: s.Sweeps, Thermalization: s.Thermalization, Seed: s.Seed}
	b := cliPlanner(&HostCatalog{Host: env.Host})
	pl, err := sample.PlanSample(ctx, b, d)
	if err != nil {
		return Found{}, nil
	}
	return find(ctx, env, registry.Dataset, pl.Step.Key)
}

// FindTraining keys a training as the planner keys a spec's, its
// datasets standing for themselves by their own keys (or, made without
// one, by their digests), and looks for an entry of that key.
func FindTraining(ctx context.Context, env *Env, t TrainSpec) (Found, error) {
	return findTraining(ctx, env, &HostCatalog{Host: env.Host}, t)
}

func findTraining(ctx context.Context, env *Env, cat Catalog, t TrainSpec) (Found, error) {
	where, err := ParseWhere(t.Where)
	if err != nil {
		return Found{}, nil
	}
	desc, _, err := cat.Learner(ctx, t.Learner)
	if err != nil || (t.Label != "" && !desc.NeedsLabel) {
		// A label given to a learner that learns none is a mistake Train
		// reports; the key below, which keeps labels of supervised
		// learners only, must not find an entry for it first.
		return Found{}, nil
	}
	store, err := env.Registry()
	if err != nil {
		return Found{}, err
	}
	b := cliPlanner(cat)
	tr := &spec.Training{Name: t.Name, Learner: t.Learner, Data: "data", Where: where, Label: t.Label, Set: t.Hyper, Seed: t.Seed}
	for role, ref := range map[string]string{"data": t.Data, "test": t.Test} {
		if ref == "" {
			continue
		}
		en, err := store.Resolve(registry.Dataset, ref)
		if err != nil {
			return Found{}, nil
		}
		m, err := store.Manifest(en)
		if err != nil {
			return Found{}, err
		}
		pl := &planned{Step: &Step{ID: "dataset/" + role, Kind: KindDataset, Name: role, Key: plan.EntryKey(en, m)}}
		if role == "data" && tr.Label == "" && desc.NeedsLabel {
			// The label a supervised learner learns unless told is the
			// data's (trainingLabel): the planner needs its labels.
			if pl.Labels, err = distinctLabels(store, en); err != nil {
				return Found{}, nil
			}
		}
		b.Add(pl)
		if role == "test" {
			tr.Test = role
		}
	}
	pl, err := train.PlanTraining(ctx, b, tr)
	if err != nil {
		return Found{}, nil
	}
	return find(ctx, env, registry.Model, pl.Step.Key)
}

// cliPlanner is a planner of no spec, for one step at a time.
func cliPlanner(cat Catalog) *planner {
	return plan.NewPlanner(&Spec{}, cat, kindPlans())
}

func find(ctx context.Context, env *Env, kind registry.Kind, key string) (Found, error) {
	store, err := env.Registry()
	if err != nil {
		return Found{}, err
	}
	en, ok, err := store.FindByKey(ctx, kind, key)
	return Found{Key: key, Entry: en, OK: ok}, err
}

// FindFlow keys a flow as the planner keys a spec's, its trainings and
// dataset standing for themselves by their keys (or digests), and looks
// for an entry of that key.
func FindFlow(ctx context.Context, env *Env, f FlowSpec) (Found, error) {
	return findFlow(ctx, env, &HostCatalog{Host: env.Host}, f)
}

func findFlow(ctx context.Context, env *Env, cat Catalog, f FlowSpec) (Found, error) {
	where, err := ParseWhere(f.Where)
	if err != nil {
		return Found{}, nil
	}
	store, err := env.Registry()
	if err != nil {
		return Found{}, err
	}
	b := cliPlanner(cat)
	for _, in := range []struct {
		role, ref string
		kind      registry.Kind
	}{{"rbm", f.RBM, registry.Model}, {"thermometer", f.Thermometer, registry.Model}, {"from", f.From, registry.Dataset}} {
		en, err := store.Resolve(in.kind, in.ref)
		if err != nil {
			return Found{}, nil
		}
		m, err := store.Manifest(en)
		if err != nil {
			return Found{}, err
		}
		key := plan.EntryKey(en, m)
		if in.kind == registry.Dataset {
			b.Add(&planned{Step: &Step{ID: "dataset/" + in.role, Kind: KindDataset, Name: in.role, Key: key}, Model: plan.SampledBy(m)})
			continue
		}
		if m.Lineage.Plugin == nil {
			return Found{}, nil
		}
		desc, sha, err := cat.Learner(ctx, m.Lineage.Plugin.Name)
		if err != nil {
			return Found{}, nil
		}
		// The flow runs both learners' plugins as they are now; a
		// training's stored key has the binary it was trained with. When
		// they differ, rgml run would train again and key the flow anew:
		// the command must not call an older reading the same.
		if strings.TrimPrefix(m.Lineage.Plugin.SHA256, "sha256:") != strings.TrimPrefix(sha, "sha256:") {
			return Found{}, nil
		}
		st := &Step{ID: "training/" + in.role, Kind: KindTraining, Name: in.role, Key: key, Plugin: desc.Name, SHA256: sha}
		b.Add(&planned{Step: st, Learner: desc})
	}
	fl := &spec.Flow{Name: f.Name, RBM: "rbm", Thermometer: "thermometer", From: "from", Where: where,
		Iterations: f.Iterations, Seed: f.Seed, SaveConfigs: f.SaveConfigs}
	pl, err := flow.PlanFlow(b, fl)
	if err != nil {
		return Found{}, nil
	}
	return find(ctx, env, registry.Flow, pl.Step.Key)
}

// FindAnalysis keys an analysis as the planner keys a spec's, its
// model, data and flow read from the registry as a spec's
// registry:NAME inputs are (each standing for itself by its own key, or
// its digest), and looks for an entry of that key.
func FindAnalysis(ctx context.Context, env *Env, a AnalyzeSpec) (Found, error) {
	where, err := ParseWhere(a.Where)
	if err != nil {
		return Found{}, nil
	}
	store, err := env.Registry()
	if err != nil {
		return Found{}, err
	}
	cat := learnerNames{&HostCatalog{Host: env.Host}}
	b := cliPlanner(cat)
	b.Reg = store
	ref := func(r string) string {
		if r == "" {
			return ""
		}
		return spec.RegistryPrefix + r
	}
	an := &spec.Analysis{Name: a.Name, Analyzer: a.Analyzer, Model: ref(a.Model), Data: ref(a.Data), Flow: ref(a.Flow),
		Where: where, Set: a.Params, Seed: a.Seed}
	for _, r := range a.Analyses {
		an.Analyses = append(an.Analyses, ref(r))
	}
	st, err := analyze.PlanAnalysis(ctx, b, an, cat)
	if err != nil {
		return Found{}, nil
	}
	return find(ctx, env, registry.Analysis, st.Key)
}

// learnerNames describes a learner by its name alone: an analysis reads
// a model's weights and never runs its learner, and which learner it is
// is all the analysis's plan asks, so no learner plugin is started.
type learnerNames struct{ *HostCatalog }

func (learnerNames) Learner(_ context.Context, name string) (sdk.LearnerDescription, string, error) {
	return sdk.LearnerDescription{Info: sdk.Info{Name: name}}, "", nil
}

// CopyFile writes the file name of a registered entry to out, as the
// command that made the entry wrote its --out.
func CopyFile(env *Env, en registry.Entry, name, out string) error {
	store, err := env.Registry()
	if err != nil {
		return err
	}
	b, err := store.ReadFile(en, name)
	if err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(out, func(w io.Writer) error { _, err := w.Write(b); return err })
}

// distinctLabels are the distinct values of each label of a dataset.
func distinctLabels(store *registry.Store, en registry.Entry) (map[string][]float64, error) {
	d, _, err := LoadDataset(store, en.Digest)
	if err != nil {
		return nil, err
	}
	out := map[string][]float64{}
	for name, v := range d.Labels {
		out[name] = grid.Distinct(v)
	}
	return out, nil
}
