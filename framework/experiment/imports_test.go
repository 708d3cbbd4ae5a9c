package experiment_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// engineRules are the engine's import rules of docs/architecture.md: each
// part of framework/experiment may import, of this module, only what its
// line lists (the standard library and third-party modules are free).
// The facade, framework/experiment itself, may import its parts; no part
// imports the facade, so the parts stay usable (and testable) alone.
var engineRules = map[string][]string{
	// YAML → typed items: nothing of the engine.
	"framework/experiment/spec": {"framework/grid", "framework/sdk"},
	// The entries' files: arrays, and the figure type analyzers return.
	"framework/experiment/formats": {"framework/npz", "framework/sdk"},
	// Validation, the DAG and keys: the spec and what describes plugins
	// (the host's catalog, registry names); never the executors or steps.
	"framework/experiment/plan": {"framework/experiment/spec", "framework/fsutil", "framework/grid", "framework/host", "framework/sdk", "registry"},
	// What the step kinds share (Env, whose fault an error is, the keys a
	// dataset's lineage records): the libraries a step works with, never
	// the planner's state, the executors or the facade.
	"framework/experiment/steps": {"framework/experiment/formats", "framework/experiment/spec", "framework/host", "framework/metrics", "framework/progress", "framework/sdk", "registry"},
	// The import step: the shared base and the libraries it reads and
	// registers with.
	"framework/experiment/steps/importer": {"framework/experiment/spec", "framework/experiment/steps", "framework/fsutil", "framework/npz", "framework/sdk", "registry"},
	// What the step kinds read: registered datasets and their selections,
	// entry files; the shared base, the formats and the libraries.
	"framework/experiment/steps/stepdata": {"framework/experiment/formats", "framework/experiment/plan", "framework/experiment/spec",
		"framework/experiment/steps", "framework/grid", "framework/host", "framework/npz", "framework/sdk", "registry"},
	// A step kind (here the dataset kind): the planner it adds its steps
	// to, the shared base, the step packages it runs and the libraries it
	// works with; never the executors, another kind or the facade.
	"framework/experiment/steps/sample": {"framework/experiment/plan", "framework/experiment/spec", "framework/experiment/steps",
		"framework/experiment/steps/importer", "framework/fsutil", "framework/grid", "framework/host", "framework/npz", "framework/sdk", "registry"},
	// The training kind: as the dataset kind, with what it reads through
	// stepdata and the formats of its history.
	"framework/experiment/steps/train": {"framework/experiment/formats", "framework/experiment/plan", "framework/experiment/spec", "framework/experiment/steps",
		"framework/experiment/steps/stepdata", "framework/fsutil", "framework/grid", "framework/host", "framework/metrics", "framework/npz",
		"framework/progress", "framework/sdk", "registry"},
	// The flow kind: as the training kind.
	"framework/experiment/steps/flow": {"framework/experiment/formats", "framework/experiment/plan", "framework/experiment/spec", "framework/experiment/steps",
		"framework/experiment/steps/stepdata", "framework/grid", "framework/host", "framework/npz", "framework/progress", "framework/sdk", "registry"},
	// The analysis kind: as the flow kind.
	"framework/experiment/steps/analyze": {"framework/experiment/formats", "framework/experiment/plan", "framework/experiment/spec", "framework/experiment/steps",
		"framework/experiment/steps/stepdata", "framework/grid", "framework/host", "framework/npz", "framework/sdk", "registry"},
	// The report kind: as the analysis kind, with the figures and pages
	// it draws (framework/report); the judges of studies register with
	// it, it imports none.
	"framework/experiment/steps/reportkind": {"framework/experiment/formats", "framework/experiment/plan", "framework/experiment/spec", "framework/experiment/steps",
		"framework/experiment/steps/stepdata", "framework/grid", "framework/npz", "framework/report", "framework/sdk", "registry"},
	// Steps as a DAG: nothing of this module.
	"framework/experiment/schedule": {},
	// The executors (here, Slurm, one step as a job, leases): the plan
	// they run, the scheduler, the steps' Env, the batch system and the
	// registry; never a step kind's code or the facade (the facade
	// registers its kinds with them).
	"framework/experiment/exec": {"framework/experiment/plan", "framework/experiment/schedule", "framework/experiment/spec",
		"framework/experiment/steps", "framework/host", "framework/slurm", "registry"},
	// Test plugins: a plugin's rule (framework/sdk only).
	"framework/experiment/internal/rgml-plugin-refmodel":   {"framework/sdk"},
	"framework/experiment/internal/rgml-plugin-badlearner": {"framework/sdk"},
	// A tiny study of one model plugin (rgml plugins check): not a part
	// of the engine but a client of the facade, as cmd is, so the one
	// package here that may import it; no part imports pluginstudy.
	"framework/experiment/pluginstudy": {"framework/experiment", "framework/experiment/spec", "framework/grid", "framework/host", "framework/sdk", "registry"},
	// Its test plugin: a plugin's rule.
	"framework/experiment/pluginstudy/internal/rgml-plugin-badstates": {"framework/sdk"},
}

