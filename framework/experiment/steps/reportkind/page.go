package reportkind

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/registry"
)

// How the report's page names entries and spells their parameters.

// flowRef names a flow entry in a title or caption: "flow NAME:V",
// without doubling a name that already says flow.
func flowRef(en registry.Entry) string {
	if strings.HasPrefix(strings.ToLower(en.Name), "flow") {
		return en.Ref()
	}
	return "flow " + en.Ref()
}

// flowFrom says which RBM flowed from where, as its lineage records it:
// what tells one flow figure from the next.
func flowFrom(g *gather, en registry.Entry) string {
	var parts []string
	if rbm, ok := g.input(en, "rbm"); ok {
		parts = append(parts, "of RBM "+rbm.Ref())
	}
	if w, ok := g.manifest(en).Lineage.Extra["where"].([]any); ok && len(w) > 0 {
		var sel []string
		for _, x := range w {
			sel = append(sel, fmt.Sprint(x))
		}
		parts = append(parts, "from "+strings.Join(sel, " "))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func refOf(en registry.Entry) string {
	d := strings.TrimPrefix(en.Digest, "sha256:")
	if len(d) > 12 {
		d = d[:12]
	}
	return fmt.Sprintf("%s %s sha256:%s", en.Kind, en.Ref(), d)
}

func paramsOf(m map[string]any) []report.Param {
	var out []report.Param
	for _, k := range sortedKeys(m) {
		v, full := paramValue(m[k])
		if full == v {
			full = ""
		}
		out = append(out, report.Param{Name: k, Value: v, Full: full})
	}
	return out
}

// paramValue spells a lineage value for a reader: yes/no for a switch,
// a list comma-separated, a record as "key value" pairs, a digest
// shortened (full, the whole spelling, for the page to show on hover).
func paramValue(v any) (short, full string) {
	switch x := v.(type) {
	case bool:
		if x {
			return "yes", ""
		}
		return "no", ""
	case string:
		if d, ok := strings.CutPrefix(x, "sha256:"); ok && len(d) > 12 {
			return "sha256:" + d[:12] + "…", x
		}
		if isDigest(x) { // a plugin's binary, as a flow records it: bare hex
			return x[:12] + "…", x
		}
		return x, x
	case []any:
		var s, f []string
		for _, e := range x {
			a, b := paramValue(e)
			s, f = append(s, a), append(f, cmp.Or(b, a))
		}
		return strings.Join(s, ", "), strings.Join(f, ", ")
	case map[string]any:
		var s, f []string
		for _, k := range sortedKeys(x) {
			a, b := paramValue(x[k])
			s, f = append(s, k+" "+a), append(f, k+" "+cmp.Or(b, a))
		}
		return strings.Join(s, "; "), strings.Join(f, "; ")
	}
	return fmt.Sprint(v), ""
}

// isDigest reports whether s is a bare sha256 digest: 64 hex digits.
func isDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}
