package compare

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rgml/rgml/registry"
)

// StepDiff is a step of two runs whose entries differ: A and B are the
// entries each run recorded ("" when it has none), Why what in their step
// keys' inputs (spec fields recorded in the lineage, input entries, plugin
// binary, code version) tells them apart.
type StepDiff struct {
	Step string        `json:"step"`
	Kind registry.Kind `json:"kind"`
	A    string        `json:"a,omitempty"`
	B    string        `json:"b,omitempty"`
	Why  []string      `json:"why"`
}

// StepDiffs compares two runs step by step (matched by name) and returns
// the steps whose keys differ, in run a's order, then those only b has,
// and how many steps are the same.
func StepDiffs(s *registry.Store, a, b registry.Entry) (diffs []StepDiff, same int, err error) {
	ra, err := s.RunRecord(a)
	if err != nil {
		return nil, 0, err
	}
	rb, err := s.RunRecord(b)
	if err != nil {
		return nil, 0, err
	}
	c := stepComparer{s: s, refs: refCache{s: s, m: map[string]string{}}, a: ra, b: rb}
	// A plan's steps are unique by kind and name, not by name alone (a
	// dataset and a flow may share one).
	id := func(st registry.RunStep) string { return string(st.Kind) + "/" + st.Name }
	inB := map[string]registry.RunStep{}
	for _, st := range rb.Steps {
		inB[id(st)] = st
	}
	seen := map[string]bool{}
	for _, sa := range ra.Steps {
		seen[id(sa)] = true
		sb, ok := inB[id(sa)]
		switch {
		case !ok:
			diffs = append(diffs, StepDiff{Step: sa.Name, Kind: sa.Kind, A: sa.Entry, Why: []string{"only in " + a.Ref()}})
		case sa.Key != "" && sa.Key == sb.Key:
			same++
		default:
			diffs = append(diffs, StepDiff{Step: sa.Name, Kind: sa.Kind, A: sa.Entry, B: sb.Entry, Why: c.why(sa, sb)})
		}
	}
	for _, sb := range rb.Steps {
		if !seen[id(sb)] {
			diffs = append(diffs, StepDiff{Step: sb.Name, Kind: sb.Kind, B: sb.Entry, Why: []string{"only in " + b.Ref()}})
		}
	}
	return diffs, same, nil
}

type stepComparer struct {
	s    *registry.Store
	refs refCache
	a, b registry.RunRecord
}

// why lists what differs between the lineages of two steps' entries.
func (c *stepComparer) why(sa, sb registry.RunStep) []string {
	la, erra := c.lineage(sa)
	lb, errb := c.lineage(sb)
	if erra != nil || errb != nil {
		var out []string
		for _, e := range []error{erra, errb} {
			if e != nil {
				out = append(out, e.Error())
			}
		}
		return out
	}
	var why []string
	add := func(what string, x, y any) {
		if tx, ty := Text(compact(x)), Text(compact(y)); tx != ty {
			why = append(why, fmt.Sprintf("%s: %s → %s", what, orNone(tx), orNone(ty)))
		}
	}
	if pa, pb := la.Plugin, lb.Plugin; pa != nil && pb != nil {
		add("plugin "+pa.Name+" version", pa.Version, pb.Version)
		add("plugin "+pa.Name+" binary", short(pa.SHA256), short(pb.SHA256))
	}
	if la.Host != nil && lb.Host != nil {
		add("code", la.Host.Version+" "+la.Host.Commit, lb.Host.Version+" "+lb.Host.Commit)
	}
	add("algorithm", la.Algorithm, lb.Algorithm)
	add("seed", la.Seed, lb.Seed)
	add("samples", la.Samples, lb.Samples)
	add("per_point", la.PerPoint, lb.PerPoint)
	for _, k := range keys(la.Parameters, lb.Parameters) {
		add(k, la.Parameters[k], lb.Parameters[k])
	}
	for _, k := range keys(la.HyperParameters, lb.HyperParameters) {
		add(k, la.HyperParameters[k], lb.HyperParameters[k])
	}
	why = append(why, c.inputs(la, lb)...)
	if len(why) == 0 {
		why = []string{"their keys differ by spec fields the lineage does not record"}
	}
	return why
}

// inputs says which input entries differ, and which step of the run made
// each, so that a reader follows the difference upstream.
func (c *stepComparer) inputs(la, lb registry.Lineage) []string {
	ia, ib := inputMap(la), inputMap(lb)
	var out []string
	for _, role := range keys(ia, ib) {
		if ia[role] == ib[role] {
			continue
		}
		line := fmt.Sprintf("input %s: %s → %s", role, orNone(c.name(ia[role])), orNone(c.name(ib[role])))
		if st := stepOf(c.a, ia[role]); st != "" {
			line += " (step " + st + ")"
		}
		out = append(out, line)
	}
	return out
}

func (c *stepComparer) name(d string) string {
	if d == "" {
		return ""
	}
	return c.refs.ref(d)
}

func (c *stepComparer) lineage(st registry.RunStep) (registry.Lineage, error) {
	if st.Digest == "" {
		return registry.Lineage{}, fmt.Errorf("step %s has no entry (status %s)", st.Name, st.Status)
	}
	en, err := c.s.Lookup(st.Digest)
	if err != nil {
		return registry.Lineage{}, fmt.Errorf("step %s: %w", st.Name, err)
	}
	m, err := c.s.Manifest(en)
	if err != nil {
		return registry.Lineage{}, fmt.Errorf("step %s: %w", st.Name, err)
	}
	return m.Lineage, nil
}

// inputMap is an entry's inputs by role, the datasets it was made from
// among them.
func inputMap(l registry.Lineage) map[string]string {
	m := map[string]string{}
	for i, d := range l.Datasets {
		m[fmt.Sprintf("dataset %d", i+1)] = d
	}
	for _, in := range l.Inputs {
		m[in.Role] = in.Digest
	}
	if l.Parent != "" {
		m["parent"] = l.Parent
	}
	return m
}

func stepOf(r registry.RunRecord, digest string) string {
	for _, st := range r.Steps {
		if st.Digest == digest && digest != "" {
			return st.Name
		}
	}
	return ""
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(none)"
	}
	return s
}

func keys[V any](a, b map[string]V) []string {
	var out []string
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
