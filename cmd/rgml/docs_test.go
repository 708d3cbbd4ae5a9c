package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The docs harness: every ```sh block of README.md and docs/*.md runs, a
// command at a time, in the order written, in a fresh folder with a fresh
// registry per file, so that a newcomer who types them in meets no error
// the docs did not warn of. A block that cannot run here says so, and why,
// in an HTML comment right before it:
//
//	<!-- docs-test: skip (why) -->
//	<!-- docs-test: replace "OLD" with "NEW" (why) -->
//
// replace runs the block with OLD replaced (a smaller size, say); it may be
// given several times.

var repoRoot = func() string {
	d, err := filepath.Abs("../..")
	if err != nil {
		panic(err)
	}
	return d
}()

type docCommand struct {
	line int // where the command starts in its file
	text string
}

type docBlock struct {
	file     string
	line     int // of the opening fence
	lang     string
	skip     string // why, when the block does not run here
	replaces [][2]string
	body     []string
	commands []docCommand
}

var (
	directiveRE = regexp.MustCompile(`^<!--\s*docs-test:\s*(.*?)\s*-->$`)
	skipRE      = regexp.MustCompile(`^skip \((.+)\)$`)
	replaceRE   = regexp.MustCompile(`^replace ("(?:[^"\\]|\\.)*") with ("(?:[^"\\]|\\.)*") \((.+)\)$`)
	fenceRE     = regexp.MustCompile("^(\\s*)```\\s*(\\S*)")
	// rgmlCommandRE is a line that runs rgml (not a diagram of it).
	rgmlCommandRE = regexp.MustCompile(`^(bin/)?rgml (-|[a-z])`)
)

// parseDocBlocks returns the fenced blocks of a markdown file with the
// directives before each; a malformed directive is an error.
func parseDocBlocks(path string) ([]docBlock, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var (
		blocks  []docBlock
		pending docBlock
		cur     *docBlock
		indent  string
	)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if cur != nil {
			if strings.HasPrefix(strings.TrimSpace(line), "```") {
				blocks = append(blocks, *cur)
				cur = nil
				continue
			}
			cur.body = append(cur.body, strings.TrimPrefix(line, indent))
			continue
		}
		if m := fenceRE.FindStringSubmatch(line); m != nil {
			b := pending
			b.file, b.line, b.lang = path, n, m[2]
			indent = m[1]
			cur = &b
			pending = docBlock{}
			continue
		}
		trimmed := strings.TrimSpace(line)
		m := directiveRE.FindStringSubmatch(trimmed)
		switch {
		case m == nil && trimmed == "":
		case m == nil:
			if pending.skip != "" || pending.replaces != nil {
				return nil, fmt.Errorf("%s:%d: a docs-test directive must stand right before its block", path, n)
			}
		case skipRE.MatchString(m[1]):
			pending.skip = skipRE.FindStringSubmatch(m[1])[1]
		case replaceRE.MatchString(m[1]):
			r := replaceRE.FindStringSubmatch(m[1])
			old, err1 := strconv.Unquote(r[1])
			repl, err2 := strconv.Unquote(r[2])
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("%s:%d: bad quoting in %q", path, n, m[1])
			}
			pending.replaces = append(pending.replaces, [2]string{old, repl})
		default:
			return nil, fmt.Errorf("%s:%d: unknown docs-test directive %q (want skip (WHY) or replace \"OLD\" with \"NEW\" (WHY))", path, n, m[1])
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: unclosed code block", path, cur.line)
	}
	for i := range blocks {
		b := &blocks[i]
		var text strings.Builder
		start := 0
		for j, l := range b.body {
			t := strings.TrimSpace(l)
			if text.Len() == 0 {
				if t == "" || strings.HasPrefix(t, "#") {
					continue
				}
				start = b.line + 1 + j
			}
			if c, ok := strings.CutSuffix(l, "\\"); ok {
				text.WriteString(c)
				continue
			}
			text.WriteString(l)
			b.commands = append(b.commands, docCommand{line: start, text: text.String()})
			text.Reset()
		}
	}
	return blocks, nil
}

