package main

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/registry"
)

// The test-only models of dimension 1 and 3 (plugins/internal/testmodels/
// rgml-plugin-anydim, built by TestMain as "chain" and "cube").
var anyDimModels = []struct {
	model   string
	d, L    int
	lattice string // as listings give it (messages add an article to a chain's)
	temps   string
}{
	{"chain", 1, 16, "L = 16 chain", "0.5,1,6"},
	{"cube", 3, 6, "6×6×6", "2,4.5,6"},
}

// A model of dimension 1 or 3 gets the whole study through the real CLI:
// sample → RBM (type V) → thermometer → flow → spectrum → report; its
// dataset is registered and listed as L^d (6×6×6), the flow keeps its
// lattice, the spectrum measures the decay along each of its axes, and the
// report draws its configurations (3D as slices, 1D as strips).
func TestAnyDimensionStudy(t *testing.T) {
	if testing.Short() {
		t.Skip("two small studies through the CLI")
	}
	for _, m := range anyDimModels {
		t.Run(m.model, func(t *testing.T) {
			reg := registryDir(t)
			code, stdout, stderr := rgmlIn(t, reg, "sample", "--model", m.model, "--param", "T=2", "--per-point", "5",
				"--L", fmt.Sprint(m.L), "--seed", "1", "--name", m.model+"-sampled")
			if want := " " + m.lattice + " (" + m.model + ", heat-bath)"; code != 0 || !strings.Contains(stdout, "5 configurations of ") || !strings.Contains(stdout, want) {
				t.Fatalf("rgml sample: exit %d, stdout %q (want %q), stderr %q", code, stdout, want, stderr)
			}
			spec := strings.NewReplacer("MODEL", m.model, "TEMPS", m.temps, "SIZE", fmt.Sprint(m.L)).Replace(`datasets:
  - name: MODEL-train
    model: MODEL
    params: {T: "TEMPS"}
    L: SIZE
    per-point: 40
    seed: 1
  - name: MODEL-test
    model: MODEL
    params: {T: "TEMPS"}
    L: SIZE
    per-point: 10
    seed: 2
trainings:
  - name: MODEL-thermo
    learner: thermometer
    data: MODEL-train
    test: MODEL-test
    set: {epochs: 20}
  - name: MODEL-v8
    learner: rbm
    data: MODEL-train
    set: {hidden: 8, epochs: 20}
    seed: 3
flows:
  - name: MODEL-flow
    rbm: MODEL-v8
    thermometer: MODEL-thermo
    from: MODEL-test
    where: {T: 6}
    iterations: [0, 1, 10]
    save-configs: true
analyses:
  - name: MODEL-spectrum
    analyzer: spectrum
    model: MODEL-v8
    data: MODEL-test
  - name: MODEL-check
    analyzer: correlations
    flow: MODEL-flow
    data: MODEL-train
report:
  title: a model of another dimension
`)
			out := filepath.Join(t.TempDir(), "report")
			if code, _, stderr := rgmlIn(t, reg, "run", writeSpec(t, spec), "--report", out); code != 0 {
				t.Fatalf("rgml run: exit %d\n%s", code, stderr)
			}
			if code, stdout, stderr := rgmlIn(t, reg, "datasets", "list", m.model+"-train"); code != 0 || !strings.Contains(stdout, m.lattice) {
				t.Errorf("datasets list: exit %d, stdout %q, stderr %q: want the lattice %q", code, stdout, stderr, m.lattice)
			}
			checkAnyDimEntries(t, reg, m.model, m.d, m.L)
			page := readFile(t, filepath.Join(out, report.PageFile))
			if strings.Contains(page, "Missing figures") {
				t.Errorf("the report misses figures")
			}
			arrays, err := npz.ReadFile(filepath.Join(out, "samples-"+m.model+"-train.npz"))
			if err != nil {
				t.Fatalf("the report has no sample configurations: %v", err)
			}
			if c, _ := npz.Find(arrays, "configs"); len(c.Shape) != 2 || c.Shape[1] != pow(m.L, m.d) {
				t.Errorf("the samples figure's data: configs %v, want [k %d]", c.Shape, pow(m.L, m.d))
			}
		})
	}
}

