package reproduce

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lossFixture reads a thermometer's logged history from testdata.
func lossFixture(name string) (epochs, train, test []float64) {
	var h struct {
		Epochs    []float64 `json:"epochs"`
		TrainLoss []float64 `json:"train_loss"`
		TestLoss  []float64 `json:"test_loss"`
	}
	readFixture(name, &h)
	return h.Epochs, h.TrainLoss, h.TestLoss
}

// flowFixture reads flows from testdata: the thermometer's mode after
// each iteration, by "RBM from T" (type V).
func flowFixture(name string) map[FlowKey]Flow {
	var h struct {
		Iterations []int64              `json:"iterations"`
		Modes      map[string][]float64 `json:"modes"`
	}
	readFixture(name, &h)
	out := map[FlowKey]Flow{}
	for k, modes := range h.Modes {
		var hidden int
		var from float64
		if _, err := fmt.Sscanf(k, "V%d from %g", &hidden, &from); err != nil {
			panic(fmt.Sprintf("%s: %q: %v", name, k, err))
		}
		f := flow(modes...)
		f.Iterations = h.Iterations
		out[FlowKey{RBM{TypeV, hidden}, from}] = f
	}
	return out
}

func readFixture(name string, v any) {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		panic(err)
	}
}

var (
	iters   = []int64{0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}
	classes = func() []float64 {
		c := make([]float64, 25)
		for i := range c {
			c[i] = 0.25 * float64(i)
		}
		return c
	}()
)

// flow returns a flow whose thermometer reads mode[i] (all of its share
// but 0.1 spread evenly) after iteration iters[i].
func flow(modes ...float64) Flow {
	f := Flow{Iterations: iters[:len(modes)], Classes: classes}
	for _, m := range modes {
		row := make([]float64, len(classes))
		for k := range row {
			row[k] = 0.1 / float64(len(classes))
		}
		row[int(math.Round(m/0.25))] += 0.9
		f.Distribution = append(f.Distribution, row)
	}
	return f
}

// towards returns modes that move from start to end, arriving at
// iteration iters[at] and staying.
func towards(start, end float64, at int) []float64 {
	m := make([]float64, len(iters))
	for i := range m {
		if i < at {
			m[i] = start
		} else {
			m[i] = end
		}
	}
	m[0] = start
	return m
}

// configs returns n L×L configurations of spins up, each flipped with
// probability p.
func configs(L, n int, p float64, seed uint64) []int8 {
	r := rand.New(rand.NewPCG(seed, 1))
	c := make([]int8, n*L*L)
	for i := range c {
		c[i] = 1
		if r.Float64() < p {
			c[i] = -1
		}
	}
	return c
}

