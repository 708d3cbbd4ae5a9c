package spec

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/rgml/rgml/framework/grid"
)

// The spec is read from goccy/go-yaml's syntax tree rather than decoded by
// reflection, so that every error (an unknown field, a wrong type, a bad
// range) names the exact line, column and field path, in one place.

// node is a syntax-tree node with the field path that led to it.
type node struct {
	n    ast.Node
	file string
	path string
}

func (n node) pos() Pos {
	// A mapping's token is its first ':'; people look for its first key.
	switch m := n.n.(type) {
	case *ast.MappingNode:
		if len(m.Values) > 0 && m.Values[0].Key != nil {
			return n.child(m.Values[0].Key, n.path).pos()
		}
	case *ast.MappingValueNode:
		if m.Key != nil {
			return n.child(m.Key, n.path).pos()
		}
	}
	if n.n == nil {
		return Pos{File: n.file}
	}
	tk := n.n.GetToken()
	if tk == nil || tk.Position == nil {
		return Pos{File: n.file}
	}
	return Pos{File: n.file, Line: tk.Position.Line, Column: tk.Position.Column}
}

func (n node) errf(format string, args ...any) *Error {
	return At(n.pos(), n.path, format, args...)
}

func (n node) child(c ast.Node, path string) node { return node{n: c, file: n.file, path: path} }

// Bounds on a spec, checked before the YAML parser builds its tree: the
// parser's time and memory grow with the square of the nesting depth (a
// 100 KB file of nested lists took 48 s and 3.9 GB) and of the entries of
// one mapping, so depth and tokens are counted on the lexer's linear output
// first. A real spec is a few KB, a few hundred tokens and 5 levels deep.
const (
	MaxSpecBytes  = 256 << 10 // 256 KiB
	MaxSpecDepth  = 32        // nested lists and mappings, block or flow
	MaxSpecTokens = 50000     // keys, values and punctuation
)

// parseDocument parses data and returns its single document's body.
func parseDocument(file string, data []byte) (node, error) {
	if len(data) > MaxSpecBytes {
		return node{}, At(Pos{File: file}, "", "the spec is %d bytes, more than the limit of %d (256 KiB)", len(data), MaxSpecBytes)
	}
	tks := lexer.Tokenize(string(data))
	if err := checkShape(file, tks); err != nil {
		return node{}, err
	}
	f, err := parser.Parse(tks, 0)
	if err != nil {
		return node{}, yamlError(file, err)
	}
	var docs []*ast.DocumentNode
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d)
		}
	}
	if len(docs) == 0 {
		return node{}, At(Pos{File: file}, "", "the spec is empty: want a mapping with datasets, trainings and flows")
	}
	if len(docs) > 1 {
		return node{}, node{n: docs[1].Body, file: file}.errf("the spec has %d YAML documents: want one", len(docs))
	}
	return node{n: docs[0].Body, file: file}, nil
}

// checkShape refuses a token stream with more than MaxSpecTokens tokens or
// nested more than MaxSpecDepth deep. Flow collections ([…], {…}) count
// by their brackets; block collections by their indentation: each '-' or
// key at a column right of the enclosing one opens a level, as the parser
// will see it.
func checkShape(file string, tks token.Tokens) error {
	var block []int // columns of the open block collections
	flow := 0
	for _, tk := range tks {
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			flow++
		case token.SequenceEndType, token.MappingEndType:
			flow = max(flow-1, 0)
		case token.DocumentHeaderType:
			block, flow = block[:0], 0
		case token.SequenceEntryType, token.MappingKeyType, token.MappingValueType:
			if flow > 0 || tk.Position == nil {
				break
			}
			col := tk.Position.Column
			if p := tk.Prev; tk.Type == token.MappingValueType && p != nil && p.Position != nil && p.Position.Line == tk.Position.Line {
				col = p.Position.Column // a mapping's level is its keys' column
			}
			for len(block) > 0 && block[len(block)-1] > col {
				block = block[:len(block)-1]
			}
			if len(block) == 0 || block[len(block)-1] != col {
				block = append(block, col)
			}
		}
		if len(block)+flow > MaxSpecDepth {
			p := Pos{File: file}
			if tk.Position != nil {
				p.Line, p.Column = tk.Position.Line, tk.Position.Column
			}
			return At(p, "", "YAML nested more than %d levels deep: a spec needs a handful", MaxSpecDepth)
		}
	}
	if len(tks) > MaxSpecTokens {
		return At(Pos{File: file}, "", "the spec has more than %d YAML tokens (keys, values, punctuation): split it into smaller specs", MaxSpecTokens)
	}
	return nil
}