// docFiles is README.md and every docs/*.md.
func docFiles(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{filepath.Join(repoRoot, "README.md")}, files...)
}

// docWorkdir is a fresh folder laid out as after `make build`: bin/rgml
// and bin/plugins/ with the test's plugins and a lock of its own, so a
// doc's `plugins lock` changes nothing outside it.
func docWorkdir(t *testing.T) string {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(filepath.Join(bin, "plugins"), 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, rgmlBin, filepath.Join(bin, "rgml"))
	ents, err := os.ReadDir(pluginDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		copyFile(t, filepath.Join(pluginDir, e.Name()), filepath.Join(bin, "plugins", e.Name()))
	}
	return dir
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	if os.Link(from, to) == nil {
		return
	}
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, st.Mode().Perm())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// docEnv is the environment of a doc's commands: `rgml` and `bin/rgml`
// are the test's binary, the registry is the folder's own .rgml/, and no
// metrics port is taken (other tests may hold it).
func docEnv(dir string) []string {
	env := []string{}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "RGML_") || name == "PATH" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"PATH="+filepath.Join(dir, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"),
		"RGML_REGISTRY="+filepath.Join(dir, ".rgml"),
		"RGML_METRICS_ADDR=off",
	)
}

// runDocCommand runs one command line through bash in dir, bounded so a
// hanging command fails the test instead of the suite.
func runDocCommand(dir string, env []string, c docCommand, limit time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-o", "pipefail", "-c", c.text)
	cmd.Dir, cmd.Env = dir, env
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("still running after %v", limit)
	}
	return string(out), err
}

func applyReplaces(b docBlock, c docCommand) docCommand {
	for _, r := range b.replaces {
		c.text = strings.ReplaceAll(c.text, r[0], r[1])
	}
	return c
}

// TestDocsCommandsRun runs every ```sh block of README.md and docs/*.md.
func TestDocsCommandsRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every command of the docs")
	}
	var skipped []string
