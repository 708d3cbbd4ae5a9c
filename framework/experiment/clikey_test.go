package experiment_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

// rgml flow keys its step as rgml run would: while the learners' plugins
// are the binaries the trainings were made with, the flow has a key; once
// either plugin has changed (rgml run would train again), the command
// finds nothing to reuse.
func TestFindFlowFollowsTheLearnersBinaries(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := registry.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	put := func(kind registry.Kind, name string, lin registry.Lineage) {
		t.Helper()
		if _, err := s.Put(ctx, kind, name, []registry.File{{Name: "x", Data: []byte(name)}}, lin); err != nil {
			t.Fatal(err)
		}
	}
	put(registry.Dataset, "data", registry.Lineage{Key: strings.Repeat("a", 64)})
	put(registry.Model, "rbm", registry.Lineage{Key: strings.Repeat("b", 64), Plugin: &registry.PluginRef{Name: "rbm", SHA256: "rbm-sha"}})
	put(registry.Model, "th", registry.Lineage{Key: strings.Repeat("c", 64), Plugin: &registry.PluginRef{Name: "thermometer", SHA256: "thermometer-sha"}})
	env := &experiment.Env{Store: s}
	spec := experiment.FlowSpec{RBM: "rbm", Thermometer: "th", From: "data", Iterations: []int64{0, 1}, Seed: 1}

	cat := catalog(t)
	f, err := experiment.FindFlowWith(ctx, env, cat, spec)
	if err != nil || f.Key == "" {
		t.Fatalf("same binaries: %+v, %v; want a key", f, err)
	}
	for _, learner := range []string{"rbm", "thermometer"} {
		changed := catalog(t)
		lp := changed.Learners[learner]
		lp.SHA256 = "rebuilt-sha"
		changed.Learners[learner] = lp
		f, err := experiment.FindFlowWith(ctx, env, changed, spec)
		if err != nil || f.Key != "" || f.OK {
			t.Errorf("%s plugin rebuilt: %+v, %v; want no key (nothing to reuse)", learner, f, err)
		}
	}
}

// rgml train --label on a learner that learns no label finds nothing to
// reuse (Train then refuses the label); on a supervised learner it keys.
func TestFindTrainingLabelOnlyForSupervised(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := registry.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Put(ctx, registry.Dataset, "data", []registry.File{{Name: "x", Data: []byte("d")}}, registry.Lineage{Key: strings.Repeat("a", 64)}); err != nil {
		t.Fatal(err)
	}
	env := &experiment.Env{Store: s}
	cat := catalog(t)
	for learner, wantKey := range map[string]bool{"rbm": false, "thermometer": true} {
		f, err := experiment.FindTrainingWith(ctx, env, cat, experiment.TrainSpec{Name: learner, Learner: learner, Data: "data", Label: "T", Seed: 1})
		if err != nil || (f.Key != "") != wantKey || f.OK {
			t.Errorf("%s --label T: %+v, %v; want a key: %v", learner, f, err, wantKey)
		}
	}
}
