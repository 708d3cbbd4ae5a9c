package main

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/registry"
)

// The ising-3d-small preset end to end (about 20 s on two cores): 3D Ising
// datasets at L = 4 and 6, a thermometer and two type V RBMs per L, flows
// from both ends kept as L×L×L configurations, their thermometer-free
// checks, and a report whose figures mark the ising3d plugin's declared
// T_c = 1/0.221654626 (not the square lattice's). At iteration 0 (the
// Monte Carlo input itself) the energy of each starting set implies its
// own temperature, read against the training set of its L. The fixedpoint
// analysis of the checks uses the 3D Ising exponents (checkFixedPoint3D).
func TestIsing3DSmallPreset(t *testing.T) {
	if testing.Short() {
		t.Skip("the ising-3d-small preset takes about 20 s")
	}
	reg := registryDir(t)
	out := filepath.Join(t.TempDir(), "report")
	code, _, stderr := rgmlIn(t, reg, "run", "--preset", "ising-3d-small", "--report", out)
	if code != 0 {
		t.Fatalf("rgml run --preset ising-3d-small: exit %d\n%s", code, stderr)
	}
	page := readFile(t, filepath.Join(out, report.PageFile))
	for _, bad := range []string{"Missing figures", "Reproduction verdicts"} {
		if strings.Contains(page, bad) {
			t.Errorf("the report shows %q", bad)
		}
	}
	// 4 datasets, 6 training histories, 8 flows, 8 checks × (flow check,
	// G(r)), 2 equilibrium analyses × (E, ⟨|m|⟩, χ, U4, C, ξ, G(r)), the
	// fixedpoint analysis's T*(L) of 2 classes and planes of 2 sizes.
	drawn := strings.Count(page, "<figure id=")
	if want := 4 + 6 + 8 + 8*2 + 2*7 + 2 + 2; drawn != want {
		t.Errorf("%d figures drawn, want %d", drawn, want)
	}
	checkPage(t, out, drawn)
	tc := 1 / 0.221654626
	for file, name := range map[string]string{"flow-flow-i3-L6-h138-hot.npz": "vline T_c.at", "check-flow-i3-L4-h10-cold-flow-check.npz": "hline T_c.at"} {
		arrays, err := npz.ReadFile(filepath.Join(out, file))
		if err != nil {
			t.Error(err)
			continue
		}
		if a, ok := npz.Find(arrays, name); !ok || math.Abs(a.Data.([]float64)[0]-tc) > 1e-9 {
			t.Errorf("%s: %s = %v, want T_c = %g", file, name, a.Data, tc)
		}
	}
	s, err := registry.OpenReadOnly(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	starts := map[string]float64{"cold": 3.5, "hot": 5.5}
	for _, rbm := range []string{"i3-L4-h10", "i3-L4-h41", "i3-L6-h35", "i3-L6-h138"} {
		L := 4
		if strings.HasPrefix(rbm, "i3-L6") {
			L = 6
		}
		for start, T0 := range starts {
			name := "flow-" + rbm + "-" + start
			arrays := readEntry(t, s, registry.Flow, name, experiment.FlowFile)
			if a, _ := npz.Find(arrays, "lattice_shape"); a.Data == nil || !slices.Equal(asInts(a.Data), []int{L, L, L}) {
				t.Errorf("%s: lattice_shape %v, want [%d %d %d]", name, a.Data, L, L, L)
			}
			if a, _ := npz.Find(arrays, "configs"); len(a.Shape) != 3 || a.Shape[0] != 4 || a.Shape[1] != 16 || a.Shape[2] != L*L*L {
				t.Errorf("%s: configs %v, want [4 16 %d]", name, a.Shape, L*L*L)
			}
			check := readEntry(t, s, registry.Analysis, "check-"+name, "")
			te, _ := npz.Find(check, "T_energy")
			se, _ := npz.Find(check, "T_energy_err")
			if te.Data == nil || se.Data == nil {
				t.Errorf("check-%s has no T_energy", name)
				continue
			}
			got, err := te.Data.([]float64)[0], se.Data.([]float64)[0]
			if !(math.Abs(got-T0) <= math.Max(4*err, 0.25)) {
				t.Errorf("check-%s: the Monte Carlo input's energy implies T = %g ± %g, want its own %g", name, got, err, T0)
			}
		}
	}
	checkFixedPoint3D(t, s, page)
}

// checkFixedPoint3D: the ising-3d-small fixedpoint analysis read the two
// equilibrium analyses and the eight checks, and scaled with the 3D
// Ising exponents: ⟨|m|⟩·L^{β/ν} of each class is its ⟨|m|⟩ times
// L^0.51815 (the 2D default, L^{1/8}, is 2.0 times smaller at L = 6), the
// plane figures say L^{0.51815}, T_ref is the declared T_c, and the fits
// (ν = 0.62997) report how many sizes they used.
func checkFixedPoint3D(t *testing.T, s *registry.Store, page string) {
	t.Helper()
	en, err := s.Resolve(registry.Analysis, "i3-fixedpoint")
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Manifest(en)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(m.Lineage.Inputs); n != 10 {
		t.Errorf("i3-fixedpoint reads %d analyses, want 2 equilibrium + 8 checks", n)
	}
	arrays := readEntry(t, s, registry.Analysis, "i3-fixedpoint", "")
	get := func(name string) []float64 {
		v := npz.Float64s(arrays, name)
		if v == nil {
			t.Fatalf("i3-fixedpoint has no %s", name)
		}
		return v
	}
	Ls := get("L")
	if !slices.Equal(Ls, []float64{4, 6}) {
		t.Fatalf("i3-fixedpoint at L = %v, want [4 6]", Ls)
	}
	for _, class := range []string{"r=0.16", "r=0.64"} {
		abs, mL := get("fp_abs_m@"+class), get("fp_mL@"+class)
		for i, L := range Ls {
			if want := abs[i] * math.Pow(L, 0.51815); !(math.Abs(mL[i]-want) <= 1e-9*want) {
				t.Errorf("%s, L = %g: ⟨|m|⟩L^{β/ν} = %g, want ⟨|m|⟩ = %g times L^0.51815 = %g", class, L, mL[i], abs[i], want)
			}
		}
		if fit := get("fit@T*_energy@" + class); len(fit) != 8 || fit[7] > 2 {
			t.Errorf("fit of T*(E) of %s: %v, want 8 fields, n ≤ 2", class, fit)
		}
	}
	if ref := get("T_ref"); math.Abs(ref[0]-1/0.221654626) > 1e-5 {
		t.Errorf("T_ref = %v, want the declared T_c 4.511528", ref)
	}
	for _, L := range []string{"4", "6"} {
		if want := "L = " + L + ": flows in the (U4, ⟨|m|⟩L^{0.51815}) plane"; !strings.Contains(page, want) {
			t.Errorf("the report has no figure %q", want)
		}
	}
}

// readEntry reads the npz file of a registry entry (its analysis file when
// file is empty).
func readEntry(t *testing.T, s *registry.Store, kind registry.Kind, name, file string) []npz.Array {
	t.Helper()
	en, err := s.Resolve(kind, name)
	if err != nil {
		t.Fatal(err)
	}
	if file == "" {
		file = experiment.AnalysisFile
	}
	arrays, err := experiment.ReadNPZ(s, en, file)
	if err != nil {
		t.Fatal(err)
	}
	return arrays
}

func asInts(data any) []int {
	var out []int
	switch d := data.(type) {
	case []int64:
		for _, v := range d {
			out = append(out, int(v))
		}
	case []int32:
		for _, v := range d {
			out = append(out, int(v))
		}
	case []float64:
		for _, v := range d {
			out = append(out, int(v))
		}
	}
	return out
}