// good returns inputs for which every row passes.
func good() Inputs {
	const L = 10
	in := Inputs{L: L, Flows: map[FlowKey]Flow{}, EnergyT: map[FlowKey][]float64{}}
	in.Samples = map[float64][]int8{0: configs(L, 20, 0, 1), 2: configs(L, 20, 0.05, 2), 3: configs(L, 20, 0.25, 3), 6: configs(L, 20, 0.5, 4)}
	in.LossEpochs, in.TrainLoss, in.TestLoss = lossFixture("fig4-paper.json")
	in.TestReadings = map[float64]Reading{}
	for T, m := range map[float64]float64{0: 0.5, 2: 2.25, 3: 3, 6: 5.75} {
		in.TestReadings[T] = Reading{Classes: classes, Share: flow(m).Distribution[0]}
	}
	put := func(r RBM, end float64, at int) {
		for _, from := range Starts {
			in.Flows[FlowKey{r, from}] = flow(towards(from, end, at)...)
		}
	}
	for _, h := range []int{16, 36, 64, 81, 100} {
		at := 4
		if h == 16 {
			at = 1
		}
		put(RBM{TypeV, h}, 2.5, at)
	}
	maps.Copy(in.Flows, flowFixture("fig9-paper.json"))
	put(RBM{TypeH, 64}, 6, 3)
	put(RBM{TypeH, 225}, 5, 5)
	put(RBM{TypeL, 64}, 0, 3)
	put(RBM{TypeL, 225}, 1.25, 3)
	put(RBM{TypeVNoTc, 64}, 2.25, 5)
	for _, r := range []RBM{{RandomWeights, 64}, {ZeroInf, 64}} {
		put(r, 2.25, 1)
		for _, from := range Starts {
			e := make([]float64, len(iters))
			for i := range e {
				e[i] = 2.3
			}
			in.EnergyT[FlowKey{r, from}] = e
		}
	}
	n := L * L
	in.WWT = map[int][]float64{}
	for _, h := range Fig12Hidden {
		m := make([]float64, n*n)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				dx := min((i/L-j/L+L)%L, (j/L-i/L+L)%L)
				dy := min((i%L-j%L+L)%L, (j%L-i%L+L)%L)
				m[i*n+j] = float64(h) * math.Exp(-float64(dx+dy))
			}
		}
		in.WWT[h] = m
	}
	decay := func(xi float64) []float64 {
		c := make([]float64, 6)
		for r := range c {
			c[r] = 3 * math.Exp(-float64(r)/xi)
		}
		return c
	}
	in.DecaySingleT = map[float64][]float64{0: decay(3), 2: decay(2), 3: decay(1), 6: decay(0.3)}
	in.DecayV = decay(1.5)
	in.VWWV = map[int]Curve{}
	for _, h := range []int{16, 64, 400} {
		var c Curve
		for _, T := range classes {
			c.T = append(c.T, T)
			c.Value = append(c.Value, float64(h)*(1-math.Tanh((T-Tc)/0.3)))
		}
		in.VWWV[h] = c
	}
	geom := func(first, q float64, n int) []float64 {
		e := make([]float64, n)
		for i := range e {
			e[i] = first * math.Pow(q, float64(i))
		}
		return e
	}
	in.Eigen = map[RBM][]float64{
		{TypeV, 64}:  append(geom(10, 0.9, 64), make([]float64, 36)...),
		{TypeL, 64}:  append([]float64{100}, append(geom(1, 0.95, 63), make([]float64, 36)...)...),
		{TypeV, 400}: geom(10, 0.98, 100),
	}
	return in
}

func byRow(vs []Verdict) map[string]Verdict {
	m := map[string]Verdict{}
	for _, v := range vs {
		m[v.Row] = v
	}
	return m
}

func TestJudgeGoodPasses(t *testing.T) {
	vs := Judge(good())
	if len(vs) != 16 {
		t.Fatalf("%d rows", len(vs))
	}
	seen := map[string]bool{}
	for _, v := range vs {
		if seen[v.Row] {
			t.Errorf("row %s twice", v.Row)
		}
		seen[v.Row] = true
		if !v.Pass || v.Missing != nil || v.Criterion == "" || v.Measured == "" || v.Paper == "" {
			t.Errorf("%s", v)
		}
	}
}

