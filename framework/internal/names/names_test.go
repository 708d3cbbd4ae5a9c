// Package names holds the test of the rule that framework/ and cmd/ know
// no model, no paper and no plugin: a model's name, the paper's figure
// numbers and the analyzers' names may appear in comments only (and, in
// cmd/, in help text: the examples of a command's usage and description),
// and no code decides by comparing a plugin's name to a literal.
package names

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

var (
	// forbidden in any token but a comment: identifiers, strings, runes
	// (as a word or a camel-case part: "raising" is no model).
	modelWord = regexp.MustCompile(`(?i)ising|blume|capel|potts|onsager|tricritical`)
	// forbidden as whole string literals: plugins a study relies on.
	pluginLit = regexp.MustCompile(`^"(spectrum|correlations)"$`)
	// the paper's figure numbers, in any string.
	figure = regexp.MustCompile(`Figs?\. ?[0-9]`)
)

// generated is the marker `go generate` tools put in their files.
var generated = regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`)

// helpFields are the fields of a command (urfave/cli) whose text is help:
// examples there may name a model.
var helpFields = []string{"Usage", "UsageText", "Description", "ArgsUsage"}

// violations returns, per file under root/dir (non-test, hand-written Go),
// the places that break the rule, as "FILE:LINE: what"; help says that
// string literals of help text (helpFields) are examples, not code.
func violations(t *testing.T, root, dir string, help bool) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil || generated.Match(src) {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		var skip [][2]int
		if help {
			if skip, err = helpText(src); err != nil {
				return err
			}
		}
		out = append(out, tokens(filepath.ToSlash(rel), src, skip)...)
		more, err := pluginCompares(filepath.ToSlash(rel), src)
		out = append(out, more...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// helpText returns the byte ranges of the values of help fields
// (helpFields) in src.
func helpText(src []byte) ([][2]int, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, 0)
	if err != nil {
		return nil, err
	}
	var out [][2]int
	ast.Inspect(f, func(n ast.Node) bool {
		if kv, ok := n.(*ast.KeyValueExpr); ok {
			if k, ok := kv.Key.(*ast.Ident); ok && slices.Contains(helpFields, k.Name) {
				out = append(out, [2]int{fset.Position(kv.Value.Pos()).Offset, fset.Position(kv.Value.End()).Offset})
			}
		}
		return true
	})
	return out, nil
}

// tokens finds the forbidden words outside comments and outside the
// string literals in the byte ranges skip.
func tokens(name string, src []byte, skip [][2]int) []string {
	fset := token.NewFileSet()
	file := fset.AddFile(name, -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, 0) // comments skipped
	var out []string
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		off := file.Offset(pos)
		if tok == token.STRING && slices.ContainsFunc(skip, func(r [2]int) bool { return off >= r[0] && off < r[1] }) {
			continue
		}
		bad := namesModel(lit) || (tok == token.STRING && (pluginLit.MatchString(lit) || figure.MatchString(lit)))
		if bad {
			out = append(out, fset.Position(pos).String()+": "+lit)
		}
	}
}

// namesModel reports whether s holds a model's name as a word or a
// camel-case part: a match that starts lower-case must not follow a
// letter.
func namesModel(s string) bool {
	for _, m := range modelWord.FindAllStringIndex(s, -1) {
		c := s[m[0]]
		if m[0] == 0 || c < 'a' || c > 'z' || !unicode.IsLetter(rune(s[m[0]-1])) {
			return true
		}
	}
	return false
}

// pluginCompares finds code that compares a plugin's name (an expression
// X.Plugin.Name or X.PluginName) to a string literal, with == or != or as
// a switch's tag with literal cases.
func pluginCompares(name string, src []byte) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		return nil, err
	}
	var out []string
	isLit := func(e ast.Expr) bool {
		b, ok := e.(*ast.BasicLit)
		return ok && b.Kind == token.STRING && b.Value != `""` // "" asks whether a name is set, not which
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.BinaryExpr:
			if (x.Op == token.EQL || x.Op == token.NEQ) &&
				((isPluginName(x.X) && isLit(x.Y)) || (isPluginName(x.Y) && isLit(x.X))) {
				out = append(out, fset.Position(x.Pos()).String()+": a plugin's name compared to a literal")
			}
		case *ast.SwitchStmt:
			if x.Tag == nil || !isPluginName(x.Tag) {
				return true
			}
			for _, c := range x.Body.List {
				if slices.ContainsFunc(c.(*ast.CaseClause).List, isLit) {
					out = append(out, fset.Position(c.Pos()).String()+": a switch on a plugin's name with a literal case")
				}
			}
		}
		return true
	})
	return out, nil
}

// isPluginName reports whether e reads a plugin's name: X.Plugin.Name,
// X.PluginName or a variable called pluginName or plugin.
func isPluginName(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.SelectorExpr:
		if x.Sel.Name == "PluginName" {
			return true
		}
		if inner, ok := x.X.(*ast.SelectorExpr); ok && x.Sel.Name == "Name" && inner.Sel.Name == "Plugin" {
			return true
		}
	case *ast.Ident:
		return x.Name == "pluginName" || x.Name == "plugin"
	}
	return false
}

func TestFrameworkNamesNoModelPaperOrPlugin(t *testing.T) {
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range violations(t, root, "framework", false) {
		t.Errorf("%s: framework/ names no model, paper figure or plugin outside comments (the model declares it; a study says it)", v)
	}
}

func TestCmdNamesNoModelPaperOrPlugin(t *testing.T) {
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range violations(t, root, "cmd", true) {
		t.Errorf("%s: cmd/ names no model, paper figure or plugin outside comments and help text (the plugins describe themselves)", v)
	}
}

// TestNamesRuleFinds checks the check on sources of known faults: each
// kind found, comments and test files left alone.
func TestNamesRuleFinds(t *testing.T) {
	root := t.TempDir()
	write := func(name, src string) {
		p := filepath.Join(root, "framework", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("ok.go", "package x\n\n// The Ising model's T_c (Fig. 1), \"spectrum\".\nvar tc = 2.269\n\nvar raisingEdge = \"spectrum of\"\n")
	write("ok_test.go", "package x\n\nvar isingTc = \"Fig. 1\"\n")
	write("gen.go", "// Code generated by hand. DO NOT EDIT.\n\npackage x\n\nvar potts = 3\n")
	write("model.go", "package x\n\nvar onsagerTc = 2.269\n")
	write("paper.go", "package x\n\nvar title = \"loss (Figs. 5–11)\"\n")
	write("plain.go", "package x\n\nvar newIsing, unset = 1, plugin == \"\"\n\nvar plugin string\n")
	write("plugin.go", "package x\n\nvar which = \"correlations\"\n")
	write("compare.go", `package x

