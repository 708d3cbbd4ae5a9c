package main

import (
	"fmt"
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
// datasets trained on, key hyper-parameters and final losses.
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
			if h := keyValues(l.HyperParameters, keyHyperParameters, len(keyHyperParameters), shortFloat); h != "" {
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

// keyHyperParameters are shown first in `models list`, the rest sorted by
// name up to the limit (all of them are in --json and show); `visible`
// tells RBMs of ±1 and spin-1 units apart.
var keyHyperParameters = []string{"hidden", "visible", "epochs", "lr", "batch"}

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
