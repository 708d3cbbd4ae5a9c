package reproduce

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
)

// Fig. 4 is judged by the paper's sentences on the stored run's shape:
// it passes; a test loss that keeps falling steeply to 7500 epochs fails,
// and so does a training loss that rises once.
func TestFig4(t *testing.T) {
	for name, want := range map[string]bool{
		"fig4-paper.json":              true,
		"fig4-test-keeps-falling.json": false,
		"fig4-train-rises.json":        false,
	} {
		v := Losses(lossFixture(name))
		if v.Pass != want || v.Missing != nil {
			t.Errorf("%s: pass %v, want %v: %s", name, v.Pass, want, v)
		}
	}
	// The stored run's numbers are in the row.
	v := Losses(lossFixture("fig4-paper.json"))
	for _, want := range []string{"3.47 → 2.152", "3.24 (epoch 250)", "2.4302 (6000)", "minimum 2.4285 at 6750", "2.4303 at 7500"} {
		if !strings.Contains(v.Measured, want) {
			t.Errorf("measured %q lacks %q", v.Measured, want)
		}
	}
}

// A test loss that stays flat to the end, never turning up, is not the
// paper's Fig. 4 ("After 7500 epochs, in fact, it turns to increase").
func TestFig4NeedsTheTurn(t *testing.T) {
	epochs, train, test := lossFixture("fig4-paper.json")
	n := len(test) - 1
	for i := len(test) - 4; i <= n; i++ {
		test[i] = test[i-1] - 0.0001
	}
	if v := Losses(epochs, train, test); v.Pass {
		t.Errorf("a test loss still (slowly) falling at 7500 passed: %s", v)
	}
}

// A thermometer trained for fewer epochs than the paper's 6000 is judged
// on what it has, and the row says the plateau and the turn lie beyond it.
func TestFig4ShortTraining(t *testing.T) {
	epochs, train, test := lossFixture("fig4-paper.json")
	v := Losses(epochs[:6], train[:6], test[:6])
	if !v.Pass || !strings.Contains(v.Measured, "trained 1500 epochs") || !strings.Contains(v.Measured, "not judged") {
		t.Errorf("short history: %s", v)
	}
	test[3] = test[0] + 1
	test[5] = test[0] + 1
	if v := Losses(epochs[:6], train[:6], test[:6]); v.Pass {
		t.Errorf("a short history whose test loss rose passed: %s", v)
	}
}

// Fig. 9 is judged from T = 0, its caption's start: the stored run's
// shape passes although its flows from T = 6 never near T_c (reported
// beyond the paper); a flow from T = 0 that never nears T_c fails.
func TestFig9(t *testing.T) {
	large := []RBM{{TypeV, 225}, {TypeV, 400}}
	v := DriftAfterTc("flow-v-large", "Fig. 9", "", flowFixture("fig9-paper.json"), large)
	if !v.Pass || v.Missing != nil {
		t.Fatalf("the paper's shape: %s", v)
	}
	for _, want := range []string{"V225 from 0: near T_c at 5, mode 5.75", "V400 from 0: near T_c at 5"} {
		if !strings.Contains(v.Measured, want) {
			t.Errorf("measured %q lacks %q", v.Measured, want)
		}
	}
	if !strings.Contains(v.Beyond, "V225 from 6: never near T_c") || strings.Contains(v.Measured, "from 6") {
		t.Errorf("the flows from T = 6 are not beyond the paper: measured %q, beyond %q", v.Measured, v.Beyond)
	}
	if v := DriftAfterTc("flow-v-large", "Fig. 9", "", flowFixture("fig9-never-near-tc.json"), large); v.Pass || v.Missing != nil {
		t.Errorf("a flow from T = 0 that never nears T_c: %s", v)
	}
}

// Figs. 6–8: T_c is a stable fixed point. A V64 flow that is at T_c after
// the last iteration but left it at iteration 200 fails.
func TestV64Stays(t *testing.T) {
	in := good()
	m := towards(0, 2.5, 4)
	m[8] = 4 // iteration 200
	in.Flows[FlowKey{RBM{TypeV, 64}, 0}] = flow(m...)
	if v := byRow(Judge(in))["flow-v64"]; v.Pass || !strings.Contains(v.Measured, "away from T_c at 200") {
		t.Errorf("a flow leaving T_c at 200: %s", v)
	}
}

