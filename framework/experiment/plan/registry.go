package plan

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/registry"
)

// Entries is the registry a plan reads the inputs a spec names there
// (registry:NAME[:VERSION]) from; *registry.Store is one.
type Entries interface {
	Resolve(kind registry.Kind, ref string) (registry.Entry, error)
	Manifest(e registry.Entry) (registry.Manifest, error)
	Lookup(digest string) (registry.Entry, error)
}

// RegistryInput is an input a spec names in the registry instead of a
// step of its own, resolved when the plan was made: the steps that read
// it get this entry, whatever versions of its name appear meanwhile.
type RegistryInput struct {
	Ref   string         // as the spec wrote it: registry:NAME[:VERSION]
	Entry registry.Entry // what it resolved to
}

// registryNode resolves field's registry reference name (of kind) in the
// planner's registry. The node stands for the entry as a step of the
// plan would: its key is the key the entry was made under (the key the
// step that made it had, so that a spec reading a dataset from the
// registry and a spec sampling the same dataset key their trainings
// alike), or its digest when it records none. It is no step of the
// plan: nothing runs it, and the steps that read it do not wait for it.
func (b *Planner) registryNode(kind Kind, name string, item Item, field string) (*Node, error) {
	id := string(kind) + "/" + name
	if n, ok := b.refs[id]; ok {
		return n, nil
	}
	at := item.Pos(field)
	ek, ok := b.entries[kind]
	if !ok || ek == "" {
		return nil, spec.At(at, field, "%s: a %s cannot be read from the registry", name, kind)
	}
	if b.Reg == nil {
		return nil, spec.At(at, field, "%s: there is no registry to read it from", name)
	}
	ref := strings.TrimPrefix(name, spec.RegistryPrefix)
	en, err := b.Reg.Resolve(ek, ref)
	if err != nil {
		if errors.Is(err, registry.ErrBadRef) || errors.Is(err, registry.ErrNotFound) || errors.Is(err, registry.ErrAmbiguous) {
			return nil, spec.At(at, field, "%s: %s", name, strings.TrimPrefix(err.Error(), "registry: "))
		}
		return nil, err
	}
	m, err := b.Reg.Manifest(en)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	st := &Step{ID: id, Kind: kind, Name: name, Key: EntryKey(en, m), Item: item,
		Registry: &RegistryInput{Ref: name, Entry: en}}
	n := &Node{Step: st}
	switch ek {
	case registry.Dataset:
		n.L, n.D, n.Labels = datasetShape(m)
		n.Model = SampledBy(m)
	case registry.Model:
		if err := b.learnerOf(n, m, at, field); err != nil {
			return nil, err
		}
		n.L, n.D = b.inputL(m, "data")
	case registry.Flow:
		n.L, n.D = b.inputL(m, "from")
		n.Save, _ = m.Lineage.Extra["save_configs"].(bool)
		n.Model = b.inputModel(m, "from")
	}
	if b.refs == nil {
		b.refs = map[string]*Node{}
	}
	b.refs[id] = n
	b.Plan.Registry = append(b.Plan.Registry, st)
	return n, nil
}

// EntryKey is the key an entry stands for itself by as the input of a
// step: the key it was made under, or its digest when it records none.
func EntryKey(en registry.Entry, m registry.Manifest) string {
	if m.Lineage.Key != "" {
		return m.Lineage.Key
	}
	return en.Digest
}

// learnerOf describes the learner that trained a model entry, as its
// plugin is now: a flow runs that plugin, and its key names the binary.
func (b *Planner) learnerOf(n *Node, m registry.Manifest, at Pos, field string) error {
	if m.Lineage.Plugin == nil {
		return spec.At(at, field, "%s: the model records no learner", n.Step.Name)
	}
	desc, sha, err := b.Cat.Learner(b.ctx, m.Lineage.Plugin.Name)
	if err != nil {
		if errors.Is(err, host.ErrUnknownPlugin) {
			return spec.At(at, field, "%s was trained by learner %s, which is not installed: %v", n.Step.Name, m.Lineage.Plugin.Name, err)
		}
		return err
	}
	n.Learner = desc
	n.Step.Plugin, n.Step.SHA256 = desc.Name, sha
	return nil
}

// SampledBy is the model plugin a dataset entry's lineage names, "" for
// an imported one.
func SampledBy(m registry.Manifest) string {
	if m.Lineage.Plugin == nil {
		return ""
	}
	return m.Lineage.Plugin.Name
}

