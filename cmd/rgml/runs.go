package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

// entryRef names the entry with digest d for people: "model rbm-v64:2",
// "(removed)" after it if it was removed, or the short digest if the
// registry does not know it.
func entryRef(s *registry.Store, d string) string {
	en, err := s.Lookup(d)
	if err != nil {
		h := strings.TrimPrefix(d, registry.DigestPrefix)
		return registry.DigestPrefix + h[:min(12, len(h))] + " (unknown)"
	}
	r := fmt.Sprintf("%s %s", en.Kind, en.Ref())
	if !en.Removed.IsZero() {
		r += " (removed)"
	}
	return r
}

// listWithInputs lists flows and analyses with the entries they were made
// from, by role.
func listWithInputs(e *env, s *registry.Store, es []registry.Entry) error {
	return printTable(e, "NAME\tVERSION\tDIGEST\tCREATED\tPLUGIN\tINPUTS\tALIASES", es, func(en registry.Entry) string {
		plugin, inputs := "?", "-"
		if m, err := s.Manifest(en); err == nil {
			plugin = "-"
			if m.Lineage.Plugin != nil {
				plugin = m.Lineage.Plugin.Name
			}
			var parts []string
			for _, in := range m.Lineage.Inputs {
				ref := entryRef(s, in.Digest)
				parts = append(parts, in.Role+"="+ref[strings.IndexByte(ref, ' ')+1:])
			}
			if len(parts) > 0 {
				inputs = strings.Join(parts, " ")
			}
		}
		return fmt.Sprintf("%s\t%d\t%s\t%s\t%s\t%s\t%s", en.Name, en.Version, en.ShortDigest(),
			en.Created.Local().Format(time.DateTime), plugin, inputs, strings.Join(en.Aliases, ","))
	})
}

// runRecord is experiment.RunRecordOf: the record of a run entry (nil
// for other kinds).
func runRecord(s *registry.Store, en registry.Entry, m registry.Manifest) (*registry.RunRecord, error) {
	return experiment.RunRecordOf(s, en, m)
}

// listRuns lists runs with their status, step count and duration.
func listRuns(e *env, s *registry.Store, es []registry.Entry) error {
	return printTable(e, "NAME\tVERSION\tDIGEST\tCREATED\tSTATUS\tSTEPS\tSECONDS\tALIASES", es, func(en registry.Entry) string {
		status, steps, secs := "?", "?", "-"
		if m, err := s.Manifest(en); err == nil {
			if r, err := experiment.SettledRunRecord(context.Background(), s, en, m); err == nil {
				status, steps = orDash(r.Status), strconv.Itoa(len(r.Steps))
				if r.Seconds > 0 {
					secs = strconv.FormatFloat(r.Seconds, 'f', 1, 64)
				}
			}
		}
		return fmt.Sprintf("%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s", en.Name, en.Version, en.ShortDigest(),
			en.Created.Local().Format(time.DateTime), status, steps, secs, strings.Join(en.Aliases, ","))
	})
}

// showRun prints a run: its spec and status, then each step's entry,
// status and time.
func showRun(e *env, s *registry.Store, en registry.Entry, r *registry.RunRecord) error {
	fmt.Fprintf(e.stdout, "%s\ndigest:  %s\ncreated: %s\n", en, en.Digest, en.Created.Local().Format(time.RFC3339))
	if r.Spec != "" || r.SpecDigest != "" {
		fmt.Fprintf(e.stdout, "spec:    %s %s\n", orDash(r.Spec), r.SpecDigest)
	}
	fmt.Fprintf(e.stdout, "status:  %s", orDash(r.Status))
	if r.Seconds > 0 {
		fmt.Fprintf(e.stdout, " in %.1f s", r.Seconds)
	}
	fmt.Fprintln(e.stdout)
	err := printTable(e, "STEP\tKIND\tENTRY\tSTATUS\tSECONDS\tERROR", r.Steps, func(st registry.RunStep) string {
		ref := st.Entry
		if st.Digest != "" {
			if t, err := s.Lookup(st.Digest); err == nil && !t.Removed.IsZero() {
				ref += " (removed)"
			}
		}
		secs := "-"
		if st.Seconds > 0 || st.Status == registry.StatusDone {
			secs = strconv.FormatFloat(st.Seconds, 'f', 1, 64)
		}
		return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s", st.Name, orDash(string(st.Kind)), orDash(ref), orDash(st.Status), secs,
			orDash(strings.ReplaceAll(st.Error, "\n", " ")))
	})
	if err != nil {
		return err
	}
	return printReads(e, s, en)
}

// printReads says which entries a run read from the registry (its spec's
// registry:NAME inputs, recorded as its inputs read:KIND.NAME:VERSION):
// they are no steps of it.
func printReads(e *env, s *registry.Store, en registry.Entry) error {
	m, err := s.Manifest(en)
	if err != nil {
		return err
	}
	for _, in := range m.Lineage.Inputs {
		if strings.HasPrefix(in.Role, "read:") {
			fmt.Fprintf(e.stdout, "read from the registry: %s\n", entryRef(s, in.Digest))
		}
	}
	return nil
}
