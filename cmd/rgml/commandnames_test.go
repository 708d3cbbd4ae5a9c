package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/rgml/rgml/framework/metrics"
	"github.com/urfave/cli/v2"
)

// rgmlMention is "rgml" and the lower-case words after it, where "rgml"
// is a word of its own (not rgml-plugin-…, .rgml/, rgml_…).
var rgmlMention = regexp.MustCompile(`(?:^|[^\w./-])rgml((?: [a-z][a-z0-9-]*)+)`)

// proseWords may follow "rgml" in a message without naming a command:
// "the rgml binary", "rgml samples statistical models".
var proseWords = map[string]bool{
	"binary": true, "plugin": true, "samples": true, "kept": true, "reads": true,
	"mean": true, "fastest": true, // a benchmark table's columns: rgml's mean epoch beside numpy's
}

// commandNamed checks the command the words after "rgml" name: the first
// is a command (or a prose word), and each next one, while the command has
// subcommands, one of them. It returns what is wrong, or "".
func commandNamed(cmds []*cli.Command, words []string) string {
	path := "rgml"
	for i, w := range words {
		var found *cli.Command
		for _, c := range cmds {
			if c.HasName(w) {
				found = c
			}
		}
		if found == nil {
			if i == 0 && proseWords[w] {
				return ""
			}
			var names []string
			for _, c := range cmds {
				if !c.Hidden && c.Name != "help" {
					names = append(names, c.Name)
				}
			}
			return path + " has no command " + strconv.Quote(w) + " (it has: " + strings.Join(names, ", ") + ")"
		}
		path += " " + w
		if len(found.Subcommands) == 0 {
			return ""
		}
		cmds = found.Subcommands
	}
	return ""
}

// Every message that names an rgml command names a real one: each string
// literal of the module's non-test Go files that says "rgml WORD …"
// names a command (and, where it has subcommands, one of them). The
// registry's README said "rgml registry export", a command that never was.
func TestMessagesNameRealCommands(t *testing.T) {
	app := newApp(&env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, logger: hclog.NewNullLogger(), metrics: metrics.New("")})
	if msg := commandNamed(app.Commands, []string{"registry", "export"}); msg == "" {
		t.Fatal("power: `rgml registry export` was taken for a command")
	}
	if msg := commandNamed(app.Commands, []string{"runs", "list"}); msg != "" {
		t.Fatalf("`rgml runs list`: %s", msg)
	}
	root := filepath.Join("..", "..")
	mentions := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); p != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "gen" || n == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			for _, m := range rgmlMention.FindAllStringSubmatch(s, -1) {
				mentions++
				if msg := commandNamed(app.Commands, strings.Fields(m[1])); msg != "" {
					t.Errorf("%s: %q: %s (a prose use of rgml: add the word to proseWords)", fset.Position(lit.Pos()), "rgml"+m[1], msg)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if mentions < 50 {
		t.Errorf("only %d mentions of rgml commands found: is the walk reading the module?", mentions)
	}
}

// An unknown name says which command lists the names there are (it said
// "list entries", which is no command), for every kind.
func TestUnknownNameNamesTheListCommand(t *testing.T) {
	app := newApp(&env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, logger: hclog.NewNullLogger(), metrics: metrics.New("")})
	reg := registryDir(t)
	if code, _, stderr := rgmlIn(t, reg, "registry", "init"); code != 0 {
		t.Fatalf("registry init: exit %d: %s", code, stderr)
	}
	quoted := regexp.MustCompile("`(rgml [^`]*)`")
	for _, group := range []string{"datasets", "models", "flows", "analyses", "runs"} {
		code, _, stderr := rgmlIn(t, reg, group, "show", "no-such")
		want := "`rgml " + group + " list` shows the names"
		if code != 2 || !strings.Contains(stderr, want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%s show no-such: exit %d, %q; want exit 2, one line with %q", group, code, stderr, want)
			continue
		}
		m := quoted.FindStringSubmatch(stderr)
		if msg := commandNamed(app.Commands, strings.Fields(m[1])[1:]); msg != "" {
			t.Errorf("%s show no-such names %q: %s", group, m[1], msg)
		}
	}
}
