package experiment_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/experiment/spec"
)

const study = `
datasets:
  - name: train
    model: ising
    params: {T: "0:6:0.5"}
    L: 10
    per-point: 50
    seed: 1
  - name: test
    model: ising
    params:
      T: [0, 2.5, 6]
    per-point: 20
    seed: 2
trainings:
  - name: thermo
    learner: thermometer
    data: train
    test: test
    set: {epochs: 100}
  - name: rbm-v{hidden}
    learner: rbm
    data: train
    set:
      hidden: [16, 64, 400]
      epochs: 100
  - name: rbm-l64
    learner: rbm
    data: train
    where: {T: 0}
    set: {hidden: 64, epochs: 100}
flows:
  - name: flow-{rbm}-T0
    rbm: [rbm-v16, rbm-l64]
    thermometer: thermo
    from: test
    where: {T: 0}
    iterations: [0, 1, 10]
`

func TestExpansionAndOrder(t *testing.T) {
	p := plan(t, "study.yaml", study)
	var ids []string
	for _, s := range p.Steps {
		ids = append(ids, s.ID)
	}
	want := "dataset/train dataset/test training/thermo training/rbm-v16 training/rbm-v64 training/rbm-v400 training/rbm-l64 flow/flow-rbm-v16-T0 flow/flow-rbm-l64-T0"
	if got := strings.Join(ids, " "); got != want {
		t.Fatalf("steps\n got %s\nwant %s", got, want)
	}
	for _, s := range p.Steps {
		if s.Kind == experiment.KindTraining && s.Item.(*spec.Training).Set["hidden"] == 400 && s.Name != "rbm-v400" {
			t.Errorf("%s has hidden=400", s.Name)
		}
	}
	f, _ := p.Step("flow/flow-rbm-v16-T0")
	if strings.Join(f.Deps, ",") != "dataset/test,training/rbm-v16,training/thermo" {
		t.Errorf("flow deps = %v", f.Deps)
	}
	// Defaults of rgml train are filled in from the plugin's description.
	th, _ := p.Step("training/thermo")
	if th.Item.(*spec.Training).Set["hidden"] != 64 || th.Item.(*spec.Training).Label != "T" {
		t.Errorf("thermometer resolved to %v label %q", th.Item.(*spec.Training).Set, th.Item.(*spec.Training).Label)
	}
}