// Every row fails on data that contradict the paper (the criteria have
// power), and only that row changes.
func TestJudgeBadFails(t *testing.T) {
	setFlow := func(in *Inputs, r RBM, from float64, modes ...float64) {
		in.Flows[FlowKey{r, from}] = flow(modes...)
	}
	cases := map[string]func(in *Inputs){
		"samples":          func(in *Inputs) { in.Samples[6] = configs(10, 20, 0.1, 9) },
		"thermometer-loss": func(in *Inputs) { _, _, in.TestLoss = lossFixture("fig4-test-keeps-falling.json") },
		"thermometer-test": func(in *Inputs) { in.TestReadings[3] = Reading{classes, flow(1).Distribution[0]} },
		"flow-v64":         func(in *Inputs) { setFlow(in, RBM{TypeV, 64}, 6, towards(6, 2, 4)...) },
		"flow-v-small":     func(in *Inputs) { setFlow(in, RBM{TypeV, 81}, 0, towards(0, 3, 4)...) },
		"flow-v16-faster": func(in *Inputs) {
			setFlow(in, RBM{TypeV, 16}, 0, towards(0, 2.5, 5)...)
			setFlow(in, RBM{TypeV, 16}, 6, towards(6, 2.5, 5)...)
		},
		"flow-v-large": func(in *Inputs) { maps.Copy(in.Flows, flowFixture("fig9-never-near-tc.json")) },
		"flow-h":       func(in *Inputs) { setFlow(in, RBM{TypeH, 225}, 0, towards(0, 4.75, 8)...) },
		"flow-l":       func(in *Inputs) { setFlow(in, RBM{TypeL, 64}, 6, towards(6, 1.5, 8)...) },

		"flow-no-tc": func(in *Inputs) { setFlow(in, RBM{TypeVNoTc, 64}, 2.25, towards(2.25, 1.75, 8)...) },
		"wwt-local": func(in *Inputs) {
			m := in.WWT[100]
			for i := range m {
				m[i] = 1
			}
		},
		"wwt-decay": func(in *Inputs) { in.DecayV = in.DecaySingleT[3] }, // type V decays as fast as T = 3: not between 2 and 3
		"vwwv": func(in *Inputs) {
			c := in.VWWV[64]
			for i, T := range c.T {
				c.Value[i] = 6 - T
				if T > 5 {
					c.Value[i] -= 3
				}
			}
		},
		"spectrum":       func(in *Inputs) { in.Eigen[RBM{TypeL, 64}] = in.Eigen[RBM{TypeV, 64}] },
		"control-random": func(in *Inputs) { in.EnergyT[FlowKey{RBM{RandomWeights, 64}, 6}][10] = math.Inf(1) },
		"control-0-inf":  func(in *Inputs) { setFlow(in, RBM{ZeroInf, 64}, 0, towards(0, 0, 1)...) },
	}
	if len(cases) != len(Judge(good())) {
		t.Errorf("%d cases for %d rows", len(cases), len(Judge(good())))
	}
	for row, spoil := range cases {
		in := good()
		spoil(&in)
		for _, v := range Judge(in) {
			switch {
			case v.Missing != nil:
				t.Errorf("%s: %s is missing: %v", row, v.Row, v.Missing)
			case v.Row == row && v.Pass:
				t.Errorf("%s passed: %s", row, v)
			case v.Row != row && !v.Pass && !shares(row, v.Row):
				t.Errorf("spoiling %s failed %s", row, v)
			}
		}
	}
}

// shares reports whether rows a and b read the same flows (V16 and V64
// serve three rows).
func shares(a, b string) bool {
	flowsOf := map[string]string{"flow-v64": "v64", "flow-v-small": "v16 v64", "flow-v16-faster": "v16 v64"}
	for _, x := range strings.Fields(flowsOf[a]) {
		if strings.Contains(flowsOf[b], x) {
			return true
		}
	}
	return false
}

// A study with none of a row's inputs does not have the row (Absent),
// never a pass.
func TestJudgeAbsent(t *testing.T) {
	for _, v := range Judge(Inputs{}) {
		if v.Pass || !v.Absent || !errors.Is(v.Missing, ErrMissing) || !strings.HasPrefix(v.String(), "ABSENT") {
			t.Errorf("empty inputs: %s (missing %v)", v, v.Missing)
		}
	}
}

// Malformed or partial input of a row the study has gives Missing, never a
// pass.
func TestJudgeMissing(t *testing.T) {
	spoil := map[string]func(in *Inputs){
		"samples":          func(in *Inputs) { delete(in.Samples, 3) },
		"thermometer-loss": func(in *Inputs) { in.TestLoss = in.TestLoss[:2] },
		"thermometer-test": func(in *Inputs) { in.TestReadings[0] = Reading{classes, nil} },
		"flow-v64": func(in *Inputs) {
			f := in.Flows[FlowKey{RBM{TypeV, 64}, 0}]
			f.Distribution = f.Distribution[:3]
			in.Flows[FlowKey{RBM{TypeV, 64}, 0}] = f
		},
		"flow-v-small":    func(in *Inputs) { in.Flows[FlowKey{RBM{TypeV, 36}, 2.25}] = Flow{} },
		"flow-v16-faster": func(in *Inputs) { delete(in.Flows, FlowKey{RBM{TypeV, 16}, 6}) },
		"flow-v-large":    func(in *Inputs) { in.Flows[FlowKey{RBM{TypeV, 400}, 0}] = Flow{} },
		"flow-h":          func(in *Inputs) { in.Flows[FlowKey{RBM{TypeH, 225}, 0}] = Flow{} },
		"flow-l": func(in *Inputs) {
			f := in.Flows[FlowKey{RBM{TypeL, 225}, 6}]
			f.Classes = f.Classes[:1]
			in.Flows[FlowKey{RBM{TypeL, 225}, 6}] = f
		},
		"flow-no-tc":     func(in *Inputs) { in.Flows[FlowKey{RBM{TypeVNoTc, 64}, 0}] = Flow{} },
		"wwt-local":      func(in *Inputs) { in.WWT[400] = in.WWT[400][:99] },
		"wwt-decay":      func(in *Inputs) { in.DecayV = nil },
		"vwwv":           func(in *Inputs) { in.VWWV[16] = Curve{T: []float64{0, 1}, Value: []float64{1, 0}} },
		"spectrum":       func(in *Inputs) { in.Eigen[RBM{TypeV, 400}] = []float64{1} },
		"control-random": func(in *Inputs) { delete(in.EnergyT, FlowKey{RBM{RandomWeights, 64}, 2.25}) },
		"control-0-inf":  func(in *Inputs) { in.Flows[FlowKey{RBM{ZeroInf, 64}, 6}] = Flow{} },
	}
	for row, f := range spoil {
		in := good()
		f(&in)
		for _, v := range Judge(in) {
			if v.Row == row && (v.Pass || v.Missing == nil || v.Absent) {
				t.Errorf("%s: %s", row, v)
			}
			if v.Row != row && !v.Pass && !shares(row, v.Row) {
				t.Errorf("spoiling %s: %s", row, v)
			}
		}
	}
}

