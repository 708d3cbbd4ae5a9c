package reproduce

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Tc is the critical temperature of the 2D Ising model, 2/ln(1+√2)
// (Onsager 1944).
var Tc = 2 / math.Log(1+math.Sqrt2)

// Verdict is one row of the reproduction table.
type Verdict struct {
	Row   string // short identifier, e.g. "flow-v64"
	Paper string // the paper's figure or section, e.g. "Figs. 6–8"
	// Says is the paper's sentence the criterion encodes, quoted, with
	// its section or caption.
	Says      string
	Criterion string // what is checked, in words with the numbers
	Measured  string // what was measured, in words with the numbers
	// Beyond is what was measured where the paper shows nothing (e.g.
	// Fig. 9 from T = 6): reported, never judged.
	Beyond string
	// Value is the row's headline measurement, named by Quantity: the
	// number whose spread over seeds the table shows.
	Quantity string
	Value    float64
	Pass     bool
	// Missing says which input was absent or malformed; Pass is then false.
	Missing error
	// Absent says the study has none of the row's inputs (Missing says
	// which): the row is not in this study, rather than missing from it.
	Absent bool
}

// ErrMissing is wrapped by every Verdict.Missing.
var ErrMissing = errors.New("missing input")

func missing(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrMissing, fmt.Sprintf(format, a...))
}

// String formats the verdict as one line.
func (v Verdict) String() string {
	status := "FAIL"
	switch {
	case v.Absent:
		status = "ABSENT"
	case v.Missing != nil:
		status = "MISSING"
	case v.Pass:
		status = "pass"
	}
	m := v.Measured
	if v.Missing != nil {
		m = v.Missing.Error()
	}
	return fmt.Sprintf("%-7s %-16s %s — %s", status, v.Row, v.Paper, m)
}

// Flow is what a flow step records: the thermometer's distribution of
// measured temperatures over Classes after each of Iterations.
type Flow struct {
	Iterations   []int64
	Classes      []float64   // the thermometer's temperatures, increasing
	Distribution [][]float64 // [len(Iterations)][len(Classes)]
}

func (f Flow) check() error {
	if len(f.Iterations) == 0 || len(f.Classes) == 0 {
		return missing("flow without iterations or classes")
	}
	if len(f.Distribution) != len(f.Iterations) {
		return missing("flow distribution has %d rows for %d iterations", len(f.Distribution), len(f.Iterations))
	}
	for i, row := range f.Distribution {
		if len(row) != len(f.Classes) {
			return missing("flow distribution row %d has %d values for %d classes", i, len(row), len(f.Classes))
		}
	}
	if !sort.Float64sAreSorted(f.Classes) {
		return missing("flow classes are not increasing")
	}
	return nil
}

// Mode returns the class with the largest share after iteration i (the
// lower class on a tie).
func (f Flow) Mode(i int) float64 {
	best := 0
	for k, p := range f.Distribution[i] {
		if p > f.Distribution[i][best] {
			best = k
		}
	}
	return f.Classes[best]
}

// Mean returns the mean class after iteration i, weighted by its share
// (an infinite class counts as the largest finite one: a mean must stay
// on the grid).
func (f Flow) Mean(i int) float64 {
	top := f.Classes[0]
	for _, c := range f.Classes {
		if !math.IsInf(c, 0) {
			top = math.Max(top, c)
		}
	}
	var sum, w float64
	for k, p := range f.Distribution[i] {
		c := f.Classes[k]
		if math.IsInf(c, 0) {
			c = top
		}
		sum, w = sum+p*c, w+p
	}
	if w == 0 {
		return math.NaN()
	}
	return sum / w
}

// Final returns the last iteration and the mode after it.
func (f Flow) Final() (int64, float64) {
	n := len(f.Iterations) - 1
	return f.Iterations[n], f.Mode(n)
}

// GridStep returns the smallest gap between consecutive finite classes.
func GridStep(classes []float64) (float64, error) {
	step := math.Inf(1)
	for i := 1; i < len(classes); i++ {
		if d := classes[i] - classes[i-1]; d > 0 && !math.IsInf(classes[i], 0) && d < step {
			step = d
		}
	}
	if math.IsInf(step, 1) {
		return 0, missing("fewer than two distinct finite classes: no grid step")
	}
	return step, nil
}

// near reports whether t lies within step of target (with a rounding
// allowance).
func near(t, target, step float64) bool { return math.Abs(t-target) <= step*(1+1e-9) }

func fmtT(v float64) string {
	if math.IsInf(v, 1) {
		return "∞"
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.3f", v), "0"), ".")
}