// yamlError turns a go-yaml syntax error into an Error with its position.
func yamlError(file string, err error) error {
	if e, ok := err.(interface{ GetMessage() string }); ok {
		p := Pos{File: file}
		if te, ok := err.(interface{ GetToken() *token.Token }); ok {
			if tk := te.GetToken(); tk != nil && tk.Position != nil {
				p.Line, p.Column = tk.Position.Line, tk.Position.Column
			}
		}
		return At(p, "", "YAML syntax: %s", e.GetMessage())
	}
	return At(Pos{File: file}, "", "YAML syntax: %v", err)
}

// unwrap resolves anchors and tags; aliases are refused (a reference by
// name is the spec's way to share).
func (n node) unwrap() (node, error) {
	for {
		switch v := n.n.(type) {
		case *ast.AnchorNode:
			n.n = v.Value
		case *ast.TagNode:
			return n, n.errf("YAML tags (!…) are not supported")
		case *ast.AliasNode:
			return n, n.errf("YAML aliases (*…) are not supported: refer to a step by its name")
		default:
			if n.n == nil {
				return n, n.errf("missing value")
			}
			return n, nil
		}
	}
}

// entry is one key: value of a mapping.
type entry struct {
	key   string
	keyAt node
	val   node
}

// mapping returns the entries of a mapping node in order; duplicate keys
// and keys outside allowed (when allowed is not nil) are errors.
func (n node) mapping(allowed []string) ([]entry, error) {
	n, err := n.unwrap()
	if err != nil {
		return nil, err
	}
	m, ok := n.n.(*ast.MappingNode)
	if !ok {
		if mv, ok2 := n.n.(*ast.MappingValueNode); ok2 {
			m = &ast.MappingNode{Values: []*ast.MappingValueNode{mv}}
			ok = true
		}
	}
	if !ok {
		return nil, n.errf("want a mapping (key: value lines), got %s", kindOf(n.n))
	}
	seen := map[string]bool{}
	var out []entry
	for _, mv := range m.Values {
		kn := n.child(mv.Key, n.path)
		if _, isMerge := mv.Key.(*ast.MergeKeyNode); isMerge {
			return nil, kn.errf("YAML merge keys (<<) are not supported")
		}
		var key string
		switch k := mv.Key.(type) {
		case *ast.StringNode:
			key = k.Value
		case *ast.MappingKeyNode:
			return nil, kn.errf("complex mapping keys (?) are not supported")
		default:
			key = strings.TrimSpace(mv.Key.String())
		}
		p := key
		if n.path != "" {
			p = n.path + "." + key
		}
		kn.path = p
		if seen[key] {
			return nil, kn.errf("given twice")
		}
		seen[key] = true
		if allowed != nil && !contains(allowed, key) {
			return nil, kn.errf("unknown field (known: %s)", strings.Join(allowed, ", "))
		}
		out = append(out, entry{key: key, keyAt: kn, val: n.child(mv.Value, p)})
	}
	return out, nil
}

func (n node) sequence() ([]node, bool, error) {
	n, err := n.unwrap()
	if err != nil {
		return nil, false, err
	}
	s, ok := n.n.(*ast.SequenceNode)
	if !ok {
		return nil, false, nil
	}
	out := make([]node, len(s.Values))
	for i, v := range s.Values {
		out[i] = n.child(v, fmt.Sprintf("%s[%d]", n.path, i))
	}
	return out, true, nil
}

func kindOf(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.StringNode, *ast.LiteralNode:
		return "a string"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "a boolean"
	case *ast.NullNode:
		return "nothing (null)"
	}
	return "an unsupported YAML node"
}

// str reads a string scalar.
func (n node) str() (string, error) {
	n, err := n.unwrap()
	if err != nil {
		return "", err
	}
	switch v := n.n.(type) {
	case *ast.StringNode:
		return v.Value, nil
	case *ast.LiteralNode:
		return v.Value.Value, nil
	}
	return "", n.errf("want a string, got %s", kindOf(n.n))
}

// number reads a finite numeric scalar.
func (n node) number() (float64, error) {
	n, err := n.unwrap()
	if err != nil {
		return 0, err
	}
	switch v := n.n.(type) {
	case *ast.IntegerNode:
		switch x := v.Value.(type) {
		case int64:
			return float64(x), nil
		case uint64:
			return float64(x), nil
		}
	case *ast.FloatNode:
		if !math.IsNaN(v.Value) && !math.IsInf(v.Value, 0) {
			return v.Value, nil
		}
	}
	return 0, n.errf("want a finite number, got %s", kindOf(n.n))
}

