package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/rgml/rgml/registry"
)

// printLineage prints every field --json has: the familiar ones in a
// readable form, then whatever else the lineage carries (its Extra, and
// fields added later) generically, so the text never hides what a
// plugin or step recorded.
func printLineage(e *env, s *registry.Store, indent string, l registry.Lineage) {
	if l.Description != "" {
		fmt.Fprintf(e.stdout, "%sdescription %s\n", indent, l.Description)
	}
	if l.Plugin != nil {
		fmt.Fprintf(e.stdout, "%splugin %s %s (sha256 %s)\n", indent, l.Plugin.Name, l.Plugin.Version, short(l.Plugin.SHA256))
	}
	if l.Algorithm != "" {
		fmt.Fprintf(e.stdout, "%salgorithm %s\n", indent, l.Algorithm)
	}
	fmt.Fprintf(e.stdout, "%sseed %d\n", indent, l.Seed)
	for _, m := range []struct {
		name string
		v    map[string]any
	}{{"parameters", l.Parameters}, {"hyper-parameters", l.HyperParameters}} {
		if len(m.v) > 0 {
			fmt.Fprintf(e.stdout, "%s%s %s\n", indent, m.name, shortJSON(m.v, "", ""))
		}
	}
	for _, n := range []struct {
		name string
		v    int64
	}{{"samples", l.Samples}, {"per-point", l.PerPoint}} {
		if n.v != 0 {
			fmt.Fprintf(e.stdout, "%s%s %d\n", indent, n.name, n.v)
		}
	}
	for _, d := range l.Datasets {
		fmt.Fprintf(e.stdout, "%sdataset %s\n", indent, entryRef(s, d))
	}
	if l.Parent != "" {
		fmt.Fprintf(e.stdout, "%sparent %s\n", indent, entryRef(s, l.Parent))
	}
	for _, in := range l.Inputs {
		fmt.Fprintf(e.stdout, "%sinput %s %s\n", indent, in.Role, entryRef(s, in.Digest))
	}
	if l.Key != "" {
		fmt.Fprintf(e.stdout, "%skey %s\n", indent, l.Key)
	}
	if l.Metrics != nil {
		fmt.Fprintf(e.stdout, "%smetrics %s\n", indent, shortJSON(l.Metrics, "", ""))
	}
	if l.Host != nil {
		host := strings.TrimSpace(strings.Join([]string{l.Host.Version, l.Host.Commit, l.Host.Machine}, " "))
		fmt.Fprintf(e.stdout, "%shost rgml %s\n", indent, strings.Join(strings.Fields(host), " "))
	}
	rest := lineageRest(l)
	for _, k := range slices.Sorted(maps.Keys(rest)) {
		fmt.Fprintf(e.stdout, "%s%s %s\n", indent, strings.ReplaceAll(k, "_", "-"), shortJSON(rest[k], "", ""))
	}
}

// lineageRest is what printLineage does not print field by field: the
// Extra keys, and any JSON field of Lineage it does not know, by JSON name.
func lineageRest(l registry.Lineage) map[string]any {
	var all map[string]any
	b, _ := json.Marshal(l)
	_ = json.Unmarshal(b, &all)
	for _, k := range []string{"description", "plugin", "host", "algorithm", "seed", "parameters", "hyper_parameters",
		"samples", "per_point", "datasets", "parent", "inputs", "key", "metrics", "extra"} {
		delete(all, k)
	}
	for k, v := range l.Extra {
		all[k] = v
	}
	return all
}
