package spec

import (
	"math"
	"regexp"
	"strings"

	"github.com/rgml/rgml/framework/sdk"
)

// choice is one alternative of an expandable field.
type choice struct {
	text string // as in a name template: numbers in shortest form
	num  float64
	pos  Pos
}

// expander collects the alternatives of a step's expandable fields and
// produces one binding per combination.
type expander struct {
	fields []string
	alts   [][]choice
}

func (x *expander) add(field string, alts []choice) {
	x.fields = append(x.fields, field)
	x.alts = append(x.alts, alts)
}

func (x *expander) count() int {
	n := 1
	for _, a := range x.alts {
		n *= len(a)
		if n > MaxSteps {
			return n
		}
	}
	return n
}

// each calls f with every combination, the first field varying slowest.
func (x *expander) each(f func(map[string]choice) error) error {
	idx := make([]int, len(x.alts))
	for {
		b := make(map[string]choice, len(x.fields))
		for i, fld := range x.fields {
			b[fld] = x.alts[i][idx[i]]
		}
		if err := f(b); err != nil {
			return err
		}
		i := len(idx) - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(x.alts[i]) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return nil
		}
	}
}

func numChoices(n node, integer bool, min float64) ([]choice, error) {
	vs, err := n.values()
	if err != nil {
		return nil, err
	}
	out := make([]choice, len(vs))
	for i, v := range vs {
		if integer && v != math.Trunc(v) {
			return nil, n.errf("%v is not an integer", v)
		}
		// Read as float64, 2^53+1 is already 2^53, which a check for
		// "above 2^53" let through: ≥ catches every integer rounded there.
		if integer && math.Abs(v) >= sdk.MaxInt {
			return nil, n.errf("%s: want an integer below 2^53 = %d", literal(n, v), int64(sdk.MaxInt))
		}
		if v < min {
			return nil, n.errf("%v: must be at least %v", v, min)
		}
		out[i] = choice{text: FormatNumber(v), num: v, pos: n.pos()}
	}
	return out, nil
}

// literal is v as the spec writes it (the item of a list that reads as
// v), not as float64 rounded it.
func literal(n node, v float64) string {
	nodes := []node{n}
	if items, isSeq, err := n.sequence(); err == nil && isSeq {
		nodes = items
	}
	for _, it := range nodes {
		if u, err := it.unwrap(); err == nil {
			if x, err := it.value(); err == nil && x == v {
				return strings.TrimSpace(u.n.GetToken().Value)
			}
		}
	}
	return FormatNumber(v)
}

func strChoices(n node) ([]choice, error) {
	ss, err := n.strs()
	if err != nil {
		return nil, err
	}
	out := make([]choice, len(ss))
	for i, s := range ss {
		if strings.TrimSpace(s) == "" {
			return nil, n.errf("empty name")
		}
		out[i] = choice{text: s, pos: n.pos()}
	}
	return out, nil
}

// stepHead reads the fields common to every step and returns the step's
// entries by key.
func stepHead(it node, allowed []string, kind string) (map[string]entry, node, error) {
	es, err := it.mapping(allowed)
	if err != nil {
		return nil, it, err
	}
	m := map[string]entry{}
	for _, e := range es {
		m[e.key] = e
	}
	if _, ok := m["name"]; !ok {
		return nil, it, it.errf("the %s has no name: every step is named (name: …)", kind)
	}
	return m, it, nil
}

var placeholderRE = regexp.MustCompile(`\{([^{}]*)\}`)

// expandName fills the {field} placeholders of a name template.
func expandName(tmpl entry, b map[string]choice, vary []string) (string, error) {
	var bad error
	name := placeholderRE.ReplaceAllStringFunc(tmpl.val.nodeString(), func(m string) string {
		key := m[1 : len(m)-1]
		c, ok := b[key]
		if !ok {
			c, ok = b["set."+key]
		}
		if !ok && bad == nil {
			bad = tmpl.val.errf("placeholder {%s} names no field given as a list or range here (have: %s)", key, strings.Join(vary, ", "))
		}
		return c.text
	})
	if bad != nil {
		return "", bad
	}
	if strings.ContainsAny(name, "{}") {
		return "", tmpl.val.errf("unbalanced { } in the name %q", name)
	}
	return name, nil
}

func (n node) nodeString() string {
	s, _ := n.str()
	return s
}

// expand runs the combinations of x, checking that every expanded field
// appears in the name template.
// addSet adds a step's `set` mapping (name → number or list of numbers)
// to x as fields set.NAME, records their positions in at, and returns the
// names in the order written.
func addSet(x *expander, m map[string]entry, at map[string]Pos) ([]string, error) {
	e, ok := m["set"]
	if !ok {
		return nil, nil
	}
	es, err := e.val.mapping(nil)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, h := range es {
		alts, err := numChoices(h.val, false, math.Inf(-1))
		if err != nil {
			return nil, err
		}
		x.add("set."+h.key, alts)
		names = append(names, h.key)
		at["set."+h.key] = h.keyAt.pos()
	}
	return names, nil
}

// setOf is the parameters of one expanded step: each name's chosen value.
func setOf(names []string, b map[string]choice) sdk.Params {
	set := sdk.Params{}
	for _, n := range names {
		set[n] = b["set."+n].num
	}
	return set
}

func expand(x *expander, name entry, build func(name string, b map[string]choice) error) error {
	if _, err := name.val.str(); err != nil {
		return err
	}
	if n := x.count(); n > MaxSteps {
		return name.val.errf("expands to %d steps, more than %d", n, MaxSteps)
	}
	var vary []string
	for i, f := range x.fields {
		if len(x.alts[i]) > 1 {
			vary = append(vary, "{"+strings.TrimPrefix(f, "set.")+"}")
		}
	}
	tmpl := name.val.nodeString()
	for _, v := range vary {
		if !strings.Contains(tmpl, v) && !strings.Contains(tmpl, "{set."+v[1:]) {
			return name.val.errf("%s is a list or range, so the name %q must contain %s to give each step its own name", v[1:len(v)-1], tmpl, v)
		}
	}
	return x.each(func(b map[string]choice) error {
		n, err := expandName(name, b, vary)
		if err != nil {
			return err
		}
		return build(n, b)
	})
}

func positions(m map[string]entry, it node) map[string]Pos {
	at := map[string]Pos{"": it.pos()}
	for k, e := range m {
		at[k] = e.keyAt.pos()
	}
	return at
}
