package reproduce

import (
	"fmt"
	"math"
	"strings"
)

// Kind is how an RBM was trained.
type Kind string

// The RBMs of the study and its controls.
const (
	TypeV         Kind = "V"       // every T = 0…6
	TypeH         Kind = "H"       // T = 4…6
	TypeL         Kind = "L"       // T = 0 only
	TypeVNoTc     Kind = "V-no-Tc" // every T but 2.25 and 2.5
	RandomWeights Kind = "random"  // untrained Gaussian weights (control)
	ZeroInf       Kind = "0-inf"   // T = 0 and T = ∞ only (control)
)

// RBM names one trained (or random) RBM of the study.
type RBM struct {
	Kind   Kind
	Hidden int
}

func (r RBM) String() string { return fmt.Sprintf("%s%d", r.Kind, r.Hidden) }

// FlowKey names a flow: an RBM and the temperature of the test
// configurations it starts from.
type FlowKey struct {
	RBM  RBM
	From float64
}

// Starts are the temperatures the paper's flows start from.
var Starts = []float64{0, 2.25, 6}

// Thresholds of the flow rows (the criteria).
const (
	HighT          = 5.0  // "drifts to high T": final mode ≥ HighT
	LowT           = 1.25 // type L: final mode ≤ LowT
	EarlyIteration = 50   // N_h ≥ 225: near T_c at some iteration ≤ EarlyIteration
)

// flowCheck judges one flow: ok, and a short text of what was measured.
// A non-nil error marks the verdict Missing.
type flowCheck func(k FlowKey, f Flow, step float64) (bool, string, error)

// flowOf returns the flow k and its thermometer's grid step, or why it
// cannot be judged (missing, malformed, or classes not on a grid).
func flowOf(flows map[FlowKey]Flow, k FlowKey) (Flow, float64, error) {
	f, ok := flows[k]
	if !ok {
		return f, 0, missing("no flow of RBM %s from T = %s", k.RBM, fmtT(k.From))
	}
	if err := f.check(); err != nil {
		return f, 0, fmt.Errorf("flow of %s from T = %s: %w", k.RBM, fmtT(k.From), err)
	}
	step, err := GridStep(f.Classes)
	if err != nil {
		return f, 0, fmt.Errorf("flow of %s from T = %s: %w", k.RBM, fmtT(k.From), err)
	}
	return f, step, nil
}

// eachFlow applies check to the flow of every RBM from every start and
// combines the results: Pass if all pass, Value = fraction passing.
func eachFlow(v Verdict, flows map[FlowKey]Flow, rbms []RBM, starts []float64, check flowCheck) Verdict {
	var parts []string
	passed, total := 0, 0
	for _, r := range rbms {
		for _, from := range starts {
			k := FlowKey{r, from}
			f, step, err := flowOf(flows, k)
			if err != nil {
				v.Missing = err
				return v
			}
			good, text, err := check(k, f, step)
			if err != nil {
				v.Missing = err
				return v
			}
			total++
			mark := "✗"
			if good {
				passed++
				mark = "✓"
			}
			parts = append(parts, fmt.Sprintf("%s from %s: %s %s", r, fmtT(from), text, mark))
		}
	}
	if total == 0 {
		v.Missing = missing("no flows to judge")
		return v
	}
	v.Measured = strings.Join(parts, "; ")
	v.Value = float64(passed) / float64(total)
	v.Pass = passed == total
	return v
}

func finalText(f Flow) string {
	it, m := f.Final()
	return fmt.Sprintf("mode %s at %d", fmtT(m), it)
}

// FlowsNearTc judges that every flow of rbms from every start ends with
// its mode within one grid step of T_c (Figs. 6–8; Sec. 3.2).
func FlowsNearTc(row, paper string, flows map[FlowKey]Flow, rbms []RBM) Verdict {
	v := Verdict{Row: row, Paper: paper, Criterion: fmt.Sprintf(
		"flows of %s from T = 0, 2.25, 6: mode after the last iteration (1000 in the paper) within one grid step of T_c ≈ 2.269 (2.25 or 2.5)", rbmList(rbms))}
	return eachFlow(v, flows, rbms, Starts, func(_ FlowKey, f Flow, step float64) (bool, string, error) {
		_, m := f.Final()
		return near(m, Tc, step), finalText(f), nil
	})
}