// A study judges what it contains: the quick preset's RBMs (V16, L64,
// H64), flows from T = 0 and 6 and thermometer readings of those two test
// sets give exactly the rows they can judge; the others are Absent.
func TestStudyJudgesWhatItHas(t *testing.T) {
	all := good()
	in := Inputs{L: all.L, Samples: all.Samples, TestReadings: map[float64]Reading{}, Flows: map[FlowKey]Flow{},
		WWT: map[int][]float64{16: all.WWT[16]}, VWWV: map[int]Curve{16: all.VWWV[16]}, Eigen: map[RBM][]float64{}}
	epochs, train, test := lossFixture("fig4-paper.json")
	in.LossEpochs, in.TrainLoss, in.TestLoss = epochs[:6], train[:6], test[:6]
	for _, T := range []float64{0, 6} {
		in.TestReadings[T] = all.TestReadings[T]
		for _, r := range []RBM{{TypeV, 16}, {TypeL, 64}, {TypeH, 64}} {
			in.Flows[FlowKey{r, T}] = all.Flows[FlowKey{r, T}]
		}
	}
	in.DecayV = all.DecayV
	var judged []string
	for _, v := range Judge(in) {
		switch {
		case v.Absent:
			if v.Pass {
				t.Errorf("absent row passes: %s", v)
			}
		case v.Missing != nil || !v.Pass:
			t.Errorf("%s", v)
		default:
			judged = append(judged, v.Row)
		}
	}
	want := "samples thermometer-loss thermometer-test flow-v-small flow-h flow-l wwt-local vwwv"
	if got := strings.Join(judged, " "); got != want {
		t.Errorf("judged rows %q, want %q", got, want)
	}
	v := byRow(Judge(in))["flow-v-small"]
	if !strings.Contains(v.Measured, "not in this study: V16 from 2.25, V36, V64, V81, V100") {
		t.Errorf("flow-v-small does not name what the study lacks: %s", v.Measured)
	}
}

// A row judged over three seeds passes only if it passes for each: one
// failing seed fails the row (2/3), and the spread shows every seed's
// value. A seed whose study lacks a row is left out of that row.
func TestAcrossSeeds(t *testing.T) {
	per := map[uint64][]Verdict{}
	for _, seed := range []uint64{1, 2, 3} {
		in := good()
		if seed == 2 {
			in.Flows[FlowKey{RBM{TypeV, 64}, 6}] = flow(towards(6, 3, 4)...)
		}
		if seed == 3 {
			in.DecaySingleT = nil
		}
		per[seed] = Judge(in)
	}
	rows := AcrossSeeds(per)
	if len(rows) != 16 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		switch r.Row {
		case "flow-v64":
			if r.Pass || r.Passed != 2 || len(r.Seeds) != 3 || !strings.Contains(r.Measured, "seed 2: ") || !strings.Contains(r.Spread, "(seeds 1, 2, 3)") {
				t.Errorf("one seed failing: %+v", r)
			}
		case "wwt-decay":
			if !r.Pass || fmt.Sprint(r.Seeds) != "[1 2]" {
				t.Errorf("the seed without Fig. 13's RBMs is not left out: %+v", r)
			}
		case "flow-v-small":
			if r.Pass || r.Passed != 2 {
				t.Errorf("V64 from 6 fails in seed 2: %+v", r)
			}
		default:
			if !r.Pass || r.Passed != 3 || len(r.Seeds) != 3 {
				t.Errorf("%s: %d/%d", r.Row, r.Passed, len(r.Seeds))
			}
		}
	}
	// A row the first seed lacks is judged on the seeds that have it.
	lacking := good()
	lacking.DecaySingleT = nil
	per[1] = Judge(lacking)
	if r := AcrossSeeds(per)[11]; r.Row != "wwt-decay" || r.Absent || !r.Pass || fmt.Sprint(r.Seeds) != "[2]" {
		t.Errorf("a row only seed 2 has: %+v", r)
	}
	// One seed missing an input makes the row missing, not passing.
	in := good()
	in.Flows[FlowKey{RBM{TypeV, 64}, 0}] = Flow{}
	per[3] = Judge(in)
	if r := AcrossSeeds(per)[3]; r.Pass || r.Missing == nil || !strings.Contains(r.Missing.Error(), "seed 3") {
		t.Errorf("a seed missing an input: %+v", r)
	}
}

// CriteriaVersion names the criteria: changing a criterion's text, or
// what it quotes, must change the version (and this digest with it).
func TestCriteriaVersion(t *testing.T) {
	h := sha256.New()
	for _, v := range Judge(good()) {
		fmt.Fprintf(h, "%s\n%s\n%s\n", v.Row, v.Says, v.Criterion)
	}
	got := fmt.Sprintf("%x", h.Sum(nil))[:16]
	if want := map[string]string{"iso2018/2": "5ceb090082787669"}[CriteriaVersion]; got != want {
		t.Errorf("criteria digest %s for version %s, recorded %q: bump CriteriaVersion and record the new digest", got, CriteriaVersion, want)
	}
}
