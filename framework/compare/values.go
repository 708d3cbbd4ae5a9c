package compare

import (
	"strings"

	"github.com/rgml/rgml/registry"
)

// Column prefixes of the values that come from maps of the lineage;
// parameters and hyper-parameters keep their own names, so that a filter
// reads `hidden>=64`.
const (
	inputPrefix  = "input:"
	finalPrefix  = "final:"
	metricPrefix = "metric:"
	extraPrefix  = "extra:"
)

// rank orders the columns of a group: what made an entry (plugin, code,
// parameters, inputs) before what came of it (metrics, a run's outcome).
func rank(col string) int {
	switch {
	case pluginColumns[col] || strings.HasSuffix(col, "_version") || strings.HasSuffix(col, "_sha256") || col == "code":
		return 0
	case strings.HasPrefix(col, inputPrefix) || col == "datasets" || col == "parent":
		return 2
	case strings.HasPrefix(col, finalPrefix) || strings.HasPrefix(col, metricPrefix):
		return 3
	case strings.HasPrefix(col, extraPrefix):
		return 4
	case col == "status" || col == "seconds" || col == "steps" || col == "spec" || col == "spec_digest":
		return 5
	}
	return 1
}

// pluginColumn names the plugin that made an entry by the part it played,
// so that a filter reads `learner=rbm`.
func pluginColumn(kind registry.Kind) string {
	switch kind {
	case registry.Dataset:
		return "model"
	case registry.Model, registry.Flow:
		return "learner"
	case registry.Analysis:
		return "analyzer"
	}
	return "plugin"
}

var pluginColumns = map[string]bool{"model": true, "learner": true, "analyzer": true, "plugin": true}

// refCache names entries by digest, looking each up once.
type refCache struct {
	s *registry.Store
	m map[string]string
}

func (c *refCache) ref(d string) string {
	if r, ok := c.m[d]; ok {
		return r
	}
	r := short(d)
	if en, err := c.s.Lookup(d); err == nil {
		r = en.Ref()
	}
	c.m[d] = r
	return r
}

func short(d string) string {
	h := strings.TrimPrefix(d, registry.DigestPrefix)
	return h[:min(12, len(h))]
}

// values are an entry's columns.
func values(s *registry.Store, refs *refCache, en registry.Entry) (map[string]any, error) {
	m, err := s.Manifest(en)
	if err != nil {
		return nil, err
	}
	l := m.Lineage
	vs := map[string]any{}
	lineageValues(vs, refs, pluginColumn(en.Kind), l)
	if en.Kind == registry.Run {
		r, err := s.RunRecord(en)
		if err != nil {
			return nil, err
		}
		vs["status"], vs["seconds"], vs["steps"] = r.Status, r.Seconds, float64(len(r.Steps))
		vs["spec"] = r.Spec
		if r.SpecDigest != "" {
			vs["spec_digest"] = short(r.SpecDigest)
		}
	}
	return vs, nil
}

func lineageValues(vs map[string]any, refs *refCache, plugin string, l registry.Lineage) {
	if p := l.Plugin; p != nil {
		vs[plugin], vs[plugin+"_version"], vs[plugin+"_sha256"] = p.Name, p.Version, short(p.SHA256)
	}
	if h := l.Host; h != nil {
		code := h.Version
		if h.Commit != "" {
			code += " " + h.Commit[:min(12, len(h.Commit))]
		}
		vs["code"] = code
	}
	if l.Algorithm != "" {
		vs["algorithm"] = l.Algorithm
	}
	if l.Plugin != nil || l.Seed != 0 {
		vs["seed"] = float64(l.Seed)
	}
	if l.Samples != 0 {
		vs["samples"] = float64(l.Samples)
	}
	if l.PerPoint != 0 {
		vs["per_point"] = float64(l.PerPoint)
	}
	for k, v := range l.Parameters {
		vs[k] = compact(v)
	}
	for k, v := range l.HyperParameters {
		vs[k] = compact(v)
	}
	if len(l.Datasets) > 0 {
		names := make([]string, len(l.Datasets))
		for i, d := range l.Datasets {
			names[i] = refs.ref(d)
		}
		vs["datasets"] = strings.Join(names, ",")
	}
	if l.Parent != "" {
		vs["parent"] = refs.ref(l.Parent)
	}
	for _, in := range l.Inputs {
		vs[inputPrefix+in.Role] = refs.ref(in.Digest)
	}
	metricValues(vs, l.Metrics)
	for k, v := range l.Extra {
		// Maps (a batch system's job ids, references) are bookkeeping,
		// not a parameter one compares.
		if _, isMap := v.(map[string]any); !isMap {
			vs[extraPrefix+k] = compact(v)
		}
	}
}

func metricValues(vs map[string]any, m *registry.Metrics) {
	if m == nil {
		return
	}
	if m.Epochs != 0 {
		vs[metricPrefix+"epochs"] = float64(m.Epochs)
	}
	if m.WallSeconds != 0 {
		vs[metricPrefix+"wall_seconds"] = m.WallSeconds
	}
	for k, v := range m.FinalLosses {
		vs[finalPrefix+k] = v
	}
	for k, v := range m.Other {
		vs[metricPrefix+k] = v
	}
}
