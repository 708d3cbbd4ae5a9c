package registry

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// An integer that float64 cannot hold (a 64-bit seed) reads back exactly
// from a manifest's free-form maps; other numbers read as float64, as
// their readers expect.
func TestManifestKeepsLargeIntegersExact(t *testing.T) {
	s := newStore(t)
	const seed = uint64(750212404323637742) // float64 makes it …760
	e := put(t, s, Flow, "f", Lineage{
		Seed:            seed,
		Parameters:      map[string]any{"L": 16, "T": []float64{0, 2.5}},
		HyperParameters: map[string]any{"lr": 0.01, "big": int64(-9007199254740993)},
		Extra:           map[string]any{"plugin_seed": seed, "nested": map[string]any{"s": seed}, "list": []any{seed, 1.5}, "small": uint64(1 << 53)},
	})
	m, err := s.Manifest(e)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what string
		v    any
		want string
	}{
		{"extra.plugin_seed", m.Lineage.Extra["plugin_seed"], "750212404323637742"},
		{"extra.nested.s", m.Lineage.Extra["nested"].(map[string]any)["s"], "750212404323637742"},
		{"extra.list[0]", m.Lineage.Extra["list"].([]any)[0], "750212404323637742"},
		{"hyper.big", m.Lineage.HyperParameters["big"], "-9007199254740993"},
	} {
		if got := fmt.Sprint(c.v); got != c.want {
			t.Errorf("%s prints %s, want %s", c.what, got, c.want)
		}
		if b, _ := json.Marshal(c.v); string(b) != c.want {
			t.Errorf("%s encodes as %s, want %s", c.what, b, c.want)
		}
	}
	if m.Lineage.Seed != seed {
		t.Errorf("seed %d", m.Lineage.Seed)
	}
	// What float64 holds exactly stays float64.
	if L, ok := m.Lineage.Parameters["L"].(float64); !ok || L != 16 {
		t.Errorf("parameters.L = %#v", m.Lineage.Parameters["L"])
	}
	if v, ok := m.Lineage.Extra["small"].(float64); !ok || v != 1<<53 {
		t.Errorf("extra.small = %#v", m.Lineage.Extra["small"])
	}
	if v, ok := m.Lineage.Extra["list"].([]any)[1].(float64); !ok || v != 1.5 {
		t.Errorf("extra.list[1] = %#v", m.Lineage.Extra["list"])
	}
	if lr, ok := m.Lineage.HyperParameters["lr"].(float64); !ok || lr != 0.01 {
		t.Errorf("hyper.lr = %#v", m.Lineage.HyperParameters["lr"])
	}
	b, _ := json.Marshal(m.Lineage)
	if !strings.Contains(string(b), `"plugin_seed":750212404323637742`) {
		t.Errorf("lineage re-encoded: %s", b)
	}
}
