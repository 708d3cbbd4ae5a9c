package main

import (
	"bytes"
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk/sdktest"
	"github.com/rgml/rgml/plugins/ising"
	"github.com/rgml/rgml/registry"
)

// triangularPlugins is a plugin folder with the test-only triangular
// model beside the learners and the correlations analyzer, locked.
func triangularPlugins(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "plugins")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"rgml-plugin-rbm", "rgml-plugin-thermometer", "rgml-plugin-correlations"} {
		src, err := os.Open(filepath.Join(pluginDir, name))
		if err != nil {
			t.Fatal(err)
		}
		dst, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_WRONLY, 0o755)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(dst, src); err != nil {
			t.Fatal(err)
		}
		src.Close()
		dst.Close()
	}
	pkg := "../../plugins/internal/testmodels/triangular/cmd/rgml-plugin-triangular"
	if out, err := sdktest.BuildCommand(filepath.Join(dir, filepath.Base(pkg)), pkg).CombinedOutput(); err != nil {
		t.Fatal(string(out))
	}
	if _, err := host.New(host.Config{Dir: dir}).WriteLock(); err != nil {
		t.Fatal(err)
	}
	return dir
}

const triangularStudy = `datasets:
  - name: tri
    model: triangular
    params: {T: "1:7:1"}
    L: 6
    per-point: 80
    seed: 1
trainings:
  - name: tri-thermo
    learner: thermometer
    data: tri
    set: {epochs: 20}
    seed: 2
  - name: tri-rbm
    learner: rbm
    data: tri
    set: {hidden: 16, epochs: 30}
    seed: 3
flows:
  - name: tri-flow
    rbm: tri-rbm
    thermometer: tri-thermo
    from: tri
    where: {T: 1}
    iterations: [0, 1, 10]
    save-configs: true
analyses:
  - name: tri-check
    analyzer: correlations
    flow: tri-flow
    data: tri
    set: {G: 0}
`

