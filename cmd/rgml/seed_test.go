package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rgml/rgml/registry"
)

// A flow's 64-bit plugin seed prints digit for digit as its manifest holds
// it: in `flows show`, `flows show --json`, `flows lineage` and the report.
func TestSeedsPrintExactly(t *testing.T) {
	reg := registryDir(t)
	if code, _, stderr := rgml(t, "run", smallSpec(t, 4, 2), "--name", "seeds"); code != 0 {
		t.Fatalf("run: %s", stderr)
	}
	s, err := registry.OpenReadOnly(reg)
	if err != nil {
		t.Fatal(err)
	}
	en, err := s.Resolve(registry.Flow, "s-flow")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := s.ReadFile(en, registry.ManifestFile)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`"plugin_seed":\s*(\d+)`).FindSubmatch(raw)
	if m == nil {
		t.Fatalf("no plugin_seed in the manifest: %s", raw)
	}
	seed := string(m[1])
	if v, _ := strconv.ParseUint(seed, 10, 64); strconv.FormatFloat(float64(v), 'f', -1, 64) == seed {
		t.Fatalf("plugin seed %s is exact in float64: the test shows nothing", seed)
	}
	_, stdout, _ := rgml(t, "flows", "show", "s-flow")
	if !strings.Contains(stdout, `"plugin_seed": `+seed) {
		t.Errorf("flows show: plugin_seed is not %s:\n%s", seed, stdout)
	}
	_, stdout, _ = rgml(t, "flows", "show", "--json", "s-flow")
	dec := json.NewDecoder(bytes.NewReader([]byte(stdout)))
	dec.UseNumber()
	var got struct {
		Manifest struct {
			Lineage struct{ Extra map[string]any }
		}
	}
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if v := got.Manifest.Lineage.Extra["plugin_seed"]; v != json.Number(seed) {
		t.Errorf("flows show --json: plugin_seed %v, want %s", v, seed)
	}
	_, stdout, _ = rgml(t, "flows", "list", "--json")
	if !strings.Contains(stdout, `"plugin_seed": `+seed) {
		t.Errorf("flows list --json: plugin_seed is not %s", seed)
	}
	out := filepath.Join(t.TempDir(), "report")
	rgml(t, "report", "seeds", "--out", out)
	page, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), seed) {
		i := bytes.Index(page, []byte("plugin_seed"))
		t.Errorf("the report does not show plugin_seed %s: %s", seed, page[max(i, 0):min(i+200, len(page))])
	}
}
