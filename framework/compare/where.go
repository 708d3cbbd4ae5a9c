package compare

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

// Filter keeps the rows whose value of Column compares to Value by Op.
type Filter struct {
	Column, Op, Value string
}

// ops are the comparisons a filter may use, longest first so that ">="
// is not read as ">" followed by "=5".
var ops = []string{">=", "<=", "!=", "==", "=", ">", "<"}

// ParseFilters reads filters such as "learner=rbm" and "hidden>=64"; each
// argument may hold several, separated by spaces.
func ParseFilters(args []string) ([]Filter, error) {
	var out []Filter
	for _, arg := range args {
		for _, f := range strings.Fields(arg) {
			flt, ok := parseFilter(f)
			if !ok {
				return nil, experiment.Usage(fmt.Errorf("--where %q: write COLUMN, a comparison (= != < <= > >=) and a value, e.g. hidden>=64", f))
			}
			out = append(out, flt)
		}
	}
	return out, nil
}

func parseFilter(f string) (Filter, bool) {
	i := strings.IndexAny(f, "<>=!")
	if i <= 0 {
		return Filter{}, false
	}
	for _, op := range ops {
		if v, ok := strings.CutPrefix(f[i:], op); ok {
			if v == "" || strings.ContainsAny(v, "<>=") {
				return Filter{}, false
			}
			if op == "==" {
				op = "="
			}
			return Filter{Column: f[:i], Op: op, Value: v}, true
		}
	}
	return Filter{}, false
}

// keep reports whether a row's value v passes f: numbers compare by value,
// switches (true/false) with 1/0, yes/no or true/false, other values as
// text; a row without the column fails every filter.
func (f Filter) keep(v any) bool {
	if v == nil {
		return false
	}
	var c int
	x, isNum := v.(float64)
	y, err := strconv.ParseFloat(f.Value, 64)
	sx, isSwitch := switchValue(Text(v))
	sy, toSwitch := switchValue(f.Value)
	switch {
	case isNum && err == nil:
		c = cmpFloat(asPrinted(x), y)
	case !isNum && isSwitch && toSwitch:
		c = cmpFloat(sx, sy)
	default:
		c = strings.Compare(Text(v), f.Value)
	}
	switch f.Op {
	case "=":
		return c == 0
	case "!=":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0 // ">="
}

// asPrinted is x as compare's table prints it: a float32 metric or
// hyper-parameter (0.1 stored as 0.10000000149011612) in its shortest
// float32 form, 0.1, so that the 0.1 a filter copies from the column
// equals it rather than missing it by 1.5e-9.
func asPrinted(x float64) float64 {
	if f32 := float32(x); float64(f32) == x && !math.IsInf(x, 0) {
		if v, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', -1, 32), 64); err == nil {
			return v
		}
	}
	return x
}

// switchValue reads a switch as 0 or 1: a lineage records one as
// true/false, and a filter may write it as the number the learner took.
func switchValue(s string) (float64, bool) {
	switch strings.ToLower(s) {
	case "true", "yes", "1":
		return 1, true
	case "false", "no", "0":
		return 0, true
	}
	return 0, false
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// Where tabulates the entries of kind (es, or all that s lists when es is
// nil) that pass every filter. A filter on a column no entry has is an
// error that lists the columns there are.
func Where(s *registry.Store, kind registry.Kind, es []registry.Entry, filters []Filter) (*Table, error) {
	if es == nil {
		var err error
		if es, err = s.List(kind, ""); err != nil {
			return nil, err
		}
	}
	all, err := rows(s, es)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, r := range all {
		for c := range r.Values {
			have[c] = true
		}
	}
	for _, f := range filters {
		if !have[f.Column] {
			t := &Table{Rows: all}
			t.arrange()
			return nil, experiment.Usage(fmt.Errorf("--where %s: no %s has a column %q (columns: %s)", f.Column+f.Op+f.Value, kind, f.Column, strings.Join(t.Columns, ", ")))
		}
	}
	t := &Table{Kind: kind}
	for _, r := range all {
		ok := true
		for _, f := range filters {
			ok = ok && f.keep(r.Values[f.Column])
		}
		if ok {
			t.Rows = append(t.Rows, r)
		}
	}
	t.arrange()
	return t, nil
}
