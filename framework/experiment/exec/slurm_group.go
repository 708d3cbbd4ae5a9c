package exec

import (
	"fmt"
	"slices"
	"sort"
)

// slurmGroup is one job: one step, or like steps as an array.
type slurmGroup struct {
	steps []*Step
	// after are the steps, to be submitted too, that its members read:
	// the group's job waits for theirs and for nothing else.
	after []*Step
	job   string
}

// slurmGroups groups the steps of p that are to be submitted (not those
// of a kind made once per run, the report, which reads the jobs' results
// and is drawn by `rgml report RUN`; not those in have, by step ID) into
// jobs, in plan order.
func slurmGroups(p *Plan, have map[string]bool) []*slurmGroup {
	groups := map[string]*slurmGroup{}
	var order []*slurmGroup
	for _, s := range p.Steps {
		if kindOf(s.Kind).Once || have[s.ID] {
			continue
		}
		item := slurmItem(p, s)
		g := groups[item]
		if g == nil {
			g = &slurmGroup{}
			groups[item] = g
			order = append(order, g)
		}
		g.steps = append(g.steps, s)
	}
	for _, g := range order {
		seen := map[string]bool{}
		for _, s := range g.steps {
			for _, d := range s.Deps {
				ds, ok := p.Step(d)
				if !ok || have[d] || seen[d] {
					continue
				}
				seen[d] = true
				g.after = append(g.after, ds)
			}
		}
		sort.Slice(g.after, func(i, j int) bool { return g.after[i].ID < g.after[j].ID })
	}
	return order
}

// slurmItem is what the steps of one array share: the spec item they
// were expanded from (its position), their kind, plugin and resources,
// and the kinds of the steps they read (an item may expand its plugin,
// and an analyzer is given a model, data or a flow). A step whose item
// has no position (a spec not read from YAML) is a job of its own.
func slurmItem(p *Plan, s *Step) string {
	at := s.Pos()
	if at == (Pos{}) {
		return s.ID
	}
	var reads []string
	for _, d := range s.Deps {
		if in, ok := p.Step(d); ok {
			reads = append(reads, string(in.Kind))
		}
	}
	slices.Sort(reads)
	return fmt.Sprintf("%s %s %s %+v reads %v", s.Kind, at, s.Plugin, s.Resources(), slices.Compact(reads))
}

// waitsFor returns the jobs a group waits for (those of the steps it
// reads, by step key in jobs), and whether all are submitted.
func (g *slurmGroup) waitsFor(jobs map[string]string) ([]string, bool) {
	seen := map[string]bool{}
	var ids []string
	for _, s := range g.after {
		id, ok := jobs[s.Key]
		if !ok {
			return nil, false
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids, true
}
