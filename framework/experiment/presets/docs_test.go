package presets

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// docs/experiments.md lists the built-in specs in one sentence ("Built-in
// specs: `quick`, …"): it names every preset and nothing else. The
// finite-size presets were missing from it after a merge.
func TestExperimentsDocListsEveryPreset(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "experiments.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	i := strings.Index(text, "Built-in specs:")
	if i < 0 {
		t.Fatal(`docs/experiments.md has no "Built-in specs:" sentence`)
	}
	sentence := text[i:]
	if j := strings.Index(sentence, ".\n"); j >= 0 {
		sentence = sentence[:j]
	}
	var listed []string
	for _, m := range regexp.MustCompile("`([a-z0-9-]+)`").FindAllStringSubmatch(sentence, -1) {
		listed = append(listed, m[1])
	}
	slices.Sort(listed)
	names := slices.Clone(Names())
	slices.Sort(names)
	if !slices.Equal(listed, names) {
		t.Errorf("docs/experiments.md lists the presets %v; there are %v", listed, names)
	}
}