// checkAnyDimEntries: the flow file records the lattice of its
// configurations, and the spectrum has one decay per axis.
func checkAnyDimEntries(t *testing.T, reg, model string, d, L int) {
	t.Helper()
	s, err := registry.OpenReadOnly(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fen, err := s.Resolve(registry.Flow, model+"-flow")
	if err != nil {
		t.Fatal(err)
	}
	f, err := experiment.ReadFlow(s, fen)
	if err != nil {
		t.Fatal(err)
	}
	if want := slices.Repeat([]int{L}, d); !slices.Equal(f.Shape, want) || f.Sites != pow(L, d) {
		t.Errorf("flow: lattice %v of %d sites, want %v", f.Shape, f.Sites, want)
	}
	aen, err := s.Resolve(registry.Analysis, model+"-spectrum")
	if err != nil {
		t.Fatal(err)
	}
	arrays, err := experiment.ReadNPZ(s, aen, experiment.AnalysisFile)
	if err != nil {
		t.Fatal(err)
	}
	for i, axis := range []string{"decay_x", "decay_y", "decay_z"} {
		if _, ok := npz.Find(arrays, axis); ok != (i < d) {
			t.Errorf("spectrum: %s present %v, want %v for d = %d", axis, ok, i < d, d)
		}
	}
	// The thermometer-free check measures G(r) on the model's own lattice
	// (r = 0 … L/2, G(0) = 1 for ±1 spins) and its energy with the model.
	cen, err := s.Resolve(registry.Analysis, model+"-check")
	if err != nil {
		t.Fatal(err)
	}
	if arrays, err = experiment.ReadNPZ(s, cen, experiment.AnalysisFile); err != nil {
		t.Fatal(err)
	}
	G, _ := npz.Find(arrays, "G")
	if g, ok := G.Data.([]float64); !ok || len(G.Shape) != 2 || G.Shape[1] != L/2+1 || g[0] != 1 {
		t.Errorf("check: G of shape %v, want [iterations %d] with G(0) = 1", G.Shape, L/2+1)
	}
	e, ok := npz.Find(arrays, "energy")
	if !ok || len(e.Shape) != 1 || e.Shape[0] != 3 {
		t.Fatalf("check: energy %v, want one per iteration count", e.Shape)
	}
	// The check's energy is the model's own, −Σ_⟨ij⟩ s_i s_j / N over the
	// d bonds per site of the hypercubic lattice, counted here apart from
	// the plugin; power: another model's energy of the same
	// configurations (next-nearest neighbours along a chain, the square
	// lattice's bonds of a cube's first two axes) differs.
	own, other := hypercubicEnergy(f, L, d, false), hypercubicEnergy(f, L, d, true)
	differs := false
	for k, v := range e.Data.([]float64) {
		if math.Abs(v-own[k]) > 1e-9 {
			t.Errorf("check energy at iteration %d: %.6f, the model's own %.6f", f.Iterations[k], v, own[k])
		}
		if math.Abs(other[k]-own[k]) > 0.05 {
			differs = true
		}
	}
	if !differs {
		t.Errorf("power: another model's energy %v equals the model's %v at every iteration", other, own)
	}
}

// hypercubicEnergy is the mean over a flow's kept configurations, per
// iteration count, of −Σ_⟨ij⟩ s_i s_j / N on the periodic L^d lattice
// (sites x-major); other counts another model's bonds instead: the
// next-nearest neighbours along the first axis of a chain, the first two
// axes only of a lattice of d ≥ 2.
func hypercubicEnergy(f formats.Flow, L, d int, other bool) []float64 {
	out := make([]float64, len(f.Iterations))
	for k := range f.Iterations {
		for c := range f.N {
			s := f.Configs[(k*f.N+c)*f.Sites : (k*f.N+c+1)*f.Sites]
			e := 0
			for i := range s {
				for a := range d {
					if other && d >= 2 && a >= 2 {
						continue
					}
					stride := pow(L, d-1-a)
					step := 1
					if other && d == 1 {
						step = 2
					}
					x := (i / stride) % L
					j := i + (((x+step)%L)-x)*stride
					e -= int(s[i]) * int(s[j])
				}
			}
			out[k] += float64(e) / float64(f.Sites) / float64(f.N)
		}
	}
	return out
}

func pow(L, d int) int {
	n := 1
	for range d {
		n *= L
	}
	return n
}

// A dataset whose sites are not L^d for the dimension it declares is
// refused in one line, exit 2, and nothing is registered.
func TestImportWrongDimension(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bad.npz")
	if err := npz.WriteFile(file, npz.Int8("configs", make([]int8, 2*200), 2, 200)); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := rgml(t, "datasets", "import", file, "--name", "bad", "--L", "6", "--dimension", "3")
	want := "200 sites per configuration, L = 6 needs 216 (the 6×6×6 lattice)"
	if code != 2 || !strings.Contains(stderr, want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("exit %d, stdout %q, stderr %q: want exit 2 and one line with %q", code, stdout, stderr, want)
	}
	if _, out, _ := rgml(t, "datasets", "list"); strings.Contains(out, "bad") {
		t.Errorf("a refused import was registered:\n%s", out)
	}
	// The same file as a 2D lattice of another L is refused too, and a
	// 3D shape names its lattice.
	cube := filepath.Join(t.TempDir(), "cube.npz")
	if err := npz.WriteFile(cube, npz.Int8("configs", ones(2*216), 2, 6, 6, 6)); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := rgml(t, "datasets", "import", cube, "--name", "cube"); code != 0 || !strings.Contains(stdout, "2 configurations of 6×6×6") {
		t.Errorf("importing [2 6 6 6]: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, _, stderr := rgml(t, "datasets", "import", cube, "--name", "cube2", "--dimension", "2"); code != 2 || !strings.Contains(stderr, "a lattice of dimension 3, not 2") {
		t.Errorf("importing [2 6 6 6] as 2D: exit %d, stderr %q", code, stderr)
	}
}

func ones(n int) []int8 {
	c := make([]int8, n)
	for i := range c {
		c[i] = 1
	}
	return c
}

// rgml flow and rgml analyze refuse learners trained on another lattice
// of as many sites as the configurations they are given (a 4×4 RBM and an
// L = 16 chain): the weights would fit, and the chain would be flowed and
// measured as if it were the square lattice. rgml run refuses it when it
// plans; the commands take registry references and check the lineage.
func TestCommandsRefuseAnotherLatticeOfAsManySites(t *testing.T) {
	if testing.Short() {
		t.Skip("samples and trains through the CLI")
	}
	reg := registryDir(t)
	rgmlAll(t, reg, [][]string{
		{"sample", "--model", "ising", "--param", "T=1,3", "--per-point", "10", "--L", "4", "--name", "square"},
		{"sample", "--model", "chain", "--param", "T=1,3", "--per-point", "10", "--L", "16", "--name", "chain16"},
		{"train", "--learner", "rbm", "--data", "square", "--set", "hidden=4", "--set", "epochs=2", "--name", "rb"},
		{"train", "--learner", "thermometer", "--data", "square", "--set", "hidden=4", "--set", "epochs=2", "--name", "th"},
	})
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"flow", "--rbm", "rb", "--thermometer", "th", "--from", "chain16", "--iterations", "0,1"}, "is on an L = 16 chain, but model rb:1"},
		{[]string{"analyze", "--analyzer", "spectrum", "--models", "rb", "--data", "chain16"}, "was trained on a 4×4 lattice, the other inputs are on an L = 16 chain"},
	} {
		code, _, stderr := rgmlIn(t, reg, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("rgml %s: exit %d, stderr %q; want exit 2 and one line with %q", strings.Join(c.args, " "), code, stderr, c.want)
		}
	}
	code, _, stderr := rgmlIn(t, reg, "flow", "--rbm", "rb", "--thermometer", "th", "--from", "square", "--iterations", "0,1")
	if code != 0 {
		t.Errorf("flow on the lattice the learners were trained on: exit %d, %s", code, stderr)
	}
}