type lineage struct{ Plugin struct{ Name string } }

func f(l lineage, s struct{ PluginName string }) bool {
	switch l.Plugin.Name {
	case "rbm":
	}
	return l.Plugin.Name == "thermometer" || "x" != s.PluginName
}
`)
	write("help.go", `package x

type Command struct{ Usage, Description string }

var c = Command{Usage: "model plugin, e.g. ising", Description: "Example (Fig. 6):\n" + "  rgml sample --model ising"}

var notHelp = "ising"
`)
	got := strings.Join(violations(t, root, "framework", false), "\n")
	for _, want := range []string{"model.go:3:5: onsagerTc", "paper.go:3:13:", "plugin.go:3:13:", "compare.go:7:", "compare.go:9:9:", "compare.go:9:43:", "plain.go:3:5: newIsing"} {
		if !strings.Contains(got, want) {
			t.Errorf("not found: %s; found:\n%s", want, got)
		}
	}
	for _, clean := range []string{"ok.go", "ok_test.go", "gen.go"} {
		if strings.Contains(got, clean) {
			t.Errorf("%s flagged:\n%s", clean, got)
		}
	}
	// Help text is exempt where help says so (cmd/), and only help text.
	if !strings.Contains(got, "help.go:5:") {
		t.Errorf("help text outside cmd/ not flagged:\n%s", got)
	}
	helpOK := strings.Join(violations(t, root, "framework", true), "\n")
	if strings.Contains(helpOK, "help.go:5:") || !strings.Contains(helpOK, "help.go:7:15:") {
		t.Errorf("with help text exempt, want help.go:7 only of help.go:\n%s", helpOK)
	}
}