files:
	for _, path := range docFiles(t) {
		rel, _ := filepath.Rel(repoRoot, path)
		blocks, err := parseDocBlocks(path)
		if err != nil {
			t.Error(err)
			continue
		}
		var dir string
		var env []string
		start, ran := time.Now(), 0
		for _, b := range blocks {
			if b.lang == "" && len(b.commands) > 0 && rgmlCommandRE.MatchString(b.commands[0].text) {
				t.Errorf("%s:%d: a block of rgml commands without a language: mark it ```sh to be run, or ```text for a synopsis", rel, b.line)
			}
			if b.lang != "sh" {
				continue
			}
			if b.skip != "" {
				skipped = append(skipped, fmt.Sprintf("%s:%d: %s", rel, b.line, b.skip))
				continue
			}
			// A replace that matches nothing would run the docs' slow
			// original unnoticed, or hide that the docs changed.
			for _, r := range b.replaces {
				if !slices.ContainsFunc(b.commands, func(c docCommand) bool { return strings.Contains(c.text, r[0]) }) {
					t.Errorf("%s:%d: docs-test replace %q matches no command of the block", rel, b.line, r[0])
				}
			}
			if dir == "" {
				dir = docWorkdir(t)
				env = docEnv(dir)
			}
			for _, c := range b.commands {
				c = applyReplaces(b, c)
				ran++
				out, err := runDocCommand(dir, env, c, 3*time.Minute)
				if err != nil {
					t.Errorf("%s:%d: %s: %v\n%s", rel, c.line, c.text, err, lastLines(out, 20))
					continue files
				}
			}
		}
		if ran > 0 {
			t.Logf("%s: %d commands in %v", rel, ran, time.Since(start).Round(time.Second))
		}
	}
	t.Logf("%d blocks skipped:\n%s", len(skipped), strings.Join(skipped, "\n"))
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// pottsBodies fills in the function bodies docs/plugin-authoring.md leaves
// out (`{ … }`): a heat-bath sampler of the q = 3 Potts model and its
// energy, enough for the host to sample with it.
var pottsBodies = map[string]string{
	"Sample": `{
	L := req.Size
	for p, point := range req.Points {
		beta := 1 / point["T"]
		rng := rand.New(rand.NewPCG(req.Seed, uint64(p)))
		s := make([]int8, L*L)
		out := make([]int8, 0, req.PerPoint*L*L)
		var attempts, accepted int64
		for n := 0; n < req.PerPoint; n++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			for sweep := 0; sweep < 5; sweep++ {
				for i := range s {
					x, y := i/L, i%L
					var w [3]float64
					for _, v := range [4]int8{s[(x+1)%L*L+y], s[(x+L-1)%L*L+y], s[x*L+(y+1)%L], s[x*L+(y+L-1)%L]} {
						w[v]++
					}
					for q := range w {
						w[q] = math.Exp(beta * w[q])
					}
					r, q := rng.Float64()*(w[0]+w[1]+w[2]), int8(0)
					if r > w[0] {
						q = 1
						if r > w[0]+w[1] {
							q = 2
						}
					}
					attempts++
					if q != s[i] {
						accepted++
					}
					s[i] = q
				}
			}
			out = append(out, s...)
		}
		if err := emit(sdk.SampleChunk{Point: p, Configs: out, Attempts: attempts, Accepted: accepted}); err != nil {
			return err
		}
	}
	return nil
}`,
	"Observables": `{
	n := size * size
	e := make([]float64, len(configs)/n)
	for c := range e {
		s := configs[c*n : (c+1)*n]
		for i := range s {
			x, y := i/size, i%size
			if s[i] == s[(x+1)%size*size+y] {
				e[c]--
			}
			if s[i] == s[x*size+(y+1)%size] {
				e[c]--
			}
		}
		e[c] /= float64(n)
	}
	return map[string][]float64{"energy": e}, nil
}`,
}

