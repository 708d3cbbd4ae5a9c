package plan

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/sdk"
)

// Catalog describes plugins by name: what validation checks a spec against
// and where a step's plugin digest comes from. The host implements it by
// launching each plugin once and asking Describe.
type Catalog interface {
	// Model returns a model plugin's description and the sha256 of its
	// binary; an error wrapping ErrUnknownPlugin if there is no such model.
	Model(ctx context.Context, name string) (sdk.ModelDescription, string, error)
	// Learner is Model for learner plugins.
	Learner(ctx context.Context, name string) (sdk.LearnerDescription, string, error)
}

// AnalyzerCatalog is a Catalog that also describes analyzers; a spec
// with analyses needs one.
type AnalyzerCatalog interface {
	// Analyzer is Model for analyzer plugins.
	Analyzer(ctx context.Context, name string) (sdk.AnalyzerDescription, string, error)
}

// AnalyzerPlugin is an analyzer's description with its binary's sha256.
type AnalyzerPlugin struct {
	Desc   sdk.AnalyzerDescription
	SHA256 string
}

// ModelPlugin is a model's description with its binary's sha256.
type ModelPlugin struct {
	Desc   sdk.ModelDescription
	SHA256 string
}

// LearnerPlugin is a learner's description with its binary's sha256.
type LearnerPlugin struct {
	Desc   sdk.LearnerDescription
	SHA256 string
}

// Descriptions is a Catalog of descriptions already obtained (from a
// host, or from the plugins' libraries in tests), keyed by plugin name.
type Descriptions struct {
	Models    map[string]ModelPlugin
	Learners  map[string]LearnerPlugin
	Analyzers map[string]AnalyzerPlugin
}

// Analyzer implements AnalyzerCatalog.
func (d Descriptions) Analyzer(_ context.Context, name string) (sdk.AnalyzerDescription, string, error) {
	p, ok := d.Analyzers[name]
	if !ok {
		return sdk.AnalyzerDescription{}, "", fmt.Errorf("%w: no analyzer plugin %q (have: %v)", host.ErrUnknownPlugin, name, slices.Sorted(maps.Keys(d.Analyzers)))
	}
	return p.Desc, p.SHA256, nil
}

// Model implements Catalog.
func (d Descriptions) Model(_ context.Context, name string) (sdk.ModelDescription, string, error) {
	p, ok := d.Models[name]
	if !ok {
		return sdk.ModelDescription{}, "", fmt.Errorf("%w: no model plugin %q (have: %v)", host.ErrUnknownPlugin, name, slices.Sorted(maps.Keys(d.Models)))
	}
	return p.Desc, p.SHA256, nil
}

// Learner implements Catalog.
func (d Descriptions) Learner(_ context.Context, name string) (sdk.LearnerDescription, string, error) {
	p, ok := d.Learners[name]
	if !ok {
		return sdk.LearnerDescription{}, "", fmt.Errorf("%w: no learner plugin %q (have: %v)", host.ErrUnknownPlugin, name, slices.Sorted(maps.Keys(d.Learners)))
	}
	return p.Desc, p.SHA256, nil
}

// Planned maps plugin names to the sha256 of the binaries a plan was made
// with: a step's key names them, so the step must run exactly them.
type Planned map[string]string

// PluginChangedError is a step's plugin binary replaced (rebuilt and
// locked again) after its plan was made: the step's key names the binary
// planned, so running the new one would register a result under a key
// that does not describe it, for a later run to reuse.
type PluginChangedError struct {
	Plugin            string
	Planned, Launched string // sha256 of the binary planned, and of the one launched
}

func (e *PluginChangedError) Error() string {
	return fmt.Sprintf("plugin %s changed since this run was planned (sha256 %s… → %s…); run again",
		e.Plugin, e.Planned[:min(12, len(e.Planned))], e.Launched[:min(12, len(e.Launched))])
}

// Check returns a *PluginChangedError if the plugin launched as name ran
// a binary of another digest than planned; a plugin p does not name is
// not checked (a step outside a plan: its lineage records what ran).
func (p Planned) Check(name, launched string) error {
	if want, ok := p[name]; ok && want != launched {
		return &PluginChangedError{Plugin: name, Planned: want, Launched: launched}
	}
	return nil
}
