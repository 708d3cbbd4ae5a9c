package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/registry"
)

// The finite-size-small preset end to end (about 40 s on two shared
// cores): equilibrium data, thermometers, RBMs and flows at L = 6, 8 and
// 12, the thermometer-free check of every flow, and the fixedpoint
// analysis of all of them, registered with every check and equilibrium
// analysis in its lineage; its T*(L) and T_c(L) are in the data and drawn
// in the report.
func TestFiniteSizeSmallPreset(t *testing.T) {
	if testing.Short() {
		t.Skip("the finite-size-small preset takes about 40 s")
	}
	reg := registryDir(t)
	out := filepath.Join(t.TempDir(), "report")
	if code, _, stderr := rgmlIn(t, reg, "run", "--preset", "finite-size-small", "--report", out); code != 0 {
		t.Fatalf("rgml run --preset finite-size-small: exit %d\n%s", code, stderr)
	}
	s, err := registry.OpenReadOnly(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	en, err := s.Resolve(registry.Analysis, "fss-fixedpoint")
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Manifest(en)
	if err != nil {
		t.Fatal(err)
	}
	// 3 equilibrium analyses and 3 L × 2 networks × 2 seeds × 2 ends checks.
	if n := len(m.Lineage.Inputs); n != 27 || m.Lineage.Parameters["L"] != float64(12) {
		t.Errorf("fss-fixedpoint reads %d analyses at L = %v, want 27 at the largest L, 12", n, m.Lineage.Parameters["L"])
	}
	arrays, err := experiment.ReadNPZ(s, en, experiment.AnalysisFile)
	if err != nil {
		t.Fatal(err)
	}
	get := func(name string) []float64 {
		v := npz.Float64s(arrays, name)
		if v == nil {
			t.Fatalf("fss-fixedpoint has no %s", name)
		}
		return v
	}
	Ls, n := get("L"), get("T*_abs_m@Nh=16_n")
	cv, cvErr := get("Tc_cv"), get("Tc_cv_err")
	resolved := 0
	for i, L := range Ls {
		// Every flow of N_h = 16 at every L (2 seeds × 2 ends) implies a
		// temperature by ⟨|m|⟩ inside the data's range. The specific heat
		// of 60 configurations per T has errors of 15–20 %: a peak is
		// either placed inside the grid with an error, or NaN (a top too
		// flat for its noise), never at an end of the grid.
		if n[i] != 4 {
			t.Errorf("L = %g: T*(⟨|m|⟩) of N_h = 16 from %g flows, want 4", L, n[i])
		}
		switch {
		case math.IsNaN(cv[i]):
		case cv[i] > 2 && cv[i] < 2.7 && cvErr[i] > 0:
			resolved++
		default:
			t.Errorf("L = %g: specific-heat peak at %v ± %v, want inside 2 … 2.7 or NaN", L, cv[i], cvErr[i])
		}
	}
	if resolved == 0 {
		t.Error("no L's specific-heat peak resolved: the equilibrium data's C did not reach the analysis")
	}
	if fit := get("fit@T*_abs_m@Nh=16"); len(fit) != 8 || math.IsNaN(fit[0]) || !(fit[1] > 0) {
		t.Errorf("fit of T*(⟨|m|⟩) of N_h = 16: %v, want [T(∞) > 0, its error > 0, …]", fit)
	}
	page, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"T*(L) of the flows (Nh=16) and T_c(L)", "T*(L) of the flows (r=0.16) and T_c(L)",
		"L = 12: flows in the (U4, ⟨|m|⟩L^{1/8}) plane"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the report has no figure %q", want)
		}
	}
	if strings.Contains(string(page), "Missing figures") {
		t.Error("the finite-size-small report lists missing figures")
	}
}
