package compare

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

// Table is entries of one kind side by side.
type Table struct {
	Kind registry.Kind `json:"kind"`
	// Columns are every column any row has: those in Differ first, then
	// those whose value is the same in every row.
	Columns []string `json:"columns"`
	Differ  []string `json:"differ"`
	Rows    []Row    `json:"rows"`
	// Steps, for two runs, are their steps whose entries differ or that
	// only one of them has.
	Steps []StepDiff `json:"steps,omitempty"`
}

// Row is one entry: its values by column, each a float64 or a string.
type Row struct {
	Ref    string         `json:"ref"` // NAME:VERSION
	Digest string         `json:"digest"`
	Values map[string]any `json:"values"`
}

// Text formats a value for a table cell ("" when the row has none).
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// Build tabulates es, all of one kind, reading their manifests (and run
// records) from s.
func Build(s *registry.Store, es []registry.Entry) (*Table, error) {
	rs, err := rows(s, es)
	if err != nil {
		return nil, err
	}
	t := &Table{Rows: rs}
	if len(es) > 0 {
		t.Kind = es[0].Kind
	}
	t.arrange()
	return t, nil
}

func rows(s *registry.Store, es []registry.Entry) ([]Row, error) {
	refs := refCache{s: s, m: map[string]string{}}
	out := make([]Row, len(es))
	for i, en := range es {
		vs, err := values(s, &refs, en)
		if err != nil {
			return nil, fmt.Errorf("compare: %s %s: %w", en.Kind, en.Ref(), err)
		}
		out[i] = Row{Ref: en.Ref(), Digest: en.Digest, Values: vs}
	}
	return out, nil
}

// arrange orders the columns: differing first, each group by rank (what
// made the entry before what came of it), then by name.
func (t *Table) arrange() {
	seen := map[string]bool{}
	var cols []string
	for _, r := range t.Rows {
		for c := range r.Values {
			if !seen[c] {
				seen[c] = true
				cols = append(cols, c)
			}
		}
	}
	sort.Slice(cols, func(i, j int) bool {
		ri, rj := rank(cols[i]), rank(cols[j])
		if ri != rj {
			return ri < rj
		}
		return cols[i] < cols[j]
	})
	var differ, same []string
	for _, c := range cols {
		if t.differs(c) {
			differ = append(differ, c)
		} else {
			same = append(same, c)
		}
	}
	t.Differ = differ
	t.Columns = append(append([]string{}, differ...), same...)
}

func (t *Table) differs(col string) bool {
	for _, r := range t.Rows[1:] {
		if Text(r.Values[col]) != Text(t.Rows[0].Values[col]) {
			return true
		}
	}
	return false
}

// Sort orders the rows by column col, numbers by value, missing values
// last; a leading "-" sorts in descending order.
func (t *Table) Sort(col string) error {
	desc := strings.HasPrefix(col, "-")
	col = strings.TrimPrefix(col, "-")
	if !contains(t.Columns, col) {
		return experiment.Usage(fmt.Errorf("--sort: no column %q (columns: %s)", col, strings.Join(t.Columns, ", ")))
	}
	sort.SliceStable(t.Rows, func(i, j int) bool {
		a, b := t.Rows[i].Values[col], t.Rows[j].Values[col]
		if a == nil || b == nil {
			return b == nil && a != nil
		}
		if desc {
			a, b = b, a
		}
		return less(a, b)
	})
	return nil
}

func less(a, b any) bool {
	x, xok := a.(float64)
	y, yok := b.(float64)
	if xok && yok {
		return x < y
	}
	if xok != yok {
		return xok // numbers before text
	}
	return Text(a) < Text(b)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Resolve finds the entries refs name. With kind "" each ref may name an
// entry of any kind, but all must be of one kind.
func Resolve(s *registry.Store, kind registry.Kind, refs []string) ([]registry.Entry, error) {
	var out []registry.Entry
	for _, ref := range refs {
		en, err := resolveOne(s, kind, ref)
		if err != nil {
			return nil, err
		}
		if len(out) > 0 && en.Kind != out[0].Kind {
			return nil, experiment.Usage(fmt.Errorf("%s is a %s and %s a %s: compare entries of one kind", out[0].Ref(), out[0].Kind, ref, en.Kind))
		}
		out = append(out, en)
	}
	return out, nil
}

func resolveOne(s *registry.Store, kind registry.Kind, ref string) (registry.Entry, error) {
	if kind != "" {
		en, err := s.Resolve(kind, ref)
		return en, experiment.RefError(err)
	}
	var found []registry.Entry
	for _, k := range registry.Kinds {
		en, err := s.Resolve(k, ref)
		switch {
		case err == nil:
			found = append(found, en)
		case errors.Is(err, registry.ErrNotFound):
		default:
			return registry.Entry{}, experiment.RefError(err)
		}
	}
	switch len(found) {
	case 0:
		return registry.Entry{}, experiment.Usage(fmt.Errorf("no entry of any kind is named %q (see `rgml KINDS list`)", ref))
	case 1:
		return found[0], nil
	}
	kinds := make([]string, len(found))
	for i, en := range found {
		kinds[i] = string(en.Kind)
	}
	return registry.Entry{}, experiment.Usage(fmt.Errorf("%q names a %s: say which with --kind", ref, strings.Join(kinds, " and a ")))
}

// compact writes a non-scalar value as one line of JSON.
func compact(v any) any {
	switch x := v.(type) {
	case float64, string:
		return x
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case bool:
		return strconv.FormatBool(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
