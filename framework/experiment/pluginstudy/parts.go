package pluginstudy

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// The study's entries in its temporary registry.
const (
	dataName        = "check-data"
	rbmName         = "check-rbm"
	thermometerName = "check-thermometer"
	flowName        = "check-flow"
	checkName       = "check-flow-check"
)

// study is one run of the parts.
type study struct {
	env   *experiment.Env
	o     Options
	dir   string
	store *registry.Store
	parts []Part

	desc sdk.ModelDescription
	axis grid.Axis // the parameter varied, at the points sampled
	L    int

	found    bool // plugins looked for
	learners map[string]sdk.LearnerDescription
	roles    map[string]string // part → plugin name; "" when none fits
	findErr  map[string]error  // part → why no plugin was found
	entries  []registry.Entry
}

// describe asks the model for its description and plans the sample from
// it. Only a name that is not an installed model is an error.
func (s *study) describe(ctx context.Context) error {
	m, err := s.env.Host.Model(ctx, s.o.Model)
	if err != nil {
		if isUnknown(err) {
			return experiment.Usage(err)
		}
		s.parts = append(s.parts, Part{Name: PartDescribe, Err: err})
		return nil
	}
	s.desc = m.Desc
	m.Kill()
	note, err := s.plan()
	s.parts = append(s.parts, Part{Name: PartDescribe, Err: err, Note: note})
	return nil
}

// plan chooses the lattice and the parameter points from the description.
func (s *study) plan() (string, error) {
	d := s.desc
	if len(d.StateSpace) == 0 {
		return "", fmt.Errorf("model %s declares no state space (ModelDescription.StateSpace): learners choose their visible units from it", d.Name)
	}
	if err := sdk.CheckStateSpace(d.StateSpace); err != nil {
		return "", fmt.Errorf("model %s: %w", d.Name, err)
	}
	i := slices.IndexFunc(d.Parameters, func(p sdk.ParamSpec) bool { return p.Kind == sdk.Float })
	if i < 0 {
		return "", fmt.Errorf("model %s declares no float parameter: the thermometer learns one that takes several values", d.Name)
	}
	p := d.Parameters[i]
	centre, whence := p.Default, "its default"
	for _, r := range d.References {
		if len(r.Points) != 1 {
			continue
		}
		if v, ok := r.Points[0][p.Name]; ok {
			centre, whence = v, "its reference "+r.Name
			break
		}
	}
	s.axis = grid.Axis{Name: p.Name, Values: around(p, centre)}
	s.L = s.o.L
	if s.L == 0 {
		s.L = max(6, d.MinSize)
		s.L += s.L % 2
	}
	return fmt.Sprintf("model %s %s: states %v, %s lattice, %s at %s (around %s)", d.Name, d.Version, d.StateSpace,
		lattice(s.L, d.Dimension), p.Name, numbers(s.axis.Values), whence), nil
}

// around returns four points from centre/2 to 2·centre, kept inside the
// parameter's range.
func around(p sdk.ParamSpec, centre float64) []float64 {
	if centre == 0 {
		centre = 1
	}
	lo, hi := min(centre/2, 2*centre), max(centre/2, 2*centre)
	if p.HasMin {
		lo = max(lo, p.Min)
	}
	if p.HasMax {
		hi = min(hi, p.Max)
	}
	out := make([]float64, 4)
	for k := range out {
		v := lo + (hi-lo)*float64(k)/3
		out[k] = math.Round(v*1000) / 1000
	}
	return slices.Compact(out)
}

func numbers(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = spec.FormatNumber(x)
	}
	return strings.Join(s, ", ")
}

func lattice(L, dim int) string {
	s := make([]string, max(dim, 1))
	for i := range s {
		s[i] = fmt.Sprint(L)
	}
	return strings.Join(s, "×")
}

func (s *study) perPoint() int {
	if s.o.PerPoint > 0 {
		return s.o.PerPoint
	}
	return 32
}

// sample draws the study's data; Sample refuses a value outside the state
// space the model declares (learners trust it).
func (s *study) sample(ctx context.Context) (string, error) {
	res, err := experiment.Sample(ctx, s.env, experiment.SampleSpec{Name: dataName, Model: s.o.Model,
		Params: []grid.Axis{s.axis}, L: s.L, PerPoint: s.perPoint(), Seed: s.o.Seed})
	if err != nil {
		return "", err
	}
	s.entries = append(s.entries, res.Entry)
	return fmt.Sprintf("%d configurations of %s at %d points, every value in the declared states", res.Configs, lattice(s.L, s.desc.Dimension), res.Points), nil
}

// train trains the learner of part on the study's data.
func (s *study) train(ctx context.Context, part, name, label string) (string, error) {
	learner, err := s.plugin(ctx, part)
	if err != nil {
		return "", err
	}
	res, err := experiment.Train(ctx, s.env, experiment.TrainSpec{Name: name, Learner: learner, Data: dataName,
		Label: label, Hyper: s.hyper(part, learner), Seed: s.o.Seed})
	if err != nil {
		return "", err
	}
	s.entries = append(s.entries, res.Entry)
	return fmt.Sprintf("%s trained %d epochs on %d configurations", learner, res.Epochs, res.Samples), nil
}

func (s *study) trainRBM(ctx context.Context) (string, error) {
	return s.train(ctx, PartRBM, rbmName, "")
}

func (s *study) trainThermometer(ctx context.Context) (string, error) {
	return s.train(ctx, PartThermometer, thermometerName, s.axis.Name)
}

