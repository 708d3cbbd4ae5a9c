package spec

import (
	"github.com/rgml/rgml/framework/grid"
)

func (s *Spec) parseTraining(it node) error {
	m, it, err := stepHead(it, trainingFields, "training")
	if err != nil {
		return err
	}
	for _, k := range []string{"learner", "data"} {
		if _, ok := m[k]; !ok {
			return it.errf("the training has no %s", k)
		}
	}
	res, err := parseResources(m)
	if err != nil {
		return err
	}
	at := positions(m, it)
	x := &expander{}
	for _, f := range []string{"learner", "data", "test"} {
		alts := []choice{{}}
		if e, ok := m[f]; ok {
			if alts, err = strChoices(e.val); err != nil {
				return err
			}
		}
		x.add(f, alts)
	}
	// Unwritten, a supervised learner learns the data's one label of
	// several values, as the planner finds it: which labels a dataset
	// has is the data's, not the spec's.
	label := ""
	if e, ok := m["label"]; ok {
		if label, err = e.val.str(); err != nil {
			return err
		}
	}
	var where []grid.Axis
	if e, ok := m["where"]; ok {
		if where, err = e.val.axes(); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		field string
		def   float64
	}{{"seed", DefaultSeed}, {"checkpoint-every", 0}} {
		alts := []choice{{text: FormatNumber(f.def), num: f.def}}
		if e, ok := m[f.field]; ok {
			if alts, err = numChoices(e.val, true, 0); err != nil {
				return err
			}
		}
		x.add(f.field, alts)
	}
	hyper, err := addSet(x, m, at)
	if err != nil {
		return err
	}
	for _, a := range where {
		at["where."+a.Name] = at["where"]
	}
	return expand(x, m["name"], func(name string, b map[string]choice) error {
		set := setOf(hyper, b)
		s.Trainings = append(s.Trainings, Training{
			Name: name, Learner: b["learner"].text, Data: b["data"].text, Where: where,
			Test: b["test"].text, Label: label, Set: set, Seed: uint64(b["seed"].num),
			CheckpointEvery: int(b["checkpoint-every"].num), Resources: res, at: at,
		})
		return nil
	})
}