// engineLayers are the layers of docs/architecture.md's drawing: a part
// imports only parts of lower layers, never a sibling of its own.
var engineLayers = map[string]int{
	"framework/experiment":                  5,
	"framework/experiment/exec":             4,
	"framework/experiment/steps/sample":     4,
	"framework/experiment/steps/train":      4,
	"framework/experiment/steps/flow":       4,
	"framework/experiment/steps/analyze":    4,
	"framework/experiment/steps/reportkind": 4,
	"framework/experiment/steps/importer":   3,
	"framework/experiment/steps/stepdata":   3,
	"framework/experiment/schedule":         2,
	"framework/experiment/plan":             2,
	"framework/experiment/steps":            2,
	"framework/experiment/spec":             1,
	"framework/experiment/formats":          1,
}

func TestEngineImportRules(t *testing.T) {
	const mod = "github.com/rgml/rgml/"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, mod+"framework/experiment/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		row := strings.Fields(line)
		pkg := strings.TrimPrefix(row[0], mod)
		seen[pkg] = true
		if layer, ok := engineLayers[pkg]; ok {
			for _, d := range row[1:] {
				if dl, ok := engineLayers[strings.TrimPrefix(d, mod)]; ok && dl >= layer {
					t.Errorf("%s (layer %d) imports %s (layer %d): a part imports only lower layers", pkg, layer, strings.TrimPrefix(d, mod), dl)
				}
			}
		}
		if pkg == "framework/experiment" || pkg == "framework/experiment/presets" {
			continue // the facade; the embedded preset files
		}
		may, ok := engineRules[pkg]
		if !ok {
			t.Errorf("%s has no line in engineRules: say what it may import (and in docs/architecture.md)", pkg)
			continue
		}
		for _, d := range row[1:] {
			if !strings.HasPrefix(d, mod) {
				continue
			}
			if dep := strings.TrimPrefix(d, mod); !slices.Contains(may, dep) {
				t.Errorf("%s imports %s; it may import only %v of this module", pkg, dep, may)
			}
		}
	}
	for pkg := range engineLayers {
		if _, ok := engineRules[pkg]; !ok && pkg != "framework/experiment" {
			t.Errorf("engineLayers names %s, which has no line in engineRules", pkg)
		}
	}
	for pkg := range engineRules {
		if _, ok := engineLayers[pkg]; !ok && !strings.Contains(pkg, "/internal/") && pkg != "framework/experiment/pluginstudy" {
			t.Errorf("%s has no layer in engineLayers (docs/architecture.md's drawing)", pkg)
		}
		if !seen[pkg] {
			t.Errorf("engineRules names %s, which go list does not list", pkg)
		}
	}
}
