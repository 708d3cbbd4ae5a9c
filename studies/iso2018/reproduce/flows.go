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

// Starts are the temperatures the study's flows start from: those of
// Figs. 6 (T = 0), 7 (T = 6) and 8 (T = 2.25). A row judges only the
// starts its figure shows; the others are reported beyond the paper.
var Starts = []float64{0, 2.25, 6}

// Thresholds of the flow rows. The paper gives none of these numbers;
// they are ours, each the loosest reading of its sentence that the
// thermometer's grid (0, 0.25, …, 6) can tell.
const (
	// HighT: "flows away to higher temperature", "towards T = ∞" on a
	// grid that ends at 6: a final mode ≥ HighT (the top sixth).
	HighT = 5.0
	// LowT: type L "flows towards lower temperature": a final mode ≤ LowT
	// (below T_c by more than four grid steps).
	LowT = 1.25
	// EarlyIteration: Fig. 9 "peak at T = T_c after 10 iterations",
	// "until about ten iterations": near T_c at some logged iteration ≤
	// EarlyIteration (the next logged count after 10, for "about").
	EarlyIteration = 20
	// StayFrom: Figs. 6–8 "stabilize there", Fig. 7 "after ~50
	// iterations": near T_c at every logged iteration ≥ StayFrom (twice
	// Fig. 7's ~50, for "~").
	StayFrom = 100
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

// eachFlow applies check to the flow of every RBM from each of the starts
// the paper shows (paper) and from the study's other Starts (reported in
// Beyond, never judged). A flow the study does not have is named, not
// judged: a study judges what it contains; a row with none of its flows
// is Absent. Value is the mean over the judged flows of the thermometer's
// mean temperature after the last iteration.
func eachFlow(v Verdict, flows map[FlowKey]Flow, rbms []RBM, paper []float64, check flowCheck) Verdict {
	var parts, beyond, absent []string
	passed, total, sum := 0, 0, 0.0
	for _, r := range rbms {
		var gone []string
		for _, from := range paper {
			if _, ok := flows[FlowKey{r, from}]; !ok {
				gone = append(gone, fmtT(from))
			}
		}
		switch {
		case len(gone) == len(paper):
			absent = append(absent, r.String())
		case len(gone) > 0:
			absent = append(absent, fmt.Sprintf("%s from %s", r, strings.Join(gone, ", ")))
		}
		for _, from := range Starts {
			k := FlowKey{r, from}
			shown := containsT(paper, from)
			if _, ok := flows[k]; !ok {
				continue
			}
			f, step, err := flowOf(flows, k)
			if err == nil {
				var good bool
				var text string
				good, text, err = check(k, f, step)
				if err == nil {
					item := fmt.Sprintf("%s from %s: %s %s", r, fmtT(from), text, mark(good))
					if !shown {
						beyond = append(beyond, item)
						continue
					}
					parts = append(parts, item)
					total++
					sum += f.Mean(len(f.Iterations) - 1)
					if good {
						passed++
					}
					continue
				}
			}
			v.Missing = err
			return v
		}
	}
	v.Beyond = strings.Join(beyond, "; ")
	if total == 0 {
		v.Absent = true
		v.Missing = missing("no flow of %s from T = %s", rbmList(rbms), tList(paper))
		return v
	}
	if len(absent) > 0 {
		parts = append(parts, "not in this study: "+strings.Join(absent, ", "))
	}
	v.Measured = strings.Join(parts, "; ")
	v.Quantity, v.Value = "final mean T, averaged over the judged flows", sum/float64(total)
	v.Pass = passed == total
	return v
}

func mark(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}

func containsT(ts []float64, t float64) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

func tList(ts []float64) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = fmtT(t)
	}
	return strings.Join(s, ", ")
}

func finalText(f Flow) string {
	n := len(f.Iterations) - 1
	return fmt.Sprintf("mode %s (mean %.2f) at %d", fmtT(f.Mode(n)), f.Mean(n), f.Iterations[n])
}

// FlowsNearTc judges that every flow of rbms from every start ends with
// its mode within one grid step of T_c (Sec. 3.2: N_h ≤ N_v; Sec. 3.2:
// trained without T = 2.25 and 2.5).
func FlowsNearTc(row, paper, says string, flows map[FlowKey]Flow, rbms []RBM) Verdict {
	v := Verdict{Row: row, Paper: paper, Says: says, Criterion: fmt.Sprintf(
		"flows of %s from T = 0, 2.25, 6: mode after the last iteration (1000 in the paper) within one grid step of T_c ≈ 2.269 (2.25 or 2.5)", rbmList(rbms))}
	return eachFlow(v, flows, rbms, Starts, func(_ FlowKey, f Flow, step float64) (bool, string, error) {
		_, m := f.Final()
		return near(m, Tc, step), finalText(f), nil
	})
}

