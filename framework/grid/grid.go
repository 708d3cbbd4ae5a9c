package grid

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Axis is one parameter and its values.
type Axis struct {
	Name   string
	Values []float64
	// Range is the START:STOP:STEP the values were read from, "" for a
	// list: a selection by a range asks for the span, so it need not
	// find each of its points, while each listed value must be found.
	Range string `json:"-"`
}

// MaxValues bounds the number of values of one axis, to turn a typo such as
// 0:6:0.0001 into an error instead of an hour of sampling.
const MaxValues = 100000

// Parse parses NAME=VALUES.
func Parse(spec string) (Axis, error) {
	name, vals, ok := strings.Cut(spec, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.TrimSpace(vals) == "" {
		return Axis{}, fmt.Errorf("parameter %q: want NAME=VALUE, NAME=START:STOP:STEP or NAME=V1,V2,…", spec)
	}
	for _, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return Axis{}, fmt.Errorf("parameter %q: name %q may only contain letters, digits and _", spec, name)
		}
	}
	a := Axis{Name: name}
	var err error
	switch {
	case strings.Contains(vals, ":"):
		a.Values, err = parseRange(vals)
		a.Range = strings.TrimSpace(vals)
	default:
		for _, f := range strings.Split(vals, ",") {
			v, perr := parseValue(f)
			if perr != nil {
				err = perr
				break
			}
			a.Values = append(a.Values, v)
		}
	}
	if err != nil {
		return Axis{}, fmt.Errorf("parameter %s: %w", spec, err)
	}
	return a, nil
}

// parseValue parses a number or "inf" (+Inf, e.g. T = ∞: a model says
// whether it accepts it).
func parseValue(s string) (float64, error) {
	if t := strings.ToLower(strings.TrimSpace(s)); t == "inf" || t == "+inf" {
		return math.Inf(1), nil
	}
	return parseNumber(s)
}

func parseNumber(s string) (float64, error) {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a finite number (nor inf)", s)
	}
	return v, nil
}

func parseRange(s string) ([]float64, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return nil, fmt.Errorf("range %q: want START:STOP:STEP (inclusive), e.g. 0:6:0.25", s)
	}
	var f [3]float64
	for i, p := range parts {
		v, err := parseNumber(p)
		if err != nil {
			return nil, fmt.Errorf("range %q: %w", s, err)
		}
		f[i] = v
	}
	start, stop, step := f[0], f[1], f[2]
	if step <= 0 {
		return nil, fmt.Errorf("range %q: step must be positive", s)
	}
	if stop < start {
		return nil, fmt.Errorf("range %q: stop %v is below start %v", s, stop, start)
	}
	// Tolerate rounding in (stop-start)/step, e.g. 0:1:0.1.
	count := math.Floor((stop-start)/step+1e-9) + 1
	if !(count <= MaxValues) { // also catches overflow to +Inf and NaN
		return nil, fmt.Errorf("range %q has %.3g values, more than %d", s, count, MaxValues)
	}
	n := int(count)
	out := make([]float64, n)
	for i := range out {
		out[i] = round12(start + float64(i)*step)
	}
	return out, nil
}

func round12(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
	return r
}

// Product returns every combination of the axes' values, the first axis
// varying slowest. Axes must have distinct names.
func Product(axes []Axis) ([]map[string]float64, error) {
	seen := map[string]bool{}
	total := 1
	for _, a := range axes {
		if seen[a.Name] {
			return nil, fmt.Errorf("parameter %s given twice: put all its values in one --param (e.g. %s=1,2,3)", a.Name, a.Name)
		}
		seen[a.Name] = true
		total *= len(a.Values)
		if total > MaxValues {
			return nil, fmt.Errorf("the parameter grid has more than %d points", MaxValues)
		}
	}
	out := []map[string]float64{{}}
	for _, a := range axes {
		next := make([]map[string]float64, 0, len(out)*len(a.Values))
		for _, p := range out {
			for _, v := range a.Values {
				q := make(map[string]float64, len(p)+1)
				for k, x := range p {
					q[k] = x
				}
				q[a.Name] = v
				next = append(next, q)
			}
		}
		out = next
	}
	return out, nil
}

// Same reports whether a and b are the same parameter value: equal, or
// finite and within 1e-9 of each other (relative above 1), so that a value
// written 0.3 matches one computed as 0.1+0.2. An infinite value matches
// only itself: its relative tolerance would be infinite and match every
// finite value. NaN matches nothing.
func Same(a, b float64) bool {
	if a == b {
		return true
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return false
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// Distinct returns the values of v sorted, each once.
func Distinct(v []float64) []float64 {
	out := slices.Clone(v)
	slices.Sort(out)
	return slices.Compact(out)
}

// Contains reports whether sorted (as Distinct returns it) has a value
// that is the Same as x, in O(log n): selections and grids may each hold
// 10^5 values.
func Contains(sorted []float64, x float64) bool {
	i := sort.SearchFloat64s(sorted, x)
	for _, j := range []int{i - 1, i} {
		if j >= 0 && j < len(sorted) && Same(sorted[j], x) {
			return true
		}
	}
	return false
}
