package experiment_test

import (
	"math"
	"reflect"
	"sort"
	"testing"

	"github.com/rgml/rgml/framework/experiment/spec"
)

// The paper preset has the controls (an untrained random-weight RBM and
// one trained on T = 0 and ∞ only, each flowed from T = 0, 6 and 2.25),
// and paper-small has exactly the same steps and dependencies, smaller.
func TestPaperPresetControls(t *testing.T) {
	full := plan(t, "paper.yaml", mustPreset(t, "paper"))
	small := plan(t, "paper-small.yaml", mustPreset(t, "paper-small"))
	deps := func(ids []string, get func(string) []string) map[string][]string {
		m := map[string][]string{}
		for _, id := range ids {
			m[id] = get(id)
		}
		return m
	}
	var ids []string
	for _, s := range full.Steps {
		ids = append(ids, s.ID)
	}
	sort.Strings(ids)
	var smallIDs []string
	for _, s := range small.Steps {
		smallIDs = append(smallIDs, s.ID)
	}
	sort.Strings(smallIDs)
	if !reflect.DeepEqual(ids, smallIDs) {
		t.Fatalf("paper-small's steps differ from paper's:\n%v\n%v", ids, smallIDs)
	}
	fd := deps(ids, func(id string) []string { s, _ := full.Step(id); return s.Deps })
	sd := deps(ids, func(id string) []string { s, _ := small.Step(id); return s.Deps })
	if !reflect.DeepEqual(fd, sd) {
		t.Error("paper-small's dependencies differ from paper's")
	}
	for _, id := range ids {
		a, _ := full.Step(id)
		b, _ := small.Step(id)
		if a.Key == b.Key {
			t.Errorf("%s: same key in paper and paper-small", id)
		}
	}

	ends, ok := full.Step("dataset/paper-ends")
	if !ok || len(ends.Item.(*spec.Dataset).Params) != 1 || ends.Item.(*spec.Dataset).Params[0].Values[0] != 0 || !math.IsInf(ends.Item.(*spec.Dataset).Params[0].Values[1], 1) {
		t.Errorf("paper-ends: %+v", ends.Item.(*spec.Dataset))
	}
	random, ok := full.Step("training/rbm-random64")
	if !ok || random.Item.(*spec.Training).Set["epochs"] != 0 || random.Item.(*spec.Training).Set["hidden"] != 64 || random.Item.(*spec.Training).Set["init_std"] <= 0 {
		t.Errorf("rbm-random64: %+v", random.Item.(*spec.Training))
	}
	if zi, ok := full.Step("training/rbm-0inf64"); !ok || zi.Item.(*spec.Training).Data != "paper-ends" {
		t.Errorf("rbm-0inf64: %+v", zi.Item.(*spec.Training))
	}
	for _, rbm := range []string{"rbm-random64", "rbm-0inf64", "rbm-v64", "rbm-v400", "rbm-h225", "rbm-l64", "rbm-v64-no-tc"} {
		for _, from := range []string{"T0", "T6", "T2.25"} {
			if _, ok := full.Step("flow/flow-" + rbm + "-" + from); !ok {
				t.Errorf("paper has no flow/flow-%s-%s", rbm, from)
			}
		}
	}
}