// TestPluginAuthoringOutOfTree follows docs/plugin-authoring.md as a plugin
// author outside this repository would: a module of its own beside a
// built checkout, its go.mod, package and main taken from the doc's blocks,
// the SDK found through the doc's replace directive, then the doc's
// install commands (build, lock, describe, sample through the real rgml)
// and its Python code generation.
func TestPluginAuthoringOutOfTree(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module and its plugin")
	}
	const doc = "docs/plugin-authoring.md"
	blocks, err := parseDocBlocks(filepath.Join(repoRoot, doc))
	if err != nil {
		t.Fatal(err)
	}
	top := t.TempDir()
	checkout := filepath.Join(top, "rgml")
	makeCheckout(t, checkout)
	mod := filepath.Join(top, "potts")
	files := map[string]string{} // of the module, by path
	write := func(name, text string) {
		t.Helper()
		files[name] = text
		p := filepath.Join(mod, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var install, python *docBlock
	var gomod, pkg, mainGo, conformance bool
	for i := range blocks {
		b := &blocks[i]
		text := strings.Join(b.body, "\n") + "\n"
		switch {
		case b.lang == "text" && strings.HasPrefix(text, "module example.org/potts"):
			write("go.mod", text)
			gomod = true
		case b.lang == "go" && strings.HasPrefix(text, "package potts\n"):
			// The bodies below need these; add those the doc does not import.
			for _, imp := range []string{"math", "math/rand/v2"} {
				if !strings.Contains(text, "\t\""+imp+"\"\n") {
					text = strings.Replace(text, "import (\n\t\"context\"\n", "import (\n\t\"context\"\n\t\""+imp+"\"\n", 1)
				}
			}
			for name, body := range pottsBodies {
				re := regexp.MustCompile(`(?m)^(func \(\*Model\) ` + name + `\(.*) \{ … \}$`)
				if !re.MatchString(text) {
					t.Fatalf("%s:%d: no `func (*Model) %s(…) { … }`", doc, b.line, name)
				}
				text = re.ReplaceAllLiteralString(text, re.FindStringSubmatch(text)[1]+" "+body)
			}
			write("potts.go", text)
			pkg = true
		case b.lang == "go" && strings.HasPrefix(text, "// cmd/rgml-plugin-potts/main.go\n"):
			write("cmd/rgml-plugin-potts/main.go", text)
			mainGo = true
		case b.lang == "go" && strings.HasPrefix(text, "func TestConformance("):
			// Its imports are left out of the doc; go mod tidy must
			// find what they need.
			write("potts_test.go", "package potts_test\n\nimport (\n\t\"testing\"\n\n\t\"example.org/potts\"\n\t\"github.com/rgml/rgml/framework/sdk/sdktest\"\n)\n\n"+text)
			conformance = true
		case b.lang == "sh" && len(b.commands) > 0 && b.commands[0].text == "go mod tidy":
			install = b
		case b.lang == "sh" && strings.Contains(text, "protoc "):
			python = b
		}
	}
	if !gomod || !pkg || !mainGo || !conformance || install == nil || python == nil {
		t.Fatalf("%s: missing blocks: go.mod %v, package %v, main %v, conformance test %v, install %v, Python %v", doc, gomod, pkg, mainGo, conformance, install != nil, python != nil)
	}
	goSum, err := os.ReadFile(filepath.Join(repoRoot, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write("go.sum", string(goSum))

	env := append(docEnv(checkout), "RGML_REGISTRY="+filepath.Join(mod, ".rgml"), "GOFLAGS=-mod=mod")
	for _, c := range install.commands {
		out, err := runDocCommand(mod, env, c, 5*time.Minute)
		if err != nil {
			t.Fatalf("%s:%d: %s: %v\n%s", doc, c.line, c.text, err, lastLines(out, 20))
		}
	}
	if _, err := os.Stat(filepath.Join(mod, "potts.npz")); err != nil {
		t.Errorf("the walk-through's sample wrote no potts.npz: %v", err)
	}
	// The conformance test of section 3 compiles against the SDK as found.
	if out, err := runDocCommand(mod, env, docCommand{text: "go vet ./..."}, 5*time.Minute); err != nil {
		t.Errorf("go vet ./... in the walk-through's module: %v\n%s", err, lastLines(out, 20))
	}

	// The doc's other way: no require nor replace, a go.work above both.
	goWork := regexp.MustCompile("`(go work init ./potts ./rgml)`").FindStringSubmatch(readDoc(t, doc))
	if goWork == nil {
		t.Errorf("%s: no `go work init ./potts ./rgml`", doc)
	} else {
		top2 := t.TempDir()
		makeCheckout(t, filepath.Join(top2, "rgml"))
		mod2 := filepath.Join(top2, "potts")
		for name, text := range files {
			if name == "go.mod" {
				text = "module example.org/potts\n\ngo 1.26\n"
			}
			if err := os.MkdirAll(filepath.Dir(filepath.Join(mod2, name)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(mod2, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		// Workspace mode refuses -mod=mod.
		env2 := append(docEnv(filepath.Join(top2, "rgml")), "GOFLAGS=")
		for _, c := range []docCommand{{text: goWork[1]}, {text: "cd potts && go build -o ../rgml/bin/plugins/rgml-plugin-potts ./cmd/rgml-plugin-potts"}} {
			if out, err := runDocCommand(top2, env2, c, 5*time.Minute); err != nil {
				t.Errorf("go.work: %s: %v\n%s", c.text, err, lastLines(out, 20))
				break
			}
		}
	}

	if missing := pythonToolsMissing(); missing != "" {
		t.Logf("%s:%d: not run: %s", doc, python.line, missing)
		return
	}
	proj := filepath.Join(top, "python-plugin")
	if err := os.MkdirAll(proj, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range python.commands {
		out, err := runDocCommand(proj, env, c, time.Minute)
		if err != nil {
			t.Fatalf("%s:%d: %s: %v\n%s", doc, c.line, c.text, err, lastLines(out, 20))
		}
	}
}

// makeCheckout lays out dir as a checkout of this repository after `make
// build`: its sources (links to them) and bin/ with the test's binaries.
func makeCheckout(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.Name() == "bin" || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if err := os.Symlink(filepath.Join(repoRoot, e.Name()), filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	work := docWorkdir(t)
	if err := os.Rename(filepath.Join(work, "bin"), filepath.Join(dir, "bin")); err != nil {
		t.Fatal(err)
	}
}

func readDoc(t *testing.T, doc string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, doc))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// pythonToolsMissing names what the Python walk-through needs and this
// machine lacks, or returns "".
func pythonToolsMissing() string {
	for _, tool := range []string{"protoc", "grpc_python_plugin"} {
		if _, err := exec.LookPath(tool); err != nil {
			return tool + " not installed (Debian: protobuf-compiler, protobuf-compiler-grpc)"
		}
	}
	if exec.Command("/usr/bin/python3", "-c", "import grpc, google.protobuf").Run() != nil {
		return "/usr/bin/python3 lacks grpc or protobuf (Debian: python3-grpcio, python3-protobuf)"
	}
	return ""
}

// TestParseDocBlocks checks what the harness takes from a markdown file:
// commands with their lines, continuations joined, comments left out,
// directives bound to the block right after them, and a malformed or
// stray directive refused, so a skip cannot be lost silently.
func TestParseDocBlocks(t *testing.T) {
	dir := t.TempDir()
	md := func(text string) string {
		p := filepath.Join(dir, "x.md")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	blocks, err := parseDocBlocks(md("text\n\n" +
		"<!-- docs-test: skip (needs a cluster) -->\n```sh\nrgml run x\n```\n" +
		"- item\n\n  <!-- docs-test: replace \"a b\" with \"c \\\"d\\\"\" (smaller) -->\n  ```sh\n  # comment\n  echo a b \\\n      e\n\n  echo f\n  ```\n" +
		"```text\nrgml KINDS list\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 3 {
		t.Fatalf("%d blocks, want 3", len(blocks))
	}
	if b := blocks[0]; b.lang != "sh" || b.skip != "needs a cluster" || b.line != 4 || len(b.commands) != 1 || b.commands[0].line != 5 {
		t.Errorf("block 1: %+v", b)
	}
	b := blocks[1]
	if b.skip != "" || len(b.replaces) != 1 || b.replaces[0] != [2]string{"a b", `c "d"`} {
		t.Errorf("block 2 directives: %+v", b)
	}
	if len(b.commands) != 2 || b.commands[0] != (docCommand{line: 12, text: "echo a b     e"}) || b.commands[1] != (docCommand{line: 15, text: "echo f"}) {
		t.Errorf("block 2 commands: %+v", b.commands)
	}
	if got := applyReplaces(b, b.commands[0]).text; got != `echo c "d"     e` {
		t.Errorf("replaced: %q", got)
	}
	if blocks[2].lang != "text" || blocks[2].skip != "" {
		t.Errorf("block 3: %+v", blocks[2])
	}
	for _, bad := range []string{
		"<!-- docs-test: skip -->\n```sh\nls\n```\n",                   // no reason
		"<!-- docs-test: sikp (typo) -->\n```sh\nls\n```\n",            // unknown
		"<!-- docs-test: skip (why) -->\nSome text.\n```sh\nls\n```\n", // not before its block
		"```sh\nls\n", // unclosed
	} {
		if _, err := parseDocBlocks(md(bad)); err == nil {
			t.Errorf("no error for %q", bad)
		}
	}
}
