package presets

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.yaml
var files embed.FS

// Names returns the presets' names, sorted.
func Names() []string {
	entries, _ := fs.ReadDir(files, ".")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(out)
	return out
}

// Get returns the spec of the named preset.
func Get(name string) ([]byte, error) {
	b, err := files.ReadFile(name + ".yaml")
	if err != nil || strings.ContainsAny(name, "/.") {
		return nil, fmt.Errorf("no preset %q (have: %s)", name, strings.Join(Names(), ", "))
	}
	return b, nil
}

// summaryMax bounds a summary so that `presets list` stays one line per
// preset on a terminal.
const summaryMax = 120

// Summary returns what a preset is, for `presets list`: the first clause of
// its leading comment (up to the first ':', ';' or '.' outside brackets,
// however many comment lines it spans), cut at the last comma outside
// brackets with "…" when longer than summaryMax, so that it never ends
// mid-phrase. A preset that does not exist has none.
func Summary(name string) string {
	b, err := Get(name)
	if err != nil {
		return ""
	}
	var words []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "#") {
			break
		}
		words = append(words, strings.Fields(strings.TrimPrefix(line, "#"))...)
	}
	text := strings.TrimPrefix(strings.Join(words, " "), name+": ")
	rs := []rune(text)
	depth, lastComma := 0, -1
	for i, r := range rs {
		switch r {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 && i <= summaryMax {
				lastComma = i
			}
		case ':', ';', '.':
			if depth == 0 && (i+1 == len(rs) || rs[i+1] == ' ') {
				rs = rs[:i]
			}
		}
		if i >= len(rs) {
			break
		}
	}
	if len(rs) > summaryMax {
		if lastComma < 0 {
			lastComma = summaryMax
		}
		return strings.TrimSpace(string(rs[:lastComma])) + " …"
	}
	return string(rs)
}