// TestCheckMeasuresWithTheModel: a ±1 model on the triangular lattice
// (six neighbours) goes through sample → RBM → thermometer → flow →
// thermometer-free check, and the check's energy of the flowed
// configurations is the model's own (its Observables); power check: the
// same configurations measured with the square lattice's bonds (what the
// check did before) differ. G(r), which needs a lattice the model does not
// declare, is refused with one line, exit 2, nothing registered.
func TestCheckMeasuresWithTheModel(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a small study")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	plugins := triangularPlugins(t)
	reg := filepath.Join(t.TempDir(), "registry")
	cli := func(args ...string) (int, string, string) {
		var o, e bytes.Buffer
		code := run(ctx, append([]string{"rgml", "--plugin-dir", plugins, "--registry", reg, "--metrics-addr", "off"}, args...), &o, &e)
		return code, o.String(), e.String()
	}
	spec := filepath.Join(t.TempDir(), "tri.yaml")
	if err := os.WriteFile(spec, []byte(triangularStudy), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := cli("run", spec); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	code, _, stderr := cli("analyze", "--analyzer", "correlations", "--flow", "tri-flow", "--data", "tri", "--name", "tri-g")
	if msg := strings.TrimSpace(stderr); code != 2 || strings.Contains(msg, "\n") || !strings.Contains(msg, "G=0") {
		t.Errorf("G(r) on the triangular lattice: exit %d, %q; want 2 and one line saying G=0", code, msg)
	}
	s, err := registry.OpenReadOnly(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Resolve(registry.Analysis, "tri-g"); err == nil {
		t.Error("a refused analysis was registered")
	}
	fen, err := s.Resolve(registry.Flow, "tri-flow")
	if err != nil {
		t.Fatal(err)
	}
	f, err := experiment.ReadFlow(s, fen)
	if err != nil {
		t.Fatal(err)
	}
	en, err := s.Resolve(registry.Analysis, "tri-check")
	if err != nil {
		t.Fatal(err)
	}
	arrays, _, err := experiment.ReadAnalysis(s, en)
	if err != nil {
		t.Fatal(err)
	}
	energy := npz.Float64s(arrays, "energy")
	if len(energy) != len(f.Iterations) {
		t.Fatalf("check energy %v for %d iterations", energy, len(f.Iterations))
	}
	if _, ok := npz.Find(arrays, "T_energy"); !ok {
		t.Error("no T_energy: the flowed energy is matched to the model's own Monte Carlo data")
	}
	const L = 6
	differs := false
	for k := range f.Iterations {
		var tri, square float64
		for i := range f.N {
			c := f.Configs[(k*f.N+i)*f.Sites : (k*f.N+i+1)*f.Sites]
			tri += float64(triangularEnergy(L, c)) / float64(f.Sites)
			square += float64(ising.Energy(L, c)) / float64(f.Sites)
		}
		tri, square = tri/float64(f.N), square/float64(f.N)
		t.Logf("iteration %d: check %.4f, triangular %.4f, square %.4f", f.Iterations[k], energy[k], tri, square)
		if math.Abs(energy[k]-tri) > 1e-12 {
			t.Errorf("iteration %d: check energy %.6f, the model's own %.6f", f.Iterations[k], energy[k], tri)
		}
		if math.Abs(square-tri) > 0.05 {
			differs = true
		}
	}
	if !differs {
		t.Error("power: the square lattice's energy equals the triangular one at every iteration, the test could not tell them apart")
	}
}

// triangularEnergy is −Σ_<ij> s_i s_j over the bonds (x+1, y), (x, y+1)
// and (x+1, y−1) of each site, counted here apart from the plugin.
func triangularEnergy(L int, s []int8) int {
	e := 0
	for x := range L {
		for y := range L {
			v := int(s[x*L+y])
			e -= v * (int(s[((x+1)%L)*L+y]) + int(s[x*L+(y+1)%L]) + int(s[((x+1)%L)*L+(y+L-1)%L]))
		}
	}
	return e
}

const triangularFieldStudy = `datasets:
  - name: trih
    model: triangular
    params: {T: [1, 3, 6], H: [0, 1]}
    L: 6
    per-point: 60
    seed: 1
trainings:
  - name: trih-thermo
    learner: thermometer
    data: trih
    label: T,H
    set: {epochs: 20}
    seed: 2
  - name: trih-rbm
    learner: rbm
    data: trih
    set: {hidden: 16, epochs: 30}
    seed: 3
flows:
  - name: trih-flow
    rbm: trih-rbm
    thermometer: trih-thermo
    from: trih
    where: {T: 3, H: 1}
    iterations: [0, 1, 10]
    save-configs: true
report:
  title: the triangular lattice in a field
`

// TestTwoParamReadoutMeasuresWithTheModel: a (T, H) study of the
// triangular-lattice test model (six neighbours, a field H) through the
// real CLI. The two-parameter flow read-out records the model's own
// observables of the flowed configurations, measured at the flow's start
// (T, H) = (3, 1): ⟨energy⟩ equals −(Σ_<ij> s_i s_j + H Σ_i s_i)/N counted
// here on the triangular bonds, ⟨|magnetization|⟩ the mean |Σ s_i|/N
// (the model declares it symmetric); power check: the square lattice's
// bonds give another energy. The Monte Carlo input (iteration 0) reads as
// its own grid point, and the report draws the read-out. A flow from
// several values of H is refused in one line, exit 2, nothing registered.
func TestTwoParamReadoutMeasuresWithTheModel(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a small study")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	plugins := triangularPlugins(t)
	reg := filepath.Join(t.TempDir(), "registry")
	cli := func(args ...string) (int, string, string) {
		var o, e bytes.Buffer
		code := run(ctx, append([]string{"rgml", "--plugin-dir", plugins, "--registry", reg, "--metrics-addr", "off"}, args...), &o, &e)
		return code, o.String(), e.String()
	}
	spec := filepath.Join(t.TempDir(), "trih.yaml")
	if err := os.WriteFile(spec, []byte(triangularFieldStudy), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "report")
	if code, _, stderr := cli("run", spec, "--report", out); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	page := readFile(t, filepath.Join(out, "index.html"))
	if strings.Contains(page, "Missing figures") || !strings.Contains(page, `id="flow-trih-flow-observables"`) || !strings.Contains(page, `id="phase-diagram-trih-rbm"`) {
		t.Errorf("the report misses the read-out's figures")
	}
	code, _, stderr := cli("flow", "--rbm", "trih-rbm", "--thermometer", "trih-thermo", "--from", "trih", "--where", "T=1",
		"--iterations", "0,1", "--name", "trih-two-fields")
	if msg := strings.TrimSpace(stderr); code != 2 || strings.Contains(msg, "\n") || !strings.Contains(msg, "several values of H") {
		t.Errorf("a flow from H = 0 and 1: exit %d, %q; want 2 and one line naming H", code, msg)
	}
	s, err := registry.OpenReadOnly(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Resolve(registry.Flow, "trih-two-fields"); err == nil {
		t.Error("a refused flow was registered")
	}
	fen, err := s.Resolve(registry.Flow, "trih-flow")
	if err != nil {
		t.Fatal(err)
	}
	f, err := experiment.ReadFlow(s, fen)
	if err != nil {
		t.Fatal(err)
	}
	if f.Two == nil || len(f.Two.Observables) != 2 {
		t.Fatalf("read-out %+v: want the model's two observables", f.Two)
	}
	energy, absM := f.Two.Observables[0], f.Two.Observables[1]
	if energy.Column() != "mean_energy" || absM.Column() != "abs_magnetization" {
		t.Fatalf("columns %s, %s; want mean_energy, abs_magnetization", energy.Column(), absM.Column())
	}
	const L, H = 6, 1.0
	differs := false
	for k := range f.Iterations {
		var tri, square, m float64
		for i := range f.N {
			c := f.Configs[(k*f.N+i)*f.Sites : (k*f.N+i+1)*f.Sites]
			sum := 0
			for _, v := range c {
				sum += int(v)
			}
			tri += (float64(triangularEnergy(L, c)) - H*float64(sum)) / float64(f.Sites)
			square += (float64(ising.Energy(L, c)) - H*float64(sum)) / float64(f.Sites)
			m += math.Abs(float64(sum)) / float64(f.Sites)
		}
		tri, square, m = tri/float64(f.N), square/float64(f.N), m/float64(f.N)
		t.Logf("iteration %d: read-out ⟨E⟩ %.4f, triangular %.4f, square %.4f; ⟨|m|⟩ %.4f", f.Iterations[k], energy.Values[k], tri, square, absM.Values[k])
		if math.Abs(energy.Values[k]-tri) > 1e-12 || math.Abs(absM.Values[k]-m) > 1e-12 {
			t.Errorf("iteration %d: read-out ⟨E⟩ %.6f, ⟨|m|⟩ %.6f; the model's own %.6f, %.6f", f.Iterations[k], energy.Values[k], absM.Values[k], tri, m)
		}
		if math.Abs(square-tri) > 0.05 {
			differs = true
		}
	}
	if !differs {
		t.Error("power: the square lattice's energy equals the triangular one at every iteration, the test could not tell them apart")
	}
	if f.Two.EqT[0] != 3 || f.Two.EqDelta[0] != H {
		t.Errorf("the Monte Carlo input reads (T, H) = (%g, %g) by its observables, want its own point (3, 1)", f.Two.EqT[0], f.Two.EqDelta[0])
	}
}
