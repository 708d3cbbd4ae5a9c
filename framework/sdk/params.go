package sdk

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// ParamKind says how a parameter's value is read.
type ParamKind int

const (
	Float  ParamKind = iota + 1 // a real number
	Int                         // an integer, carried as float64
	Bool                        // 0 or 1
	Choice                      // one of ParamSpec.Choices
)

func (k ParamKind) String() string {
	switch k {
	case Float:
		return "float"
	case Int:
		return "int"
	case Bool:
		return "bool"
	case Choice:
		return "choice"
	}
	return "unknown"
}

// ParamSpec documents one parameter: meaning, default and allowed range.
// Bounds apply when HasMin/HasMax are set; MinExclusive/MaxExclusive make
// them strict.
type ParamSpec struct {
	Name    string
	Doc     string
	Kind    ParamKind
	Default float64
	Unit    string

	HasMin, MinExclusive bool
	Min                  float64
	HasMax, MaxExclusive bool
	Max                  float64

	Choices       []string
	DefaultChoice string
	// AllowsInf makes +Inf an allowed value of a Float parameter (T = ∞:
	// independent random spins); NaN and −Inf stay refused.
	AllowsInf bool
}

// Range returns the allowed range in interval notation, e.g. "[0, +inf)".
func (s ParamSpec) Range() string {
	if s.Kind == Choice {
		return "{" + strings.Join(s.Choices, ", ") + "}"
	}
	lo, hi := "(-inf", "+inf)"
	if s.HasMin {
		b := "["
		if s.MinExclusive {
			b = "("
		}
		lo = b + formatFloat(s.Min)
	}
	if s.HasMax {
		b := "]"
		if s.MaxExclusive {
			b = ")"
		}
		hi = formatFloat(s.Max) + b
	} else if s.AllowsInf && s.Kind == Float {
		hi = "+inf]"
	}
	return lo + ", " + hi
}

// Check reports whether v is an allowed value of the parameter, as an
// InvalidArgument error that names the parameter and the allowed range.
func (s ParamSpec) Check(v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) && !(math.IsInf(v, 1) && s.AllowsInf && s.Kind == Float) {
		return InvalidArgument("parameter %s = %v: must be a finite number", s.Name, v)
	}
	if s.Kind == Int && v != math.Trunc(v) {
		return InvalidArgument("parameter %s = %v: must be an integer", s.Name, v)
	}
	// Checked before any conversion to int, which would wrap silently.
	if s.Kind == Int && math.Abs(v) > MaxInt {
		return InvalidArgument("parameter %s = %v is out of range: integers must lie within ±2^53 (%d)", s.Name, v, int64(MaxInt))
	}
	if s.Kind == Bool && v != 0 && v != 1 {
		return InvalidArgument("parameter %s = %v: must be 0 or 1", s.Name, v)
	}
	below := s.HasMin && (v < s.Min || (s.MinExclusive && v == s.Min))
	above := s.HasMax && (v > s.Max || (s.MaxExclusive && v == s.Max))
	if below || above {
		return InvalidArgument("parameter %s = %v is out of range: allowed %s", s.Name, v, s.Range())
	}
	return nil
}

// Params are numeric parameter values by name (e.g. T, Delta).
type Params map[string]float64

// Names returns the parameter names in sorted order.
func (p Params) Names() []string {
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ResolveParams checks given against specs and returns a complete set:
// unknown names and out-of-range values are InvalidArgument errors, and
// missing parameters take their defaults. Choice parameters are not numeric:
// a number given for one is an error, and they are left out of the result.
func ResolveParams(specs []ParamSpec, given Params) (Params, error) {
	known := make(map[string]ParamSpec, len(specs))
	for _, s := range specs {
		known[s.Name] = s
	}
	for _, name := range given.Names() {
		s, ok := known[name]
		if !ok {
			return nil, InvalidArgument("unknown parameter %q (known: %s)", name, specNames(specs))
		}
		if s.Kind == Choice {
			return nil, InvalidArgument("parameter %s takes one of %s, not a number", name, s.Range())
		}
	}
	out := make(Params, len(specs))
	for _, s := range specs {
		if s.Kind == Choice {
			continue
		}
		v, ok := given[s.Name]
		if !ok {
			v = s.Default
		}
		if err := s.Check(v); err != nil {
			return nil, err
		}
		out[s.Name] = v
	}
	return out, nil
}

func specNames(specs []ParamSpec) string {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	return strings.Join(names, ", ")
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