// Each malformed spec fails with an ErrUsage naming its line, column and
// field, and never reaches a plugin (the catalog only holds descriptions).
func TestMalformedSpecs(t *testing.T) {
	const head = "datasets:\n  - name: d\n    model: ising\n    params: {T: [0, 6]}\n    per-point: 10\n"
	const train = "trainings:\n  - name: r\n    learner: rbm\n    data: d\n"
	for _, tc := range []struct {
		name, src, want string
	}{
		{"unknown top field", "datasets: []\nfoo: 1\n", "s.yaml:2:1: foo: unknown field"},
		{"unknown step field", head + "    colour: red\n", "s.yaml:6:5: datasets[0].colour: unknown field"},
		{"wrong type", head + "    L: ten\n", "s.yaml:6:8: datasets[0].L: \"ten\" is not a finite number"},
		{"not an integer", head + "    L: 10.5\n", "s.yaml:6:8: datasets[0].L: 10.5 is not an integer"},
		// Read as float64, 2^53+1 was 2^53, and "above 2^53" let it by.
		{"seed of 2^53+1", head + "    seed: 9007199254740993\n", "s.yaml:6:11: datasets[0].seed: 9007199254740993: want an integer below 2^53 = 9007199254740992"},
		{"seed of 2^53", head + "    seed: 9007199254740992\n", "s.yaml:6:11: datasets[0].seed: 9007199254740992: want an integer below 2^53"},
		{"seed of 2^53+1 in a list", "datasets:\n  - name: d{seed}\n    model: ising\n    seed: [1, 9007199254740993]\n", "s.yaml:4:11: datasets[0].seed: 9007199254740993: want an integer below 2^53"},
		{"bad range", "datasets:\n  - name: d\n    model: ising\n    params: {T: \"6:0:1\"}\n", "s.yaml:4:17: datasets[0].params.T: range \"6:0:1\": stop 0 is below start 6"},
		{"steps not a list", "datasets: {name: d}\n", "s.yaml:1:12: datasets: want a list of steps"},
		{"no name", "datasets:\n  - model: ising\n", "s.yaml:2:5: datasets[0]: the dataset has no name"},
		{"unknown model", "datasets:\n  - name: d\n    model: potts\n", "s.yaml:3:5: model: unknown plugin: no model plugin \"potts\""},
		{"unknown parameter", "datasets:\n  - name: d\n    model: ising\n    params: {J: 1}\n", "s.yaml:4:5: params: unknown parameter \"J\""},
		{"out of range", "datasets:\n  - name: d\n    model: ising\n    params: {T: -1}\n", "s.yaml:4:5: params: parameter T = -1 is out of range"},
		{"unknown algorithm", head + "    algorithm: heatbath\n", "s.yaml:6:5: algorithm: model ising has no algorithm \"heatbath\""},
		{"thermalization the algorithm has not", head + "    thermalization: 5000\n", "s.yaml:6:5: thermalization: algorithm metropolis-paper of model ising has no thermalisation"},
		{"L past the model's largest", head + "    L: 40000\n", "s.yaml:6:5: L: lattice size L = 40000 is too large: model ising takes L <= 32768"},
		{"unknown learner", head + "trainings:\n  - name: r\n    learner: svm\n    data: d\n", "s.yaml:8:5: learner: unknown plugin: no learner plugin \"svm\""},
		{"unknown hyper", head + train + "    set: {hiden: 16}\n", "s.yaml:10:11: set.hiden: learner rbm has no hyper-parameter \"hiden\""},
		{"hyper out of range", head + "trainings:\n  - name: r{hidden}\n    learner: rbm\n    data: d\n    set:\n      hidden: [16, 0]\n", "s.yaml:11:7: set.hidden: parameter hidden = 0 is out of range"},
		{"dangling data", head + "trainings:\n  - name: r\n    learner: rbm\n    data: nope\n", "s.yaml:9:5: data: no dataset named \"nope\""},
		{"dangling test", head + train + "    test: nope\n", "s.yaml:10:5: test: no dataset named \"nope\""},
		// Nothing to choose from: the error says how to give one, not "(have: )".
		{"no dataset at all", train, "s.yaml:4:5: data: no dataset named \"d\" (the spec plans none before this step): add the dataset \"d\" to the spec, or read a registered dataset as registry:d"},
		{"no training at all", head + "flows:\n  - name: f\n    rbm: r\n    thermometer: r\n    from: d\n", "s.yaml:8:5: rbm: no training named \"r\" (the spec plans none before this step): add the training \"r\" to the spec, or read a registered model as registry:r"},
		{"where selects nothing", head + train + "    where: {T: 3}\n", "s.yaml:10:5: where.T: selects no configuration of d"},
		{"where list with a typo", head + train + "    where: {T: [6, 2.3]}\n", "s.yaml:10:5: where.T: T = 2.3 selects no configuration of d (its T values: 0, 6)"},
		{"where string list with a typo", head + train + "    where: {T: \"0,0.6\"}\n", "s.yaml:10:5: where.T: T = 0.6 selects no configuration of d (its T values: 0, 6)"},
		{"large selection of nothing", "datasets:\n  - name: d\n    model: ising\n    params: {T: \"0:99999:1\"}\n    per-point: 1\n    L: 2\n" + train + "    where: {T: \"0.5:99998.5:1\"}\n", "s.yaml:11:5: where.T: selects no configuration of d"},
		{"where unknown label", head + train + "    where: {Delta: 1}\n", "s.yaml:10:5: where.Delta: dataset d has no label \"Delta\""},
		{"duplicate name", head + "  - name: d\n    model: ising\n", "s.yaml:6:5: name: dataset \"d\" is defined twice (first at s.yaml:2:5)"},
		{"expansion without placeholder", head + train + "    set: {hidden: [16, 64]}\n", "s.yaml:7:11: trainings[0].name: hidden is a list or range"},
		{"unknown placeholder", head + "trainings:\n  - name: r-{size}\n    learner: rbm\n    data: d\n", "s.yaml:7:11: trainings[0].name: placeholder {size}"},
		{"flow of a thermometer", head + "trainings:\n  - name: th\n    learner: thermometer\n    data: d\nflows:\n  - name: f\n    rbm: th\n    thermometer: th\n    from: d\n", "s.yaml:12:5: rbm: training th (learner thermometer) cannot flow"},
		{"iterations decrease", head + train + "flows:\n  - name: f\n    rbm: r\n    thermometer: r\n    from: d\n    iterations: [0, 10, 5]\n", "s.yaml:15:25: flows[0].iterations[2]: iteration counts must increase"},
		{"iterations too many", head + train + "flows:\n  - name: f\n    rbm: r\n    thermometer: r\n    from: d\n    iterations: [0, 1000000000000000]\n", "s.yaml:15:21: flows[0].iterations[1]: 1e+15: want an integer from 0 to 1099511627776"},
		{"iterations too many, as text", head + train + "flows:\n  - name: f\n    rbm: r\n    thermometer: r\n    from: d\n    iterations: \"0,9000000000000000000\"\n", "s.yaml:15:17: flows[0].iterations: \"0,9000000000000000000\": 9000000000000000000 iterations, more than 1099511627776"},
		{"label for unsupervised", head + train + "    label: T\n", "s.yaml:10:5: label: learner rbm is not supervised"},
		{"unknown analyzer", head + train + "analyses:\n  - name: a\n    analyzer: pca\n    model: r\n", "s.yaml:12:5: analyzer: unknown plugin: no analyzer plugin \"pca\""},
		{"analysis reads nothing", head + "analyses:\n  - name: a\n    analyzer: spectrum\n", "s.yaml:7:5: analyses[0]: the analysis reads nothing"},
		{"analysis needs weights", head + "analyses:\n  - name: a\n    analyzer: spectrum\n    data: d\n", "s.yaml:7:5: model: analyzer spectrum needs weights/W: give a model"},
		{"spectrum of a thermometer", head + "trainings:\n  - name: th\n    learner: thermometer\n    data: d\nanalyses:\n  - name: a\n    analyzer: spectrum\n    model: th\n", "s.yaml:13:5: model: analyzer spectrum reads the weights of rbm, and th is a thermometer"},
		{"correlations of weights", head + train + "analyses:\n  - name: a\n    analyzer: correlations\n    model: r\n", "s.yaml:13:5: model: analyzer correlations reads no weights"},
		{"analysis of another lattice", head + "  - name: d6\n    model: ising\n    params: {T: [0, 6]}\n    L: 6\n" + train + "analyses:\n  - name: a\n    analyzer: spectrum\n    model: r\n    data: d6\n",
			"s.yaml:17:5: model: r is 10×10, the analysis's other inputs 6×6"},
		{"flow without configs", head + "trainings:\n  - name: r\n    learner: rbm\n    data: d\n  - name: th\n    learner: thermometer\n    data: d\nflows:\n  - name: f\n    rbm: r\n    thermometer: th\n    from: d\nanalyses:\n  - name: a\n    analyzer: correlations\n    flow: f\n",
			"s.yaml:21:5: flow: flow f does not keep its configurations: add save-configs: true to it"},
		{"analysis parameter", head + "analyses:\n  - name: a\n    analyzer: correlations\n    data: d\n    set: {smooth: 1}\n", "s.yaml:10:11: set.smooth: analyzer correlations has no parameter \"smooth\""},
		{"report field", head + "report: {colour: red}\n", "s.yaml:6:10: report.colour: unknown field"},
		{"tag", "datasets:\n  - !foo {name: d}\n", "s.yaml:2:5: datasets[0]: YAML tags (!…) are not supported"},
		{"top-level list", "- a\n", "s.yaml:1:1: want a mapping"},
		{"alias", "datasets:\n  - &a {name: d, model: ising}\n  - *a\n", "s.yaml:3:5: datasets[1]: YAML aliases"},
		{"import and model", "datasets:\n  - name: d\n    model: ising\n    import: x.npz\n", "s.yaml:4:5: datasets[0].import: a dataset is sampled (model) or imported"},
		{"missing import", "datasets:\n  - name: d\n    import: missing.npz\n", "s.yaml:3:5: import: cannot read missing.npz"},
		{"too big", head + "    L: 32768\n", "s.yaml:5:5: per-point: 20 configurations of 1073741824 sites is more than 16 GiB: sample fewer"},
		{"too many", "datasets:\n  - name: d\n    model: ising\n    params: {T: [0, 6]}\n    per-point: 10000\n    L: 1000\n", "s.yaml:5:5: per-point: 20000 configurations of 1000000 sites is more than 16 GiB: sample fewer"},
		{"range too long", "datasets:\n  - name: d\n    model: ising\n    params: {T: \"0:1e9:1e-9\"}\n", "s.yaml:4:17: datasets[0].params.T: range \"0:1e9:1e-9\" has 1e+18 values, more than 100000"},
		{"range step", "datasets:\n  - name: d\n    model: ising\n    params: {T: \"0:6:0\"}\n", "s.yaml:4:17: datasets[0].params.T: range \"0:6:0\": step must be positive"},
		{"nan", "datasets:\n  - name: d\n    model: ising\n    params: {T: .nan}\n", "s.yaml:4:17: datasets[0].params.T: \".nan\" is not a finite number (nor inf)"},
		{"minus inf in a list", "datasets:\n  - name: d\n    model: ising\n    params: {T: [0, -.inf]}\n", "s.yaml:4:21: datasets[0].params.T[1]: \"-.inf\" is not a finite number (nor inf)"},
		{"L overflows", head + "    L: 4294967296\n", "s.yaml:6:5: L: lattice size L = 4294967296"},
		{"bad name", "datasets:\n  - name: \"a b\"\n    model: ising\n", "s.yaml:2:5: name: \"a b\" is not a valid name"},
		{"syntax", "datasets:\n  - name: [\n", "s.yaml:2:"},
		{"empty", "", "s.yaml: the spec is empty"},
		{"two documents", "datasets: []\n---\nflows: []\n", "s.yaml:3:1: the spec has 2 YAML documents"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := experiment.Parse("s.yaml", []byte(tc.src))
			if err == nil {
				_, err = experiment.NewPlan(context.Background(), s, catalog(t))
			}
			if err == nil {
				t.Fatalf("no error; want %q", tc.want)
			}
			if !errors.Is(err, experiment.ErrUsage) {
				t.Errorf("%v: not an ErrUsage", err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error\n got %q\nwant prefix %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

// A catalog that fails for another reason than an unknown plugin (a
// crashed plugin) is a failure of the work, not of the spec.
func TestCatalogFailureIsNotUsage(t *testing.T) {
	s, err := experiment.Parse("s.yaml", []byte("datasets:\n  - name: d\n    model: ising\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = experiment.NewPlan(context.Background(), s, brokenCatalog{})
	if err == nil || errors.Is(err, experiment.ErrUsage) {
		t.Fatalf("err = %v; want a non-usage error", err)
	}
}

// Expansion over references, seeds given as a range and several fields at
// once, with {field} and {set.field} placeholders.
func TestExpansionCombinations(t *testing.T) {
	b, err := os.ReadFile("testdata/specs/expansion.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := plan(t, "testdata/specs/expansion.yaml", string(b))
	if len(p.Steps) != 2+12+2+2 {
		t.Fatalf("%d steps", len(p.Steps))
	}
	st, ok := p.Step("training/r-d-L8-h8-s3")
	if !ok || st.Item.(*spec.Training).Data != "d-L8" || st.Item.(*spec.Training).Set["hidden"] != 8 || st.Item.(*spec.Training).Seed != 3 {
		t.Errorf("r-d-L8-h8-s3: %+v", st)
	}
	f, ok := p.Step("flow/f-r-d-L4-h8-s2")
	if !ok || !f.Item.(*spec.Flow).SaveConfigs || len(f.Item.(*spec.Flow).Iterations) != 3 {
		t.Errorf("flow: %+v", f)
	}
	alt := strings.Replace(string(b), "name: r-{data}-h{hidden}-s{seed}", "name: r-{data}-h{set.hidden}-s{seed}", 1)
	if got := keys(plan(t, "testdata/specs/expansion.yaml", alt)); got["training/r-d-L8-h8-s3"] != keys(p)["training/r-d-L8-h8-s3"] {
		t.Error("{set.hidden} and {hidden} name different steps")
	}
}
