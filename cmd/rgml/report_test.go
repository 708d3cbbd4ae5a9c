package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/framework/report/browsertest"
	"github.com/rgml/rgml/registry"
)

// analysedSpec is smallSpec with the flow's configurations kept, a
// spectrum analysis of the RBM, the thermometer-free check of the flow
// (with the training set as equilibrium reference) and a report.
func analysedSpec(t testing.TB) string {
	t.Helper()
	spec := `datasets:
  - name: s-train
    model: ising
    params: {T: "0:6:1"}
    L: 6
    per-point: 40
    seed: 1
  - name: s-test
    model: ising
    params: {T: "0,2,3,6"}
    L: 6
    per-point: 10
    seed: 2
trainings:
  - name: s-thermo
    learner: thermometer
    data: s-train
    set: {epochs: 20}
  - name: s-rbm
    learner: rbm
    data: s-train
    set: {hidden: 16, epochs: 30}
    seed: 3
flows:
  - name: s-flow
    rbm: s-rbm
    thermometer: s-thermo
    from: s-test
    where: {T: 0}
    iterations: [0, 1, 10]
    save-configs: true
analyses:
  - name: s-spectrum
    analyzer: spectrum
    model: s-rbm
    data: s-test
  - name: s-check
    analyzer: correlations
    flow: s-flow
    data: s-train
report:
  title: small study
  judge: iso2018
`
	p := filepath.Join(t.TempDir(), "analysed.yaml")
	if err := os.WriteFile(p, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeSpec(t *testing.T, spec string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(p, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func inputRoles(t *testing.T, s *registry.Store, name string) map[string]registry.Kind {
	t.Helper()
	en, err := s.Resolve(registry.Analysis, name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Manifest(en)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]registry.Kind{}
	for _, in := range m.Lineage.Inputs {
		d, err := s.Lookup(in.Digest)
		if err != nil {
			t.Fatal(err)
		}
		roles[in.Role] = d.Kind
	}
	if m.Lineage.Plugin == nil || m.Lineage.Key == "" {
		t.Errorf("%s: lineage without plugin or step key: %+v", en, m.Lineage)
	}
	return roles
}

// checkPage checks a report's page: no figure fails report.Check; in
// headless Chromium (skipped without one) every image loads, no console
// error, nothing off the file system. The screenshot is kept in
// $RGML_TEST_ARTEFACTS when it is set, as report-TESTNAME.png.
func checkPage(t *testing.T, dir string, drawn int) {
	t.Helper()
	// Every figure passes the figure style's checks (report.Check), which
	// the page would show under it.
	if b, err := os.ReadFile(filepath.Join(dir, report.PageFile)); err != nil || strings.Contains(string(b), "Figure check:") {
		t.Errorf("a figure of the report fails its check (or the page is unreadable: %v)", err)
	}
	exe := browsertest.FindChromium(t)
	images, problems, shot := browsertest.Browse(t, exe, filepath.Join(dir, report.PageFile))
	if len(images) != drawn {
		t.Errorf("%d images on the page, %d figures drawn", len(images), drawn)
	}
	for _, im := range images {
		if strings.HasSuffix(im, ": 0") || strings.HasSuffix(im, ": -1") {
			t.Errorf("image did not load: %s", im)
		}
	}
	for _, p := range problems {
		t.Errorf("browser: %s", p)
	}
	if a := os.Getenv("RGML_TEST_ARTEFACTS"); a != "" {
		os.MkdirAll(a, 0o755)
		os.WriteFile(filepath.Join(a, "report-"+strings.ReplaceAll(t.Name(), "/", "-")+".png"), shot, 0o644) // one stable name per report
	}
}

// A spec with analyses and a report, end to end through real plugins:
// the analyses are registered with their inputs as lineage, the report
// has every figure (opened in Chromium), the verdict table, and a rerun
// skips the analyses; then a removed entry makes a missing figure: the
// rest renders and rgml report exits 1.
func TestRunAnalysesAndReport(t *testing.T) {
	reg := registryDir(t)
	out := filepath.Join(t.TempDir(), "report")
	code, stdout, stderr := rgmlIn(t, reg, "run", analysedSpec(t), "--report", out)
	if code != 0 {
		t.Fatalf("rgml run: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "report: "+filepath.Join(out, "index.html")+" (done)") {
		t.Errorf("run does not say where the report is:\n%s", stdout)
	}
	s, err := registry.OpenReadOnly(reg)
	if err != nil {
		t.Fatal(err)
	}
	if got := inputRoles(t, s, "s-spectrum"); got["model"] != registry.Model || got["data"] != registry.Dataset || len(got) != 2 {
		t.Errorf("s-spectrum inputs %v, want model and data", got)
	}
	if got := inputRoles(t, s, "s-check"); got["flow"] != registry.Flow || got["reference"] != registry.Dataset || len(got) != 2 {
		t.Errorf("s-check inputs %v, want flow and reference", got)
	}
	en, _ := s.Resolve(registry.Analysis, "s-check")
	arrays, _, err := experiment.ReadAnalysis(s, en)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"T_energy", "T_abs_m", "T_G", "T_thermometer"} {
		a, ok := npz.Find(arrays, name)
		if !ok || a.Shape[0] != 3 { // one per flow iteration
			t.Errorf("s-check: %s %v, want one value per iteration (3)", name, a.Shape)
		}
	}
	s.Close()

	page, err := os.ReadFile(filepath.Join(out, report.PageFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Reproduction verdicts", "samples-s-train", "history-s-thermo", "flow-s-flow", "s-spectrum-wwt",
		"s-spectrum-decay", "s-spectrum-eigenvalues", "s-spectrum-vwwv", "s-check-flow-check", "s-check-G", "Fig. 12",
		"; drawn by rgml version " + version + ", commit "} { // the version is rgml's, not a host's
		if !strings.Contains(string(page), want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if strings.Contains(string(page), "Missing figures") {
		t.Errorf("the report of a complete run lists missing figures")
	}
	checkPage(t, out, strings.Count(string(page), "<img "))

	// A rerun skips the analyses (their keys are registered) and redraws the report.
	code, stdout, _ = rgmlIn(t, reg, "run", analysedSpec(t), "--report", out)
	if code != 0 || !strings.Contains(stdout, "s-spectrum  analysis  skipped") {
		t.Errorf("rerun: exit %d, analyses not skipped:\n%s", code, stdout)
	}

	// The verdict table is the judge's the spec names: without one, no
	// table and no sentence about Ising; an unknown one stops the run
	// before anything runs, at its position.
	noJudge := strings.Replace(readFile(t, analysedSpec(t)), "  judge: iso2018\n", "", 1)
	outNo := filepath.Join(t.TempDir(), "report-nojudge")
	if code, stdout, stderr := rgmlIn(t, reg, "run", writeSpec(t, noJudge), "--report", outNo); code != 0 {
		t.Fatalf("run without judge: exit %d\n%s\n%s", code, stdout, stderr)
	}
	page, err = os.ReadFile(filepath.Join(outNo, report.PageFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"Reproduction verdicts", "Ising study", "Iso, Shiba"} {
		if strings.Contains(string(page), bad) {
			t.Errorf("the report of a spec naming no judge shows %q", bad)
		}
	}
	fresh := filepath.Join(t.TempDir(), "registry")
	bad := writeSpec(t, strings.Replace(noJudge, "  title: small study\n", "  title: small study\n  judge: nosuch\n", 1))
	code, stdout, stderr = rgmlIn(t, fresh, "run", bad)
	line := strings.Count(noJudge[:strings.Index(noJudge, "  title: small study")], "\n") + 2
	if want := fmt.Sprintf("%s:%d:3: ", bad, line); code != 2 || !strings.Contains(stderr, want) || !strings.Contains(stderr, `unknown judge "nosuch"`) ||
		strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("judge: nosuch: exit %d, want 2 and one line at %s\n%s%s", code, want, stdout, stderr)
	}
	if _, stdout, _ := rgmlIn(t, fresh, "datasets", "list"); strings.Contains(stdout, "s-train") {
		t.Errorf("a spec with an unknown judge registered something:\n%s", stdout)
	}

	// rgml report shows the table of the judge the run's spec named
	// (while that spec is as the run read it), or --judge's.
	for _, c := range []struct {
		args  []string
		table bool
	}{
		{[]string{"analysed:1"}, true},
		{nil, false}, // the latest run, whose spec named no judge
		{[]string{"--judge", "iso2018"}, true},
	} {
		o := filepath.Join(t.TempDir(), "r")
		if code, _, stderr := rgmlIn(t, reg, append([]string{"report", "--out", o}, c.args...)...); code != 0 {
			t.Fatalf("report %v: exit %d: %s", c.args, code, stderr)
		}
		if got := strings.Contains(readFile(t, filepath.Join(o, report.PageFile)), "Reproduction verdicts"); got != c.table {
			t.Errorf("report %v: verdict table %v, want %v", c.args, got, c.table)
		}
	}
	if code, _, stderr := rgmlIn(t, reg, "report", "--out", t.TempDir(), "--judge", "nosuch"); code != 2 || !strings.Contains(stderr, "nosuch") {
		t.Errorf("report --judge nosuch: exit %d, want 2\n%s", code, stderr)
	}

	// A step whose entry is gone: the report says so and exits 1.
	if code, _, stderr := rgmlIn(t, reg, "analyses", "rm", "s-spectrum", "--force"); code != 0 {
		t.Fatalf("rm: %s", stderr)
	}
	out2 := filepath.Join(t.TempDir(), "report2")
	code, _, stderr = rgmlIn(t, reg, "report", "--out", out2)
	if code != 1 {
		t.Errorf("report with a removed entry: exit %d, want 1\n%s", code, stderr)
	}
	if strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, "missing") {
		t.Errorf("want one line naming the missing figure, got %q", stderr)
	}
	page, err = os.ReadFile(filepath.Join(out2, report.PageFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "Missing figures") || !strings.Contains(string(page), "s-spectrum") ||
		!strings.Contains(string(page), `id="s-check-flow-check"`) {
		t.Errorf("the page should list s-spectrum as missing and draw the rest")
	}
	if _, err := os.Stat(filepath.Join(out2, "s-check-flow-check.png")); err != nil {
		t.Errorf("the rest was not drawn: %v", err)
	}
}

// rgml analyze and rgml plot by hand, and their bad input: each one line,
// exit 2, nothing registered.
func TestAnalyzeCommand(t *testing.T) {
	reg := registryDir(t)
	if code, _, stderr := rgmlIn(t, reg, "run", smallSpec(t, 16, 10)); code != 0 {
		t.Fatalf("rgml run: %s", stderr)
	}
	dir := filepath.Join(t.TempDir(), "spec-out")
	out := mustRgml(t, "analyze", "--analyzer", "spectrum", "--models", "s-rbm", "--data", "s-test", "--out", dir)
	if !strings.Contains(out, "registered analysis spectrum-s-rbm:1") {
		t.Errorf("analyze printed %q", out)
	}
	for _, f := range []string{experiment.AnalysisFile, experiment.FiguresFile, "wwt.png", "decay.svg", "eigenvalues.npz"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("--out: %v", err)
		}
	}
	fig := filepath.Join(t.TempDir(), "decay.svg")
	mustRgml(t, "plot", "decay", "spectrum-s-rbm", "--out", fig)
	if b, err := os.ReadFile(fig); err != nil || !strings.Contains(string(b), "<svg") {
		t.Errorf("plot wrote no SVG: %v", err)
	}
	mustRgml(t, "sample", "--model", "ising", "--param", "T=0,6", "--L", "4", "--per-point", "5", "--name", "d4")
	mustRgml(t, "flow", "--rbm", "s-rbm", "--thermometer", "s-thermo", "--from", "s-test", "--where", "T=0", "--iterations", "0,1", "--name", "f-nosave")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"another lattice", []string{"--analyzer", "spectrum", "--models", "s-rbm", "--data", "d4"}, "4×4"},
		{"weights of another learner", []string{"--analyzer", "spectrum", "--models", "s-thermo"}, "reads the weights of rbm"},
		{"flow without configurations", []string{"--analyzer", "correlations", "--flow", "f-nosave"}, "no saved configurations"},
		{"nothing to analyse", []string{"--analyzer", "spectrum"}, "--models, --data or --flow"},
		{"unknown parameter", []string{"--analyzer", "spectrum", "--models", "s-rbm", "--set", "smooth=1"}, "smooth"},
		{"unknown analyzer", []string{"--analyzer", "pca", "--models", "s-rbm"}, "pca"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := rgmlIn(t, reg, append([]string{"analyze"}, tc.args...)...)
			if code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line with %q", code, stderr, tc.want)
			}
		})
	}
	s, err := registry.OpenReadOnly(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if list, _ := s.List(registry.Analysis, ""); len(list) != 1 {
		t.Errorf("%d analyses registered, want 1 (bad input registers nothing)", len(list))
	}
}

// BenchmarkReport: rgml report of a finished run (every figure kind the
// report draws from registry entries: samples, histories, a flow, the
// spectrum's six and the flow check's two, and the verdicts).
func BenchmarkReport(b *testing.B) {
	reg := filepath.Join(b.TempDir(), "registry")
	cli := func(args ...string) string {
		var o, e bytes.Buffer
		full := append([]string{"rgml", "--plugin-dir", pluginDir, "--registry", reg, "--metrics-addr", "off"}, args...)
		if code := run(context.Background(), full, &o, &e); code != 0 {
			b.Fatalf("rgml %v: exit %d\n%s", args, code, e.String())
		}
		return o.String()
	}
	cli("run", analysedSpec(b), "--report", filepath.Join(b.TempDir(), "first"))
	out := filepath.Join(b.TempDir(), "report")
	b.ResetTimer()
	for b.Loop() {
		cli("report", "--out", out)
	}
}
