package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"sort"
)

// setKey fills Deps, Canonical and Key from the step's resolved spec and
// its inputs (their keys stand for them).
func (s *Step) setKey(version int, spec map[string]any, inputs map[string]*Step) {
	in := map[string]string{}
	for role, dep := range inputs {
		in[role] = dep.Key
		if dep.Registry != nil {
			s.Reads = append(s.Reads, dep.ID)
			continue
		}
		s.Deps = append(s.Deps, dep.ID)
	}
	sort.Strings(s.Deps)
	s.Deps = compactStrings(s.Deps)
	sort.Strings(s.Reads)
	s.Reads = compactStrings(s.Reads)
	doc := map[string]any{
		"format": "rgml-step-v1",
		"code":   version,
		"kind":   s.Kind,
		"name":   s.Name,
		"plugin": map[string]string{"name": s.Plugin, "sha256": s.SHA256},
		"spec":   JSONSafe(spec),
		"inputs": in,
	}
	// encoding/json sorts map keys and writes floats in their shortest
	// round-trip form: the encoding depends on values only.
	b, err := json.Marshal(doc)
	if err != nil {
		panic(fmt.Sprintf("plan: canonical encoding of %s: %v", s.ID, err)) // only finite numbers reach here
	}
	s.Canonical = b
	sum := sha256.Sum256(b)
	s.Key = hex.EncodeToString(sum[:])
}

// JSONSafe writes +Inf (T = inf) as the string "inf", which encoding/json
// cannot encode as a number; finite values keep their types, so that keys
// of steps without infinities stay what they were.
func JSONSafe(v any) any {
	num := func(x float64) any {
		if math.IsInf(x, 1) {
			return "inf"
		}
		return x
	}
	nums := func(xs []float64) any {
		for _, x := range xs {
			if math.IsInf(x, 1) {
				out := make([]any, len(xs))
				for i, y := range xs {
					out[i] = num(y)
				}
				return out
			}
		}
		return xs
	}
	switch x := v.(type) {
	case float64:
		return num(x)
	case []float64:
		return nums(x)
	case map[string]float64:
		out := make(map[string]any, len(x))
		for k, y := range x {
			out[k] = num(y)
		}
		return out
	case map[string][]float64:
		out := make(map[string]any, len(x))
		for k, y := range x {
			out[k] = nums(y)
		}
		return out
	case []map[string]float64:
		out := make([]any, len(x))
		for i, y := range x {
			out[i] = JSONSafe(y)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, y := range x {
			out[k] = JSONSafe(y)
		}
		return out
	}
	return v
}

func compactStrings(v []string) []string {
	k := 0
	for i, x := range v {
		if i == 0 || x != v[k-1] {
			v[k] = x
			k++
		}
	}
	return v[:k]
}
