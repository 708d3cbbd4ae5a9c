package plan

import (
	"sort"
	"strings"

	"github.com/rgml/rgml/framework/experiment/spec"
)

// FindStep returns the step named ref: its ID ("training/rbm-v16") or
// its name when only one step has it. The error (ErrUsage) lists the
// steps when none matches.
func (p *Plan) FindStep(ref string) (*Step, error) {
	if s, ok := p.byID[ref]; ok {
		return s, nil
	}
	var found []*Step
	for _, s := range p.Steps {
		if s.Name == ref {
			found = append(found, s)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		ids := make([]string, 0, len(p.Steps))
		for _, s := range p.Steps {
			ids = append(ids, s.ID)
		}
		sort.Strings(ids)
		if len(ids) > 8 {
			ids = append(ids[:8], "…")
		}
		return nil, spec.Usagef("--step %q: no such step in the plan (have %s)", ref, strings.Join(ids, ", "))
	}
	return nil, spec.Usagef("--step %q: both %s and %s are named so; give KIND/NAME", ref, found[0].ID, found[1].ID)
}

// JobStep returns the step a job runs (--step: its ID, or its name when
// unique), refusing it when its key is no longer key, the one it was
// submitted with ("" checks nothing): the spec or a plugin binary changed
// since, and the job would register another result than the run records.
// The step is returned with that error, for its failure to name it.
func (p *Plan) JobStep(ref, key string) (*Step, error) {
	s, err := p.FindStep(ref)
	if err != nil {
		return nil, err
	}
	if key != "" && key != s.Key {
		return s, spec.Usagef("--step %s: its key is now %.16s…, not the %.16s… it was submitted with: the spec or a plugin binary changed since; submit the study again", s.ID, s.Key, key)
	}
	return s, nil
}

// Pos is where the step's spec item was written.
func (s *Step) Pos() Pos {
	if s.Item == nil {
		return Pos{}
	}
	return s.Item.Pos("")
}

// Resources is what the step asks of a batch system.
func (s *Step) Resources() spec.Resources {
	var r spec.Resources
	switch it := s.Item.(type) {
	case *spec.Dataset:
		r = it.Resources
	case *spec.Training:
		r = it.Resources
	case *spec.Flow:
		r = it.Resources
	case *spec.Analysis:
		r = it.Resources
	}
	if r.CPUs == 0 {
		r.CPUs = spec.DefaultCPUs
	}
	if r.Memory == "" {
		r.Memory = spec.DefaultMemory
	}
	return r
}
