package pluginstudy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// The parts of the study, in the order they run; each names what a model
// plugin's author reads about in docs/plugin-authoring.md.
const (
	PartDescribe    = "describe"
	PartSample      = "sample"
	PartRBM         = "rbm"
	PartThermometer = "thermometer"
	PartFlow        = "flow"
	PartCheck       = "check"
	PartReport      = "report"
)

// Options choose the model and, where the defaults do not fit, the study's
// other plugins and sizes.
type Options struct {
	Model string
	// RBM, Thermometer and Check name the learners and the analyzer; ""
	// finds each among the installed plugins by what it declares.
	RBM, Thermometer, Check string
	L                       int // linear lattice size; 0: 6, or the model's minimum if larger (even)
	PerPoint                int // configurations per parameter point; 0: 32
	Seed                    uint64
	// Set holds hyper-parameters per learner part (PartRBM,
	// PartThermometer) over the study's own: "epochs" 20 and "hidden" 8
	// where the learner declares them, so that the study takes seconds.
	Set map[string]sdk.Params
	// ReportDir, if set, keeps the report there; else it is drawn in the
	// temporary folder and removed with the registry.
	ReportDir string
}

// Part is one part of the study and what became of it.
type Part struct {
	Name string
	// Err is why the part failed; nil when it passed or was skipped.
	Err error
	// Skipped is set when a part it needs failed: Note says which.
	Skipped bool
	Note    string // what the part did, or why it was skipped
}

// OK reports whether the part ran and passed.
func (p Part) OK() bool { return p.Err == nil && !p.Skipped }

// String is the part's one line: its name, then "ok", "FAIL" or "skipped"
// and why.
func (p Part) String() string {
	switch {
	case p.Err != nil:
		return fmt.Sprintf("%-12s FAIL: %s", p.Name, firstLine(p.Err.Error()))
	case p.Skipped:
		return fmt.Sprintf("%-12s skipped: %s", p.Name, p.Note)
	}
	return fmt.Sprintf("%-12s ok: %s", p.Name, p.Note)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// Failed returns the parts that failed.
func Failed(parts []Part) []Part {
	var out []Part
	for _, p := range parts {
		if p.Err != nil {
			out = append(out, p)
		}
	}
	return out
}

// quick are the hyper-parameters the study gives its learners when they
// declare them: small enough for seconds, large enough to learn something.
var quick = sdk.Params{"epochs": 20, "hidden": 8}

// Run runs the study of o.Model with env's host (env's registry is not
// touched: the study writes to a temporary one) and returns its parts in
// order. The error is a usage error (experiment.ErrUsage) when o.Model is
// not an installed model plugin, or when the temporary registry cannot be
// made; a part that fails is in the parts, not the error.
func Run(ctx context.Context, env *experiment.Env, o Options) ([]Part, error) {
	if o.Model == "" {
		return nil, experiment.Usage(errors.New("no model named: give the model plugin's name"))
	}
	dir, err := os.MkdirTemp("", "rgml-plugins-check-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	store, err := registry.Open(filepath.Join(dir, registry.DirName))
	if err != nil {
		return nil, err
	}
	defer store.Close()
	e := *env
	e.Store, e.OpenStore = store, nil
	s := &study{env: &e, o: o, dir: dir, store: store}
	if s.o.ReportDir == "" {
		s.o.ReportDir = filepath.Join(dir, "report")
	}
	if err := s.describe(ctx); err != nil {
		return nil, err
	}
	for _, step := range []struct {
		name  string
		needs []string
		run   func(context.Context) (string, error)
	}{
		{PartSample, []string{PartDescribe}, s.sample},
		{PartRBM, []string{PartSample}, s.trainRBM},
		{PartThermometer, []string{PartSample}, s.trainThermometer},
		{PartFlow, []string{PartRBM, PartThermometer}, s.flow},
		{PartCheck, []string{PartFlow}, s.check},
		{PartReport, []string{PartSample}, s.report},
	} {
		s.part(ctx, step.name, step.needs, step.run)
	}
	return s.parts, nil
}

// part runs one part unless a part it needs did not pass.
func (s *study) part(ctx context.Context, name string, needs []string, run func(context.Context) (string, error)) {
	for _, n := range needs {
		if !s.passed(n) {
			s.parts = append(s.parts, Part{Name: name, Skipped: true, Note: "needs " + n + ", which did not pass"})
			return
		}
	}
	if err := ctx.Err(); err != nil {
		s.parts = append(s.parts, Part{Name: name, Err: err})
		return
	}
	note, err := run(ctx)
	s.parts = append(s.parts, Part{Name: name, Err: err, Note: note})
}

func (s *study) passed(name string) bool {
	for _, p := range s.parts {
		if p.Name == name {
			return p.OK()
		}
	}
	return false
}

// isUnknown reports whether err says the host has no such plugin of the
// kind asked for.
func isUnknown(err error) bool { return errors.Is(err, host.ErrUnknownPlugin) }
