package iso2018_test

import (
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/experiment/presets"
)

// seedSuffix is how paper-seeds names a step of seed 2 or 3: the paper's
// name with -s2 or -s3 (before a flow's -T… start).
var seedSuffix = regexp.MustCompile(`-s([23])(-T[0-9.]+)?$`)

// unseeded returns the paper's name of a paper-seeds step and its seed.
func unseeded(name string) (string, uint64) {
	m := seedSuffix.FindStringSubmatch(name)
	if m == nil {
		return name, 1
	}
	return seedSuffix.ReplaceAllString(name, "$2"), uint64(m[1][0] - '0')
}

// stepsBySeed describes every step of a spec as the paper names it, with
// its seeds mapped back to the paper's (a dataset of seed s is sampled
// with the paper's seed + 2(s−1); a training or flow has seed s), by the
// seed the step belongs to.
func stepsBySeed(t *testing.T, name string) map[uint64][]string {
	t.Helper()
	b, err := presets.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := experiment.Parse("preset:"+name, b)
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint64][]string{}
	add := func(seed uint64, desc string) { out[seed] = append(out[seed], desc) }
	base := func(n string) string { b, _ := unseeded(n); return b }
	for _, d := range s.Datasets {
		n, seed := unseeded(d.Name)
		add(seed, fmt.Sprintf("dataset %s %s %v L%d ×%d %s seed %d", n, d.Model, d.Params, d.L, d.PerPoint, d.Algorithm, d.Seed-2*(seed-1)))
	}
	for _, tr := range s.Trainings {
		n, seed := unseeded(tr.Name)
		add(seed, fmt.Sprintf("training %s %s %s %v %s %v seed %d", n, tr.Learner, base(tr.Data), tr.Where, base(tr.Test), tr.Set, tr.Seed-(seed-1)))
	}
	for _, f := range s.Flows {
		n, seed := unseeded(f.Name)
		add(seed, fmt.Sprintf("flow %s %s %s %s %v %v %v seed %d", n, base(f.RBM), base(f.Thermometer), base(f.From), f.Where, f.Iterations, f.SaveConfigs, f.Seed-(seed-1)))
	}
	for _, a := range s.Analyses {
		n, seed := unseeded(a.Name)
		add(seed, fmt.Sprintf("analysis %s %s %s %s %s %v %v seed %d", n, a.Analyzer, base(a.Model), base(a.Data), base(a.Flow), a.Where, a.Set, a.Seed))
	}
	for _, v := range out {
		slices.Sort(v)
	}
	return out
}

// paper-seeds is the paper preset three times: seed 1 is the paper's own
// steps, and seeds 2 and 3 repeat each of them with their own seeds for
// the data, the trainings and the flows, every step reading its own
// seed's inputs.
func TestPaperSeedsPreset(t *testing.T) {
	paper := stepsBySeed(t, "paper")[1]
	seeds := stepsBySeed(t, "paper-seeds")
	if len(seeds) != 3 {
		t.Fatalf("seeds %v", len(seeds))
	}
	for s := uint64(1); s <= 3; s++ {
		if !slices.Equal(seeds[s], paper) {
			t.Errorf("seed %d's steps differ from the paper's:\n%v\nwant\n%v", s, seeds[s], paper)
		}
	}
	b, _ := presets.Get("paper-seeds")
	s, err := experiment.Parse("preset:paper-seeds", b)
	if err != nil || s.Report == nil || s.Report.Judge != "iso2018" {
		t.Fatalf("paper-seeds' report: %+v, %v", s, err)
	}
	// Every step reads the inputs of its own seed.
	seedOf := func(n string) uint64 { _, s := unseeded(n); return s }
	for _, f := range s.Flows {
		if s := seedOf(f.Name); seedOf(f.RBM) != s || seedOf(f.Thermometer) != s || seedOf(f.From) != s {
			t.Errorf("flow %s reads another seed's inputs: %+v", f.Name, f)
		}
	}
	for _, tr := range s.Trainings {
		if s := seedOf(tr.Name); seedOf(tr.Data) != s || tr.Test != "" && seedOf(tr.Test) != s {
			t.Errorf("training %s reads another seed's data", tr.Name)
		}
	}
}