// The flow thresholds are the issue's: 2.0 is not within one grid step of
// T_c, 2.25 and 2.5 are; 2.75 is not.
func TestNearTcBoundary(t *testing.T) {
	for m, want := range map[float64]bool{2: false, 2.25: true, 2.5: true, 2.75: false} {
		in := good()
		in.Flows[FlowKey{RBM{TypeV, 64}, 0}] = flow(towards(0, m, 3)...)
		if got := byRow(Judge(in))["flow-v64"].Pass; got != want {
			t.Errorf("final mode %v: pass %v, want %v", m, got, want)
		}
	}
}

func TestStepLikeness(t *testing.T) {
	s, err := StepLikeness([]float64{1, 4, 0, 2})
	if err != nil || s != 2 {
		t.Errorf("StepLikeness = %v, %v; want 2 (4/2, 2/1; the zero is rank deficiency)", s, err)
	}
	if _, err := StepLikeness([]float64{0, 0}); !errors.Is(err, ErrMissing) {
		t.Errorf("all-zero spectrum: %v", err)
	}
}

// TestControlBeyondGrid: an energy that implies a temperature beyond the
// thermometer's grid agrees with a reading at the grid's end, and only
// there.
// An energy that implies T = 137, or T = ∞ (an energy above the exact
// curve's hottest point, as a random-weight flow's often is), is read as
// the grid's end.
func TestControlBeyondGrid(t *testing.T) {
	for _, te := range []float64{137, math.Inf(1)} {
		in := good()
		r := RBM{RandomWeights, 64}
		for _, from := range Starts {
			in.Flows[FlowKey{r, from}] = flow(towards(from, 6, 1)...)
			for i := range in.EnergyT[FlowKey{r, from}] {
				in.EnergyT[FlowKey{r, from}][i] = te
			}
		}
		if v := Control("control-random", in.Flows, in.EnergyT, r); !v.Pass || v.Missing != nil {
			t.Errorf("mode 6 with an energy implying T = %g: %+v", te, v)
		}
		in.Flows[FlowKey{r, 0}] = flow(towards(0, 2.5, 1)...)
		if v := Control("control-random", in.Flows, in.EnergyT, r); v.Pass {
			t.Errorf("mode 2.5 with an energy implying T = %g passed: %+v", te, v)
		}
	}
}

// A flow whose classes are not a grid makes every flow verdict name that
// flow, SmallNhFaster's as eachFlow's.
func TestFlowWithoutGridNamed(t *testing.T) {
	flat := flow(0, 2)
	flat.Classes = make([]float64, len(classes)) // all 0: no grid step
	flows := map[FlowKey]Flow{}
	for _, h := range []int{16, 64} {
		for _, from := range []float64{0, 6} {
			flows[FlowKey{RBM{TypeV, h}, from}] = flow(0, 2)
		}
	}
	flows[FlowKey{RBM{TypeV, 64}, 6}] = flat
	v := SmallNhFaster("r", "p", "", flows, 16, 64)
	if v.Missing == nil || !strings.Contains(v.Missing.Error(), "flow of V64 from T = 6") {
		t.Fatalf("Missing = %v, want it to name the flow of V64 from T = 6", v.Missing)
	}
}
