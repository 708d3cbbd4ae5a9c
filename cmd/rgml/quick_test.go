package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/registry"
)

// The quick preset end to end, with the paper's headline result as
// phase 1 measured it (presets/quick.yaml): after 1000 iterations the
// thermometer's mode is near T_c ≈ 2.27 for the type V RBM from T = 0
// and from T = 6 (measured 2 from both: one grid step of 0.5, margin
// 0.75), low for type L (measured 0.5 and 0: at most 1), high for type H
// (measured 5 and 6: at least 4). About 50 s on two cores (analyses and report included); -short skips.
func TestQuickPreset(t *testing.T) {
	if testing.Short() {
		t.Skip("the quick preset takes about 40 s")
	}
	reg := registryDir(t)
	out := filepath.Join(t.TempDir(), "report")
	if code, _, stderr := rgmlIn(t, reg, "run", "--preset", "quick", "--report", out); code != 0 {
		t.Fatalf("rgml run --preset quick: exit %d\n%s", code, stderr)
	}
	// The report: every figure drawn, each flow's thermometer-free check
	// among them, and the verdicts.
	page, err := os.ReadFile(filepath.Join(out, report.PageFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Reproduction verdicts", "check-flow-quick-v16-T0-flow-check", "check-flow-quick-h64-T6-flow-check", "spectrum-quick-l64-eigenvalues"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the quick report lacks %s", want)
		}
	}
	if strings.Contains(string(page), "Missing figures") {
		t.Error("the quick report lists missing figures")
	}
	checkPage(t, out, strings.Count(string(page), "<figure id="))
	// The flow figures and flow checks mark T_c = 2/ln(1+√2) as the ising
	// plugin declares it (recorded with its datasets).
	for file, name := range map[string]string{"flow-flow-quick-v16-T0.npz": "vline T_c.at", "check-flow-quick-v16-T0-flow-check.npz": "hline T_c.at"} {
		arrays, err := npz.ReadFile(filepath.Join(out, file))
		if err != nil {
			t.Error(err)
			continue
		}
		if a, ok := npz.Find(arrays, name); !ok || a.Data.([]float64)[0] != 2/math.Log(1+math.Sqrt2) {
			t.Errorf("%s: %s = %v, want T_c = 2/ln(1+√2)", file, name, a.Data)
		}
	}
	s, err := registry.OpenReadOnly(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	final := func(name string) (first, last float64) {
		en, err := s.Resolve(registry.Flow, name)
		if err != nil {
			t.Fatal(err)
		}
		arrays, err := experiment.ReadNPZ(s, en, experiment.FlowFile)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range arrays {
			if a.Name == "T_mode" {
				v := a.Data.([]float64)
				return v[0], v[len(v)-1]
			}
		}
		t.Fatalf("%s has no T_mode", en)
		return
	}
	report := ""
	check := func(name string, ok func(float64) bool, want string) {
		first, last := final(name)
		report += fmt.Sprintf("%s: mode %g → %g\n", name, first, last)
		if !ok(last) {
			t.Errorf("%s: thermometer mode after 1000 iterations %g, want %s", name, last, want)
		}
	}
	nearTc := func(m float64) bool { return math.Abs(m-2.27) <= 0.75 }
	check("flow-quick-v16-T0", nearTc, "near T_c 2.27")
	check("flow-quick-v16-T6", nearTc, "near T_c 2.27")
	check("flow-quick-l64-T0", func(m float64) bool { return m <= 1 }, "≤ 1 (type L goes low)")
	check("flow-quick-l64-T6", func(m float64) bool { return m <= 1 }, "≤ 1 (type L goes low)")
	check("flow-quick-h64-T0", func(m float64) bool { return m >= 4 }, "≥ 4 (type H stays high)")
	check("flow-quick-h64-T6", func(m float64) bool { return m >= 4 }, "≥ 4 (type H stays high)")
	t.Log("\n" + report)
}
