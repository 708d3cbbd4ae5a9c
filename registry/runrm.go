package registry

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// RunRemoval is what RemoveRuns did.
type RunRemoval struct {
	Runs    []Entry     // the run entries removed
	Removed []Entry     // entries the runs registered, removed
	Kept    []KeptEntry // entries the runs registered that stay
}

// KeptEntry is an entry RemoveRuns left in place, and why.
type KeptEntry struct {
	Entry  Entry
	Reason string // "needed by KIND NAME:VERSION, …", "tagged ALIAS, …" or "recorded by run NAME:VERSION too"
}

// RemoveRuns removes the run entries runs and, of the entries their
// records say they registered (steps with StatusDone, and submitted steps
// whose jobs registered their result: ResolveSubmitted), each that no live
// entry outside them needs and no user alias names: the results of those
// runs and nothing of anyone else's. A step a run found already
// registered (StatusSkipped) is not the run's and stays. Everything is
// removed in one transaction, as Remove removes (blobs go at GC); nothing
// is removed if one of runs is not a live run entry. An entry that a live
// run outside runs also recorded as its result stays: two submissions of
// one study whose jobs shared a result (one waited for the other's lease)
// both name it.
func (s *Store) RemoveRuns(ctx context.Context, runs []Entry) (RunRemoval, error) {
	var out RunRemoval
	if err := s.checkWritable("remove"); err != nil {
		return out, err
	}
	// The records are read before the transaction: blobs are immutable,
	// and reading them takes no lock on the metadata.
	var made []string
	for _, r := range runs {
		hs, err := s.runResults(ctx, r)
		if err != nil {
			return out, err
		}
		for _, h := range hs {
			if !slices.Contains(made, h) {
				made = append(made, h)
			}
		}
	}
	others, err := s.otherRunsResults(ctx, runs)
	if err != nil {
		return out, err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return out, fmt.Errorf("registry: remove runs: %w", err)
	}
	defer tx.Rollback()
	now := s.timestamp()
	for _, r := range runs {
		h, err := normalizeDigest(r.Digest)
		if err != nil {
			return RunRemoval{}, fmt.Errorf("registry: %w", err)
		}
		e, ok, err := s.loadOne(ctx, tx, `e.digest = ? AND e.removed IS NULL`, h)
		if err != nil {
			return RunRemoval{}, err
		}
		if !ok || e.Kind != Run {
			return RunRemoval{}, fmt.Errorf("registry: remove runs: %w: %s %s is not a live run", ErrNotFound, r.Kind, r.Ref())
		}
		if err := removeIn(ctx, tx, e, now); err != nil {
			return RunRemoval{}, err
		}
		out.Runs = append(out.Runs, e)
	}
	// Remove what nothing live needs until nothing more can go: a flow
	// frees the model it was made from, the model its dataset.
	pending := map[string]Entry{}
	for _, h := range made {
		e, ok, err := s.loadOne(ctx, tx, `e.digest = ? AND e.removed IS NULL`, h)
		if err != nil {
			return RunRemoval{}, err
		}
		if ok {
			pending[h] = e
		}
	}
	why := map[string]string{}
	for progress := true; progress; {
		progress = false
		for _, h := range made {
			e, ok := pending[h]
			if !ok {
				continue
			}
			if tags := userAliases(e); len(tags) > 0 {
				why[h] = "tagged " + strings.Join(tags, ", ")
				continue
			}
			if rs := others[h]; len(rs) > 0 {
				why[h] = "recorded by run " + strings.Join(rs, ", ") + " too"
				continue
			}
			deps, err := s.dependents(ctx, tx, h)
			if err != nil {
				return RunRemoval{}, fmt.Errorf("registry: remove %s: %w", e, err)
			}
			if len(deps) > 0 {
				names := make([]string, len(deps))
				for i, d := range deps {
					names[i] = fmt.Sprintf("%s %s", d.Kind, d.Ref())
				}
				why[h] = "needed by " + strings.Join(names, ", ")
				continue
			}
			if err := removeIn(ctx, tx, e, now); err != nil {
				return RunRemoval{}, err
			}
			delete(pending, h)
			delete(why, h)
			e.Aliases, e.Removed = nil, now
			out.Removed = append(out.Removed, e)
			progress = true
		}
	}
	if err := tx.Commit(); err != nil {
		return RunRemoval{}, fmt.Errorf("registry: remove runs: %w", err)
	}
	for h, e := range pending {
		out.Kept = append(out.Kept, KeptEntry{Entry: e, Reason: why[h]})
	}
	for _, l := range [][]Entry{out.Runs, out.Removed} {
		slices.SortFunc(l, compareEntries)
	}
	slices.SortFunc(out.Kept, func(a, b KeptEntry) int { return compareEntries(a.Entry, b.Entry) })
	for i := range out.Runs {
		out.Runs[i].Aliases, out.Runs[i].Removed = nil, now
	}
	return out, nil
}

// userAliases returns e's aliases other than "latest".
func userAliases(e Entry) []string {
	var out []string
	for _, a := range e.Aliases {
		if a != "latest" {
			out = append(out, a)
		}
	}
	return out
}

func compareEntries(a, b Entry) int {
	if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
		return c
	}
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	return a.Version - b.Version
}

// runResults returns the digests of the entries the run entry r recorded
// as its results (StatusDone, submitted steps resolved).
func (s *Store) runResults(ctx context.Context, r Entry) ([]string, error) {
	rec, err := s.RunRecord(r)
	if err != nil {
		return nil, err
	}
	if _, err := s.ResolveSubmitted(ctx, &rec); err != nil {
		return nil, err
	}
	var out []string
	for _, st := range rec.Steps {
		if st.Status == StatusDone && st.Digest != "" {
			if h, err := normalizeDigest(st.Digest); err == nil {
				out = append(out, h)
			}
		}
	}
	return out, nil
}

// otherRunsResults maps each entry that a live run other than runs
// recorded as its result to those runs' references.
func (s *Store) otherRunsResults(ctx context.Context, runs []Entry) (map[string][]string, error) {
	all, err := s.List(Run, "")
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, r := range all {
		if !r.Removed.IsZero() || slices.ContainsFunc(runs, func(x Entry) bool { return x.Digest == r.Digest }) {
			continue
		}
		if _, ok := r.File(RunRecordFile); !ok {
			continue
		}
		hs, err := s.runResults(ctx, r)
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			out[h] = append(out[h], r.Ref())
		}
	}
	return out, nil
}