// rgml flow refuses a thermometer trained on ±1 data for configurations
// with the value 0 (Blume-Capel's), from the dataset or from an RBM
// trained on such data: it would read them without complaint, and a
// temperature it gave would mean nothing.
func TestFlowRefusesAThermometerOfAnotherStateSpace(t *testing.T) {
	if testing.Short() {
		t.Skip("samples and trains through the CLI")
	}
	reg := registryDir(t)
	rgmlAll(t, reg, [][]string{
		{"sample", "--model", "ising", "--param", "T=1,3", "--per-point", "10", "--L", "4", "--name", "spins"},
		{"sample", "--model", "blumecapel", "--param", "T=1,3", "--param", "Delta=0", "--per-point", "10", "--L", "4", "--name", "spin1"},
		{"train", "--learner", "thermometer", "--data", "spins", "--set", "hidden=4", "--set", "epochs=2", "--name", "th"},
		{"train", "--learner", "rbm", "--data", "spins", "--set", "hidden=4", "--set", "epochs=2", "--name", "rb"},
		{"train", "--learner", "rbm", "--data", "spin1", "--set", "hidden=4", "--set", "epochs=2", "--name", "rb1"},
	})
	for _, c := range []struct {
		rbm, from, want string
	}{
		{"rb1", "spins", "but model rb1:1"},
		{"rb1", "spin1", "but dataset spin1:1"},
	} {
		args := []string{"flow", "--rbm", c.rbm, "--thermometer", "th", "--from", c.from, "--where", "T=1", "--iterations", "0,1"}
		code, _, stderr := rgmlIn(t, reg, args...)
		if code != 2 || !strings.Contains(stderr, "was trained on site values [-1 1], "+c.want) || !strings.Contains(stderr, " 0: train a thermometer") {
			t.Errorf("rgml %s: exit %d, stderr %q; want exit 2 naming %q and the value 0", strings.Join(args, " "), code, stderr, c.want)
		}
	}
	if code, _, stderr := rgmlIn(t, reg, "flow", "--rbm", "rb", "--thermometer", "th", "--from", "spins", "--iterations", "0,1"); code != 0 {
		t.Errorf("flow of ±1 configurations read by a ±1 thermometer: exit %d, %s", code, stderr)
	}
}

// rgmlAll runs each command line in reg, failing the test at the first
// that does not succeed.
func rgmlAll(t *testing.T, reg string, cmds [][]string) {
	t.Helper()
	for _, args := range cmds {
		if code, _, stderr := rgmlIn(t, reg, args...); code != 0 {
			t.Fatalf("rgml %s: exit %d, %s", strings.Join(args, " "), code, stderr)
		}
	}
}