// FinalMode judges that every flow of rbms ends with its mode on the side
// of bound given by atLeast (Fig. 10: type H, mode ≥ 5; Fig. 11: type L,
// mode ≤ 1.25).
func FinalMode(row, paper string, flows map[FlowKey]Flow, rbms []RBM, bound float64, atLeast bool) Verdict {
	op := "≤"
	if atLeast {
		op = "≥"
	}
	v := Verdict{Row: row, Paper: paper, Criterion: fmt.Sprintf(
		"flows of %s from T = 0, 2.25, 6: mode after the last iteration %s %s", rbmList(rbms), op, fmtT(bound))}
	return eachFlow(v, flows, rbms, Starts, func(_ FlowKey, f Flow, step float64) (bool, string, error) {
		_, m := f.Final()
		return (atLeast && m >= bound) || (!atLeast && m <= bound), finalText(f), nil
	})
}

// DriftAfterTc judges Fig. 9: every flow of rbms has its mode within one
// grid step of T_c at some iteration ≤ EarlyIteration, and ends with mode
// ≥ HighT.
func DriftAfterTc(row, paper string, flows map[FlowKey]Flow, rbms []RBM) Verdict {
	v := Verdict{Row: row, Paper: paper, Criterion: fmt.Sprintf(
		"flows of %s from T = 0, 2.25, 6: mode within one grid step of T_c at some iteration ≤ %d, then mode ≥ %s after the last iteration",
		rbmList(rbms), EarlyIteration, fmtT(HighT))}
	return eachFlow(v, flows, rbms, Starts, func(_ FlowKey, f Flow, step float64) (bool, string, error) {
		at := reachTc(f, step, EarlyIteration)
		_, m := f.Final()
		reach := "never near T_c by 50"
		if at >= 0 {
			reach = fmt.Sprintf("near T_c at %d", at)
		}
		return at >= 0 && m >= HighT, reach + ", " + finalText(f), nil
	})
}

// reachTc returns the first iteration ≤ limit whose mode is within step of
// T_c, or −1.
func reachTc(f Flow, step float64, limit int64) int64 {
	for i, it := range f.Iterations {
		if it > limit {
			break
		}
		if near(f.Mode(i), Tc, step) {
			return it
		}
	}
	return -1
}

// SmallNhFaster judges Sec. 3.2: the type V RBM with N_h = small reaches
// T_c (mode within one grid step) in fewer iterations than N_h = large,
// summed over the flows from T = 0 and T = 6 (from 2.25 both start
// there). A flow that never reaches T_c counts as infinitely slow.
func SmallNhFaster(row, paper string, flows map[FlowKey]Flow, small, large int) Verdict {
	v := Verdict{Row: row, Paper: paper, Criterion: fmt.Sprintf(
		"type V: the first iteration with mode within one grid step of T_c, summed over the flows from T = 0 and 6, is smaller for N_h = %d than for N_h = %d",
		small, large)}
	sum := map[int]float64{}
	var parts []string
	for _, h := range []int{small, large} {
		for _, from := range []float64{0, 6} {
			r := RBM{TypeV, h}
			f, step, err := flowOf(flows, FlowKey{r, from})
			if err != nil {
				v.Missing = err
				return v
			}
			at := reachTc(f, step, math.MaxInt64)
			text := "never"
			if at < 0 {
				sum[h] = math.Inf(1)
			} else {
				sum[h] += float64(at)
				text = fmt.Sprint(at)
			}
			parts = append(parts, fmt.Sprintf("%s from %s: %s", r, fmtT(from), text))
		}
	}
	v.Measured = fmt.Sprintf("%s; sums %s vs %s", strings.Join(parts, ", "), fmtT(sum[small]), fmtT(sum[large]))
	v.Value = sum[small] - sum[large]
	v.Pass = sum[small] < sum[large]
	return v
}

func rbmList(rbms []RBM) string {
	s := make([]string, len(rbms))
	for i, r := range rbms {
		s[i] = r.String()
	}
	return strings.Join(s, ", ")
}