// hyper are the study's hyper-parameters for a learner: quick ones it
// declares, then the caller's.
func (s *study) hyper(part, learner string) sdk.Params {
	out := sdk.Params{}
	for _, p := range s.learners[learner].Hyperparameters {
		if v, ok := quick[p.Name]; ok {
			out[p.Name] = v
		}
	}
	for k, v := range s.o.Set[part] {
		out[k] = v
	}
	return out
}

// flow runs the RBM's flow from the lowest point, read by the thermometer.
func (s *study) flow(ctx context.Context) (string, error) {
	from := s.axis.Values[0]
	its := []int64{0, 1, 10}
	res, err := experiment.Flow(ctx, s.env, experiment.FlowSpec{Name: flowName, RBM: rbmName, Thermometer: thermometerName,
		From: dataName, Where: []string{s.axis.Name + "=" + spec.FormatNumber(from)}, Iterations: its, Seed: s.o.Seed, SaveConfigs: true})
	if err != nil {
		return "", err
	}
	s.entries = append(s.entries, res.Entry)
	for i, t := range res.TMean {
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return "", fmt.Errorf("the thermometer read %v after %d iterations", t, its[i])
		}
	}
	return fmt.Sprintf("from %s = %s: thermometer mean %s after 0, 1, 10 iterations", s.axis.Name, spec.FormatNumber(from),
		numbers(rounded(res.TMean))), nil
}

func rounded(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Round(x*100) / 100
	}
	return out
}

// check measures the flowed configurations without the thermometer,
// beside the study's data as the equilibrium reference.
func (s *study) check(ctx context.Context) (string, error) {
	analyzer, err := s.plugin(ctx, PartCheck)
	if err != nil {
		return "", err
	}
	res, err := experiment.Analyze(ctx, s.env, experiment.AnalyzeSpec{Name: checkName, Analyzer: analyzer,
		Flow: flowName, Data: dataName, Seed: s.o.Seed})
	if err != nil {
		return "", err
	}
	s.entries = append(s.entries, res.Entry)
	return fmt.Sprintf("%s returned %d results", analyzer, len(res.Results)), nil
}

// report draws every figure of the study's entries.
func (s *study) report(ctx context.Context) (string, error) {
	res, err := experiment.BuildReport(ctx, s.store, experiment.ReportSpec{Title: "rgml plugins check " + s.o.Model,
		Out: s.o.ReportDir, Entries: s.entries})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d figures of %d entries drawn", len(res.Page.Entries), len(s.entries)), nil
}

// plugin returns the plugin that plays part: the one Options names, or
// the one installed plugins' descriptions fit.
func (s *study) plugin(ctx context.Context, part string) (string, error) {
	if !s.found {
		s.find(ctx)
	}
	if err := s.findErr[part]; err != nil {
		return "", err
	}
	return s.roles[part], nil
}

// find describes the plugins the parts use: the named ones, and every
// installed one when a part has none named.
func (s *study) find(ctx context.Context) {
	s.found = true
	s.learners = map[string]sdk.LearnerDescription{}
	s.roles = map[string]string{PartRBM: s.o.RBM, PartThermometer: s.o.Thermometer, PartCheck: s.o.Check}
	s.findErr = map[string]error{}
	names := []string{}
	for _, n := range []string{s.o.RBM, s.o.Thermometer, s.o.Check} {
		if n != "" {
			names = append(names, n)
		}
	}
	if len(names) < 3 {
		entries, err := s.env.Host.List()
		if err != nil {
			for part := range s.roles {
				s.findErr[part] = err
			}
			return
		}
		for _, en := range entries {
			if en.Status == host.StatusOK && en.Name != s.o.Model && !slices.Contains(names, en.Name) {
				names = append(names, en.Name)
			}
		}
	}
	fits := map[string][]string{}
	for _, name := range names {
		p, err := s.env.Host.Open(ctx, name)
		if err != nil {
			if name == s.o.RBM || name == s.o.Thermometer || name == s.o.Check {
				s.failNamed(name, err)
			}
			continue
		}
		p.Kill()
		for _, part := range fitting(p) {
			fits[part] = append(fits[part], name)
		}
		if p.Learner != nil {
			s.learners[name] = p.Learner.Desc
		}
	}
	for part, want := range map[string]string{PartRBM: `a learner with the operation "flow"`,
		PartThermometer: `a supervised learner with the operation "predict"`,
		PartCheck:       "an analyzer that reads a flow's configurations (data/configs, data/group) beside an equilibrium reference (data/reference/configs, data/reference/T)"} {
		if s.findErr[part] != nil {
			continue
		}
		if named := s.roles[part]; named != "" {
			if !slices.Contains(fits[part], named) {
				s.findErr[part] = fmt.Errorf("plugin %s is not %s", named, want)
			}
			continue
		}
		if len(fits[part]) == 0 {
			s.findErr[part] = fmt.Errorf("no installed plugin is %s: install one", want)
			continue
		}
		s.roles[part] = fits[part][0]
	}
}

func (s *study) failNamed(name string, err error) {
	for part, n := range s.roles {
		if n == name {
			s.findErr[part] = err
		}
	}
}

// fitting returns the parts an opened plugin can play.
func fitting(p *host.Opened) []string {
	var out []string
	switch {
	case p.Learner != nil:
		d := p.Learner.Desc
		if _, err := d.Operation("flow"); err == nil && !d.NeedsLabel {
			out = append(out, PartRBM)
		}
		if _, err := d.Operation("predict"); err == nil && d.NeedsLabel {
			out = append(out, PartThermometer)
		}
	case p.Analyzer != nil:
		d := p.Analyzer.Desc
		reads := func(n string) bool { _, ok := d.Input(n); return ok }
		if reads("data/configs") && reads("data/group") && reads("data/reference/configs") && reads("data/reference/T") {
			out = append(out, PartCheck)
		}
	}
	return out
}
