package main

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

// withLineage is an entry as the --json listings print it.
type withLineage struct {
	registry.Entry
	Lineage       *registry.Lineage   `json:"lineage,omitempty"`
	Run           *registry.RunRecord `json:"run,omitempty"`
	ManifestError string              `json:"manifest_error,omitempty"`
}

func describeEntry(s *registry.Store, en registry.Entry) withLineage {
	m, err := s.Manifest(en)
	if err != nil {
		return withLineage{Entry: en, ManifestError: err.Error()}
	}
	out := withLineage{Entry: en, Lineage: &m.Lineage}
	if out.Run, err = runRecord(s, en, m); err != nil {
		out.ManifestError = err.Error()
	}
	return out
}

// listModels prints the models with what tells them apart: learner, the
// datasets trained on, the hyper-parameters (those that differ first) and final losses.
func listModels(e *env, s *registry.Store, es []registry.Entry) error {
	refs := map[string]string{} // dataset digest -> NAME:VERSION
	datasetRef := func(d string) string {
		if r, ok := refs[d]; ok {
			return r
		}
		r := strings.TrimPrefix(d, registry.DigestPrefix)[:12]
		if en, err := s.Lookup(d); err == nil {
			r = en.Ref()
			if !en.Removed.IsZero() {
				r += " (removed)"
			}
		}
		refs[d] = r
		return r
	}
	order := hyperOrders(e, s, es)
	return printTable(e, "NAME\tVERSION\tDIGEST\tCREATED\tLEARNER\tDATASET\tHYPER-PARAMETERS\tFINAL LOSS\tALIASES", es, func(en registry.Entry) string {
		learner, datasets, hyper, loss := "?", "-", "-", "-"
		if m, err := s.Manifest(en); err == nil {
			l := m.Lineage
			if l.Plugin != nil {
				learner = l.Plugin.Name
			}
			if len(l.Datasets) > 0 {
				names := make([]string, len(l.Datasets))
				for i, d := range l.Datasets {
					names[i] = datasetRef(d)
				}
				datasets = strings.Join(names, ",")
			}
			if h := keyValues(l.HyperParameters, order[pluginKey(l.Plugin)], len(l.HyperParameters), shortFloat); h != "" {
				hyper = h
			}
			if l.Metrics != nil {
				// The final metrics hold a learning rate and norms too:
				// FINAL LOSS shows the losses and errors.
				ls := map[string]any{}
				for k, v := range l.Metrics.FinalLosses {
					if strings.Contains(k, "loss") || strings.Contains(k, "error") {
						ls[k] = v
					}
				}
				if len(ls) > 0 {
					// Four digits tell losses apart; the rest is in show.
					loss = keyValues(ls, nil, len(ls), func(f float64) string { return strconv.FormatFloat(f, 'g', 4, 64) })
				}
			}
		}
		return fmt.Sprintf("%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s", en.Name, en.Version, en.ShortDigest(),
			en.Created.Local().Format(time.DateTime), learner, datasets, hyper, loss, strings.Join(en.Aliases, ","))
	})
}

// listDatasets prints datasets with their lattice (6×6×6, L = 64 chain;
// "?" for data that record none) and number of configurations.
func listDatasets(e *env, s *registry.Store, es []registry.Entry) error {
	return printTable(e, "NAME\tVERSION\tDIGEST\tCREATED\tLATTICE\tCONFIGS\tSIZE\tALIASES", es, func(en registry.Entry) string {
		lattice, configs := "?", "?"
		if m, err := s.Manifest(en); err == nil {
			if L, d := experiment.RecordedLattice(m); L > 0 {
				lattice = strings.TrimPrefix(latticeText(L, d), "an ")
			}
			configs = strconv.FormatInt(m.Lineage.Samples, 10)
		}
		return fmt.Sprintf("%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s", en.Name, en.Version, en.ShortDigest(),
			en.Created.Local().Format(time.DateTime), lattice, configs, humanBytes(en.Size), strings.Join(en.Aliases, ","))
	})
}

// pluginKey names a learner's binary: its models share the order their
// hyper-parameters are shown in.
func pluginKey(p *registry.PluginRef) string {
	if p == nil {
		return ""
	}
	return p.Name + "@" + p.SHA256
}

// hyperOrders is, per learner binary of the listed models, the order in
// which `models list` shows their hyper-parameters (all of them, cut to
// the terminal's width unless --wide): first those whose
// values differ among its listed models (what tells them apart, such as
// the hidden units of RBMs of one study), then the others; each group in
// the order the learner's description declares them, as the registry's
// cache of descriptions keeps it (rgml run keeps one per binary), else by
// name. No plugin is started to list models.
func hyperOrders(e *env, s *registry.Store, es []registry.Entry) map[string][]string {
	hypers := map[string][]map[string]any{}
	refs := map[string]*registry.PluginRef{}
	for _, en := range es {
		if m, err := s.Manifest(en); err == nil && m.Lineage.Plugin != nil {
			k := pluginKey(m.Lineage.Plugin)
			hypers[k], refs[k] = append(hypers[k], m.Lineage.HyperParameters), m.Lineage.Plugin
		}
	}
	dir := ""
	if root, err := e.root(); err == nil && !registry.IsURL(root) {
		dir = filepath.Join(root, "cache", "describe")
	}
	out := map[string][]string{}
	for k, hs := range hypers {
		var declared []string
		if d, ok := experiment.CachedLearner(dir, refs[k].Name, strings.TrimPrefix(refs[k].SHA256, "sha256:")); ok && dir != "" {
			for _, p := range d.Hyperparameters {
				declared = append(declared, p.Name)
			}
		}
		out[k] = orderHyper(hs, declared)
	}
	return out
}

// orderHyper orders the hyper-parameters of hs: those whose values differ
// among hs first, each group in declared order, then by name.
func orderHyper(hs []map[string]any, declared []string) []string {
	names := map[string]bool{}
	for _, h := range hs {
		for k := range h {
			names[k] = true
		}
	}
	all := slices.Sorted(maps.Keys(names))
	rank := func(k string) int {
		if i := slices.Index(declared, k); i >= 0 {
			return i
		}
		return len(declared)
	}
	differs := func(k string) bool {
		for _, h := range hs[1:] {
			if fmt.Sprint(h[k]) != fmt.Sprint(hs[0][k]) {
				return true
			}
		}
		return false
	}
	slices.SortStableFunc(all, func(a, b string) int {
		if da, db := differs(a), differs(b); da != db {
			if da {
				return -1
			}
			return 1
		}
		return rank(a) - rank(b)
	})
	return all
}

// keyValues formats up to n entries of m as "k=v k=v": the keys listed in
// first, in that order, then the others sorted; num prints the numbers.
func keyValues(m map[string]any, first []string, n int, num func(float64) string) string {
	var keys []string
	for _, k := range first {
		if _, ok := m[k]; ok {
			keys = append(keys, k)
		}
	}
	rest := make([]string, 0, len(m))
	for k := range m {
		if !slices.Contains(first, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	keys = append(keys, rest...)
	var parts []string
	for _, k := range keys[:min(n, len(keys))] {
		v := m[k]
		if f, ok := v.(float64); ok {
			v = num(f)
		}
		parts = append(parts, fmt.Sprintf("%s=%v", k, v))
	}
	return strings.Join(parts, " ")
}
