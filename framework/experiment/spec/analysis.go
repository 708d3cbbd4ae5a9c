package spec

import (
	"strings"

	"github.com/rgml/rgml/framework/grid"
)

func (s *Spec) parseAnalysis(it node) error {
	m, it, err := stepHead(it, analysisFields, "analysis")
	if err != nil {
		return err
	}
	if _, ok := m["analyzer"]; !ok {
		return it.errf("the analysis has no analyzer")
	}
	var analyses []string
	if e, ok := m["analyses"]; ok {
		if m["model"].val.n != nil || m["data"].val.n != nil || m["flow"].val.n != nil {
			return e.val.errf("an analysis of analyses reads them alone: drop its model, data and flow")
		}
		if analyses, err = e.val.strs(); err != nil {
			return err
		}
	} else if m["model"].val.n == nil && m["data"].val.n == nil && m["flow"].val.n == nil {
		return it.errf("the analysis reads nothing: give a model, data, a flow or analyses")
	}
	res, err := parseResources(m)
	if err != nil {
		return err
	}
	at := positions(m, it)
	x := &expander{}
	for _, f := range []string{"analyzer", "model", "data", "flow"} {
		alts := []choice{{}}
		if e, ok := m[f]; ok {
			if alts, err = strChoices(e.val); err != nil {
				return err
			}
		}
		x.add(f, alts)
	}
	seeds := []choice{{text: "1", num: DefaultSeed}}
	if e, ok := m["seed"]; ok {
		if seeds, err = numChoices(e.val, true, 0); err != nil {
			return err
		}
	}
	x.add("seed", seeds)
	var where []grid.Axis
	if e, ok := m["where"]; ok {
		if where, err = e.val.axes(); err != nil {
			return err
		}
	}
	params, err := addSet(x, m, at)
	if err != nil {
		return err
	}
	for _, a := range where {
		at["where."+a.Name] = at["where"]
	}
	return expand(x, m["name"], func(name string, b map[string]choice) error {
		set := setOf(params, b)
		s.Analyses = append(s.Analyses, Analysis{
			Name: name, Analyzer: b["analyzer"].text, Model: b["model"].text, Data: b["data"].text,
			Flow: b["flow"].text, Analyses: analyses, Where: where, Set: set, Seed: uint64(b["seed"].num), Resources: res, at: at,
		})
		return nil
	})
}

// parseReport reads the report section: a mapping of title, out and
// judge, all optional (report: {} asks for the defaults, and no verdicts).
func parseReport(n node) (*Report, error) {
	es, err := n.mapping(reportFields)
	if err != nil {
		return nil, err
	}
	r := &Report{Title: "rgml report", Out: DefaultReportOut, at: map[string]Pos{"": n.pos()}}
	for _, e := range es {
		v, err := e.val.str()
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(v) == "" {
			return nil, e.val.errf("empty %s", e.key)
		}
		r.at[e.key] = e.keyAt.pos()
		switch e.key {
		case "title":
			r.Title = v
		case "out":
			r.Out = v
		case "judge":
			r.Judge = v
		}
	}
	return r, nil
}