func (n node) boolean() (bool, error) {
	n, err := n.unwrap()
	if err != nil {
		return false, err
	}
	if b, ok := n.n.(*ast.BoolNode); ok {
		return b.Value, nil
	}
	return false, n.errf("want true or false, got %s", kindOf(n.n))
}

// values reads a value set: a number, a list of numbers, or a string in
// the notation of the CLI's --param: "START:STOP:STEP" (inclusive) or
// "V1,V2,…".
func (n node) values() ([]float64, error) {
	items, isSeq, err := n.sequence()
	if err != nil {
		return nil, err
	}
	if isSeq {
		if len(items) == 0 {
			return nil, n.errf("empty list: give at least one value")
		}
		if len(items) > grid.MaxValues {
			return nil, n.errf("more than %d values", grid.MaxValues)
		}
		out := make([]float64, len(items))
		for i, it := range items {
			if out[i], err = it.value(); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	u, err := n.unwrap()
	if err != nil {
		return nil, err
	}
	if _, isStr := u.n.(*ast.StringNode); isStr {
		s, _ := u.str()
		a, err := grid.Parse("x=" + s)
		if err != nil {
			// The reason the CLI gives for --param, without its "parameter
			// x=…" (the field path names the parameter).
			if reason := errors.Unwrap(err); reason != nil {
				return nil, n.errf("%v", reason)
			}
			return nil, n.errf("%q: want a number, a list [a, b, …], a range \"START:STOP:STEP\" or \"V1,V2,…\"", s)
		}
		return a.Values, nil
	}
	v, err := n.value()
	if err != nil {
		if kindOf(u.n) == "a number" {
			return nil, err
		}
		return nil, n.errf("want a number, a list of numbers or a range \"START:STOP:STEP\", got %s", kindOf(u.n))
	}
	return []float64{v}, nil
}

// value reads one number of a value set: a finite number, or inf / .inf
// (+Inf, e.g. T = ∞; the plugin's description says whether it takes it).
func (n node) value() (float64, error) {
	u, err := n.unwrap()
	if err != nil {
		return 0, err
	}
	switch v := u.n.(type) {
	case *ast.InfinityNode:
		if math.IsInf(v.Value, 1) {
			return v.Value, nil
		}
	case *ast.StringNode:
		if t := strings.ToLower(strings.TrimSpace(v.Value)); t == "inf" || t == "+inf" {
			return math.Inf(1), nil
		}
		// goccy/go-yaml reads 1e-3 (no dot) as a string; the scalar
		// T: 1e-3 is read by grid.Parse, so an item of a list is too.
		if a, err := grid.Parse("x=" + v.Value); err == nil && a.Range == "" && len(a.Values) == 1 {
			return a.Values[0], nil
		}
	}
	if kindOf(u.n) == "a number" {
		if _, err := n.number(); err != nil {
			// As grid.Parse says it of --param.
			return 0, n.errf("%q is not a finite number (nor inf)", strings.TrimSpace(u.n.GetToken().Value))
		}
	}
	return n.number()
}

// strings reads a string or a list of strings.
func (n node) strs() ([]string, error) {
	items, isSeq, err := n.sequence()
	if err != nil {
		return nil, err
	}
	if !isSeq {
		s, err := n.str()
		if err != nil {
			return nil, n.errf("want a name or a list of names, got %s", kindOf(n.n))
		}
		return []string{s}, nil
	}
	if len(items) == 0 {
		return nil, n.errf("empty list: give at least one name")
	}
	out := make([]string, len(items))
	for i, it := range items {
		if out[i], err = it.str(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// axes reads a mapping NAME: value set (a parameter grid, a selection).
func (n node) axes() ([]grid.Axis, error) {
	es, err := n.mapping(nil)
	if err != nil {
		return nil, err
	}
	var out []grid.Axis
	for _, e := range es {
		if _, err := grid.Parse(e.key + "=0"); err != nil {
			return nil, e.keyAt.errf("name %q may only contain letters, digits and _", e.key)
		}
		vs, err := e.val.values()
		if err != nil {
			return nil, err
		}
		a := grid.Axis{Name: e.key, Values: vs}
		if u, err := e.val.unwrap(); err == nil {
			if s, isStr := u.n.(*ast.StringNode); isStr {
				if r, err := grid.Parse("x=" + s.Value); err == nil {
					a.Range = r.Range
				}
			}
		}
		out = append(out, a)
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// FormatNumber writes v as specs and step names write numbers: in its
// shortest form.
func FormatNumber(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