// inputModel is the model that sampled the dataset an entry was made
// from under role ("": none, or not known).
func (b *Planner) inputModel(m registry.Manifest, role string) string {
	for _, in := range m.Lineage.Inputs {
		if in.Role != role {
			continue
		}
		if en, err := b.Reg.Lookup(in.Digest); err == nil {
			if dm, err := b.Reg.Manifest(en); err == nil {
				return SampledBy(dm)
			}
		}
	}
	return ""
}

// ModelKey is what the key of a step that has model plugin name measure
// its data (n.Model) records of it: the name and the sha256 of its binary
// as installed now, so that the step is not reused after the plugin is
// rebuilt; nil for data no model sampled. An uninstalled model is an
// error at field.
func (b *Planner) ModelKey(name string, item Item, field string) (map[string]string, error) {
	if name == "" {
		return nil, nil
	}
	_, sha, err := b.Cat.Model(b.ctx, name)
	if err != nil {
		if errors.Is(err, host.ErrUnknownPlugin) {
			return nil, spec.At(item.Pos(field), field, "its data were sampled by model %s, which measures them, and is not installed: %v", name, err)
		}
		return nil, err
	}
	return map[string]string{"name": name, "sha256": sha}, nil
}

// inputL is the lattice (size and dimension) of the dataset an entry was
// made from under role (0: not known).
func (b *Planner) inputL(m registry.Manifest, role string) (L, d int) {
	for _, in := range m.Lineage.Inputs {
		if in.Role != role {
			continue
		}
		en, err := b.Reg.Lookup(in.Digest)
		if err != nil {
			return 0, 0
		}
		dm, err := b.Reg.Manifest(en)
		if err != nil {
			return 0, 0
		}
		if dm.Kind == registry.Dataset {
			l, d, _ := datasetShape(dm)
			return l, d
		}
		return b.inputL(dm, "data")
	}
	return 0, 0
}

// datasetShape is a dataset entry's lattice size and dimension (the
// length of its recorded lattice_shape; 0, which is 2, when it records
// none) and, for a sampled one, its labels: the parameters of its grid,
// as the sample step records them. An imported dataset's label values
// are not in its lineage: nil (not known) leaves their checks to the step.
func datasetShape(m registry.Manifest) (int, int, map[string][]float64) {
	l, d := 0, 0
	if v, ok := m.Lineage.Parameters["L"].(float64); ok && v == math.Trunc(v) {
		l = int(v)
	}
	if shape, ok := m.Lineage.Extra["lattice_shape"].([]any); ok {
		d = len(shape)
	}
	if m.Lineage.Plugin == nil {
		return l, d, nil
	}
	labels := map[string][]float64{}
	for k, v := range m.Lineage.Parameters {
		if k == "L" {
			continue
		}
		vs, ok := labelValues(v)
		if !ok {
			return l, d, nil
		}
		labels[k] = grid.Distinct(vs)
	}
	return l, d, labels
}

// labelValues reads a recorded parameter: a number, "inf", or a list of
// them.
func labelValues(v any) ([]float64, bool) {
	one := func(x any) (float64, bool) {
		switch y := x.(type) {
		case float64:
			return y, true
		case string:
			if y == "inf" {
				return math.Inf(1), true
			}
		}
		return 0, false
	}
	if xs, ok := v.([]any); ok {
		out := make([]float64, 0, len(xs))
		for _, x := range xs {
			f, ok := one(x)
			if !ok {
				return nil, false
			}
			out = append(out, f)
		}
		return out, true
	}
	f, ok := one(v)
	return []float64{f}, ok
}

// Input is the step with ID id, or the registry input of that ID.
func (p *Plan) Input(id string) (*Step, bool) {
	if s, ok := p.byID[id]; ok {
		return s, true
	}
	for _, s := range p.Registry {
		if s.ID == id {
			return s, true
		}
	}
	return nil, false
}

// WithRegistry is input, answering the IDs of registry inputs with the
// digests they resolved to when the plan was made.
func (p *Plan) WithRegistry(input func(id string) string) func(id string) string {
	return func(id string) string {
		for _, s := range p.Registry {
			if s.ID == id {
				return s.Registry.Entry.Digest
			}
		}
		return input(id)
	}
}

// PrintRegistry writes a line per registry input: what the spec wrote,
// the entry it resolved to and which steps read it.
func (p *Plan) PrintRegistry(w io.Writer) {
	for _, r := range p.Registry {
		var by []string
		for _, s := range p.Steps {
			for _, id := range s.Reads {
				if id == r.ID {
					by = append(by, s.ID)
				}
			}
		}
		sort.Strings(by)
		en := r.Registry.Entry
		fmt.Fprintf(w, "%s is %s %s (%s), read by %s\n", r.Registry.Ref, en.Kind, en.Ref(), en.ShortDigest(), strings.Join(by, ", "))
	}
}
