package plan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// Kind is what a step makes.
type Kind string

const (
	KindDataset  Kind = "dataset"
	KindTraining Kind = "training"
	KindFlow     Kind = "flow"
	KindAnalysis Kind = "analysis"
	KindReport   Kind = "report"
)

type (
	Pos   = spec.Pos
	Error = spec.Error
)

// Step is one node of the plan.
type Step struct {
	ID     string // "KIND/NAME", unique in the plan
	Kind   Kind
	Name   string
	Plugin string // plugin name ("" for an imported dataset)
	// SHA256 is the plugin binary's digest, or the imported file's.
	SHA256 string
	// Model and ModelSHA256 name the model plugin a step starts to
	// measure its data with (an analysis's, a flow's; ModelKey) and its
	// binary's digest when the step was keyed.
	Model, ModelSHA256 string
	Deps               []string // IDs of the steps this one reads, sorted
	// Reads are the IDs of the registry inputs this one reads, sorted
	// (Plan.Registry): no steps, so not in Deps.
	Reads []string
	// Key identifies the step's result: the SHA-256 of Canonical in 64
	// hex digits, the form registry.Lineage.Key and Store.FindByKey take.
	Key string
	// Canonical is the encoding the key digests (documented in
	// docs/experiments.md): JSON, object keys sorted, no spaces.
	Canonical []byte

	// Item is the step as the spec wrote it (*spec.Dataset,
	// *spec.Training, …), resolved against its plugin's description
	// (defaults filled in); its kind's functions know its type.
	Item Item
	// Resolved is what the kind worked out while planning, for its run:
	// a sampled dataset's *sdk.SampleRequest, an imported one's checked
	// *sdk.Dataset; nil for the other kinds.
	Resolved any
	// Registry is set on a registry input (registry:NAME in a spec):
	// what it resolved to. Such a node is in Plan.Registry, not Steps.
	Registry *RegistryInput
}

// Item is a step of a spec: every kind's item says where its fields
// were written.
type Item interface {
	Pos(field string) Pos
}

// Plan is a validated spec as a DAG of steps in a topological order:
// every step comes after the steps it reads.
type Plan struct {
	Spec  *spec.Spec
	Steps []*Step
	// Registry are the entries the spec names in the registry
	// (registry:NAME[:VERSION]), as resolved when the plan was made, in
	// the order first read.
	Registry []*Step
	byID     map[string]*Step
}

// Step returns the step with the given ID.
func (p *Plan) Step(id string) (*Step, bool) { s, ok := p.byID[id]; return s, ok }

// Node is what later steps need to know of a step while planning.
type Node struct {
	Step   *Step
	L      int                  // lattice size of its data
	D      int                  // its data's lattice dimension: L^D sites (0: 2, see sdk.Dim)
	Labels map[string][]float64 // a dataset's label → the values present (nil: unknown)
	// Learner is a training's learner.
	Learner sdk.LearnerDescription
	Save    bool // a flow that keeps its configurations
	// Model is the model plugin that sampled a dataset's configurations
	// (a flow's: its starting dataset's); "" for imported data. A step
	// that has that model measure them keys it (ModelKey).
	Model string
}

// Planner is the state of NewPlan that the kinds' plan functions share.
type Planner struct {
	Cat  Catalog
	Plan *Plan
	// Reg is where registry:NAME inputs are resolved (nil: nowhere, and
	// such an input is an error).
	Reg Entries
	// ctx is NewPlan's, for the catalog questions Ref asks of a
	// registry input's learner.
	ctx     context.Context
	refs    map[string]*Node // registry input ID → its node
	entries map[Kind]registry.Kind
	names   map[string]Pos   // step ID → where it was defined
	steps   map[string]*Node // step ID → what later steps read of it
	// versions are the kinds' code versions, which every key includes.
	versions map[Kind]int
}

// KindPlan is what the planner knows of one step kind: its version of
// the host code (part of every key of the kind) and how to plan it. The
// caller (the engine's kinds table) passes them in planning order: a
// kind reads only kinds before it.
type KindPlan struct {
	Kind    Kind
	Version int
	Plan    func(ctx context.Context, b *Planner) error
	// Entry is the registry kind of the kind's results: what a spec's
	// registry:NAME names where a step of this kind could be.
	Entry registry.Kind
}

// NewPlanner is the planner of spec s before any step is planned: NewPlan
// starts from it, and a command that plans one step at a time (rgml train
// keying its step as a spec's) adds that step's inputs and plans it.
func NewPlanner(s *spec.Spec, cat Catalog, kinds []KindPlan) *Planner {
	b := &Planner{Cat: cat, Plan: &Plan{Spec: s, byID: map[string]*Step{}}, ctx: context.Background(),
		names: map[string]Pos{}, steps: map[string]*Node{}, versions: map[Kind]int{}, entries: map[Kind]registry.Kind{}}
	for _, k := range kinds {
		b.versions[k.Kind] = k.Version
		b.entries[k.Kind] = k.Entry
	}
	return b
}

// NewPlan validates the whole spec against the catalog and returns its
// plan. Every problem of the spec is an *Error (ErrUsage) naming
// file:line:column and the field; a Catalog failure other than an unknown
// plugin is returned as is. Imported files are read and checked here, so
// that nothing runs on a spec that cannot finish.
func NewPlan(ctx context.Context, s *spec.Spec, cat Catalog, kinds []KindPlan) (*Plan, error) {
	return NewPlanIn(ctx, s, cat, kinds, nil)
}