// StableAtTc judges Figs. 6–8: every flow of rbms from T = 0, 6 and 2.25
// ends with its mode within one grid step of T_c and stays there from
// iteration StayFrom on.
func StableAtTc(row, paper, says string, flows map[FlowKey]Flow, rbms []RBM) Verdict {
	v := Verdict{Row: row, Paper: paper, Says: says, Criterion: fmt.Sprintf(
		"flows of %s from T = 0 (Fig. 6), 6 (Fig. 7), 2.25 (Fig. 8): mode within one grid step of T_c (2.25 or 2.5) at every logged iteration ≥ %d (ours: twice Fig. 7's ~50) and after the last",
		rbmList(rbms), StayFrom)}
	return eachFlow(v, flows, rbms, Starts, func(_ FlowKey, f Flow, step float64) (bool, string, error) {
		ok, left := true, ""
		for i, it := range f.Iterations {
			if (it >= StayFrom || i == len(f.Iterations)-1) && !near(f.Mode(i), Tc, step) && ok {
				ok, left = false, fmt.Sprintf(", away from T_c at %d (mode %s)", it, fmtT(f.Mode(i)))
			}
		}
		return ok, finalText(f) + left, nil
	})
}

// FinalMode judges that every flow of rbms from the starts the paper
// shows ends with its mode on the side of bound given by atLeast
// (Fig. 10: type H from T = 0, mode ≥ 5; Fig. 11: type L from T = 6, mode
// ≤ 1.25); with atLeast false the mode, once below T_c, never returns
// above it (Fig. 11: "the flow never goes back to higher temperature").
func FinalMode(row, paper, says string, flows map[FlowKey]Flow, rbms []RBM, starts []float64, bound float64, atLeast bool) Verdict {
	op, back := "≤", "; once below T_c, the mode never returns above it"
	if atLeast {
		op, back = "≥", ""
	}
	v := Verdict{Row: row, Paper: paper, Says: says, Criterion: fmt.Sprintf(
		"flows of %s from T = %s: mode after the last iteration %s %s%s", rbmList(rbms), tList(starts), op, fmtT(bound), back)}
	return eachFlow(v, flows, rbms, starts, func(_ FlowKey, f Flow, step float64) (bool, string, error) {
		_, m := f.Final()
		if atLeast {
			return m >= bound, finalText(f), nil
		}
		below, text := false, finalText(f)
		for i, it := range f.Iterations {
			mi := f.Mode(i)
			if below && mi > Tc {
				return false, text + fmt.Sprintf(", back above T_c at %d (mode %s)", it, fmtT(mi)), nil
			}
			below = below || mi < Tc
		}
		return m <= bound, text, nil
	})
}

// DriftAfterTc judges Fig. 9 from the start its caption gives (T = 0):
// every flow of rbms has its mode within one grid step of T_c at some
// iteration ≤ EarlyIteration and ends with mode ≥ HighT. The other starts
// are reported beyond the paper.
func DriftAfterTc(row, paper, says string, flows map[FlowKey]Flow, rbms []RBM) Verdict {
	v := Verdict{Row: row, Paper: paper, Says: says, Criterion: fmt.Sprintf(
		"flows of %s from T = 0 (the caption's start): mode within one grid step of T_c at some iteration ≤ %d (ours, for \"about ten\"), then mode ≥ %s after the last iteration (ours, for \"towards T = ∞\" on a grid ending at 6)",
		rbmList(rbms), EarlyIteration, fmtT(HighT))}
	return eachFlow(v, flows, rbms, []float64{0}, func(_ FlowKey, f Flow, step float64) (bool, string, error) {
		at := reachTc(f, step, EarlyIteration)
		_, m := f.Final()
		reach := fmt.Sprintf("never near T_c by %d", EarlyIteration)
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
// there). A flow that never reaches T_c counts as infinitely slow. The
// row is Absent when the study has no flow of one of the two RBMs.
func SmallNhFaster(row, paper, says string, flows map[FlowKey]Flow, small, large int) Verdict {
	v := Verdict{Row: row, Paper: paper, Says: says, Criterion: fmt.Sprintf(
		"type V: the first iteration with mode within one grid step of T_c, summed over the flows from T = 0 and 6, is smaller for N_h = %d than for N_h = %d",
		small, large)}
	for _, h := range []int{small, large} {
		_, a := flows[FlowKey{RBM{TypeV, h}, 0}]
		_, b := flows[FlowKey{RBM{TypeV, h}, 6}]
		if !a && !b {
			v.Absent, v.Missing = true, missing("no flow of V%d from T = 0 or 6", h)
			return v
		}
	}
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
	v.Quantity, v.Value = fmt.Sprintf("iterations to T_c, N_h = %d minus N_h = %d", small, large), sum[small]-sum[large]
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
