package spec

import "strings"

// RegistryPrefix starts an input that names an entry of the registry
// (registry:NAME, registry:NAME:VERSION, registry:NAME@ALIAS) instead of
// a step of the spec. Step names cannot contain ':', so the two never
// meet; the planner resolves the reference.
const RegistryPrefix = "registry:"

// IsRegistryRef reports whether an input names a registry entry.
func IsRegistryRef(name string) bool { return strings.HasPrefix(name, RegistryPrefix) }

// ReadsRegistry reports whether any input of the spec names a registry
// entry: planning it then needs the registry.
func (s *Spec) ReadsRegistry() bool {
	var in []string
	for _, t := range s.Trainings {
		in = append(in, t.Data, t.Test)
	}
	for _, f := range s.Flows {
		in = append(in, f.RBM, f.Thermometer, f.From)
	}
	for _, a := range s.Analyses {
		in = append(append(in, a.Model, a.Data, a.Flow), a.Analyses...)
	}
	for _, n := range in {
		if IsRegistryRef(n) {
			return true
		}
	}
	return false
}