// NewPlanIn is NewPlan resolving the spec's registry:NAME[:VERSION]
// inputs in reg: a missing entry, one of another kind, an ambiguous or
// malformed reference is an *Error at the field that names it.
func NewPlanIn(ctx context.Context, s *spec.Spec, cat Catalog, kinds []KindPlan, reg Entries) (*Plan, error) {
	if s == nil {
		return nil, errors.New("experiment: NewPlan of a nil spec")
	}
	b := NewPlanner(s, cat, kinds)
	b.Reg, b.ctx = reg, ctx
	for _, k := range kinds {
		if err := k.Plan(ctx, b); err != nil {
			return nil, err
		}
	}
	order, err := topoSort(b.Plan.Steps)
	if err != nil {
		return nil, err
	}
	b.Plan.Steps = order
	return b.Plan, nil
}

// Name checks a new step's name: valid, and not given twice to one kind.
func (b *Planner) Name(kind Kind, name string, at Pos) error {
	if err := registry.ValidateName(name); err != nil {
		return spec.At(at, "name", "%q is not a valid name: %v", name, strings.TrimPrefix(err.Error(), "registry: "))
	}
	id := string(kind) + "/" + name
	if first, ok := b.names[id]; ok {
		return spec.At(at, "name", "%s %q is defined twice (first at %s)", kind, name, first)
	}
	b.names[id] = at
	return nil
}

// Key keys st (setKey) with its kind's code version.
func (b *Planner) Key(st *Step, spec map[string]any, inputs map[string]*Step) {
	st.setKey(b.versions[st.Kind], spec, inputs)
}

// Add puts a planned step into the plan.
func (b *Planner) Add(pl *Node) {
	b.Plan.Steps = append(b.Plan.Steps, pl.Step)
	b.Plan.byID[pl.Step.ID] = pl.Step
	b.steps[pl.Step.ID] = pl
}

// Ref is the step of kind named by field of item, planned before; an
// error at field listing the steps of that kind when there is none, or,
// when none of that kind was planned before, saying how to give one.
func (b *Planner) Ref(kind Kind, name string, item Item, field string) (*Node, error) {
	if spec.IsRegistryRef(name) {
		return b.registryNode(kind, name, item, field)
	}
	if pl, ok := b.steps[string(kind)+"/"+name]; ok {
		return pl, nil
	}
	var have []string
	for _, st := range b.Plan.Steps {
		if st.Kind == kind {
			have = append(have, st.Name)
		}
	}
	at := item.Pos(field)
	if len(have) == 0 {
		// Nothing to list: say how to get one instead.
		msg := fmt.Sprintf("no %s named %q (the spec plans none before this step): add the %s %q to the spec", kind, name, kind, name)
		if ek := b.entries[kind]; ek != "" {
			msg += fmt.Sprintf(", or read a registered %s as %s%s", ek, spec.RegistryPrefix, name)
		}
		return nil, spec.At(at, field, "%s", msg)
	}
	sort.Strings(have)
	return nil, spec.At(at, field, "no %s named %q in this spec (have: %s)", kind, name, strings.Join(have, ", "))
}

// Steps are the steps planned so far, in planning order.
func (b *Planner) Steps() []*Step { return b.Plan.Steps }

// topoSort orders steps so that each comes after its dependencies,
// keeping the given order among independent steps; a cycle is an error
// naming the steps on it.
func topoSort(steps []*Step) ([]*Step, error) {
	byID := map[string]*Step{}
	for _, s := range steps {
		byID[s.ID] = s
	}
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var out []*Step
	var stack []string
	var visit func(s *Step) error
	visit = func(s *Step) error {
		switch state[s.ID] {
		case done:
			return nil
		case active:
			i := 0
			for stack[i] != s.ID {
				i++
			}
			cyc := append(append([]string{}, stack[i:]...), s.ID)
			return &Error{Pos: Pos{}, Field: s.ID, Msg: "cycle: " + strings.Join(cyc, " → ")}
		}
		state[s.ID] = active
		stack = append(stack, s.ID)
		for _, d := range s.Deps {
			dep, ok := byID[d]
			if !ok {
				return &Error{Field: s.ID, Msg: fmt.Sprintf("depends on %s, which is not in the plan", d)}
			}
			if err := visit(dep); err != nil {
				return err
			}
		}
		stack = stack[:len(stack)-1]
		state[s.ID] = done
		out = append(out, s)
		return nil
	}
	for _, s := range steps {
		if err := visit(s); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Print writes the plan, one step a line in order, as `rgml run --dry-run`
// shows it: number, step, plugin, inputs and the key's first 12 hex digits.
func (p *Plan) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "#\tSTEP\tPLUGIN\tINPUTS\tKEY\n")
	for i, s := range p.Steps {
		plugin := s.Plugin
		if plugin == "" {
			plugin = "(import)"
			if s.Kind == KindReport {
				plugin = "(report)"
			}
		}
		in := "-"
		switch {
		case s.Kind == KindReport && len(s.Deps) == len(p.Steps)-1:
			// A list of every other step would widen every row's column.
			in = fmt.Sprintf("every other step (%d)", len(s.Deps))
		case len(s.Deps)+len(s.Reads) > 0:
			in = strings.Join(append(append([]string{}, s.Deps...), p.readsOf(s)...), ", ")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", i+1, s.ID, plugin, in, s.Key[:12])
	}
	return tw.Flush()
}

// readsOf is each registry input s reads, with the entry it resolved to.
func (p *Plan) readsOf(s *Step) []string {
	var out []string
	for _, id := range s.Reads {
		if r, ok := p.Input(id); ok && r.Registry != nil {
			out = append(out, fmt.Sprintf("%s (%s)", r.Registry.Ref, r.Registry.Entry.Ref()))
		}
	}
	return out
}
