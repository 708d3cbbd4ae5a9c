package spec

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/rgml/rgml/framework/grid"
)

func (s *Spec) parseFlow(it node) error {
	m, it, err := stepHead(it, flowFields, "flow")
	if err != nil {
		return err
	}
	for _, k := range []string{"rbm", "thermometer", "from"} {
		if _, ok := m[k]; !ok {
			return it.errf("the flow has no %s", k)
		}
	}
	res, err := parseResources(m)
	if err != nil {
		return err
	}
	at := positions(m, it)
	x := &expander{}
	for _, f := range []string{"rbm", "thermometer", "from"} {
		alts, err := strChoices(m[f].val)
		if err != nil {
			return err
		}
		x.add(f, alts)
	}
	seeds := []choice{{text: "1", num: DefaultSeed}}
	if e, ok := m["seed"]; ok {
		if seeds, err = numChoices(e.val, true, 0); err != nil {
			return err
		}
	}
	x.add("seed", seeds)
	var where []grid.Axis
	if e, ok := m["where"]; ok {
		if where, err = e.val.axes(); err != nil {
			return err
		}
	}
	its, err := ParseIterations(DefaultIterations)
	if err != nil {
		return err
	}
	if e, ok := m["iterations"]; ok {
		if its, err = iterationsOf(e.val); err != nil {
			return err
		}
	}
	save := false
	if e, ok := m["save-configs"]; ok {
		if save, err = e.val.boolean(); err != nil {
			return err
		}
	}
	for _, a := range where {
		at["where."+a.Name] = at["where"]
	}
	return expand(x, m["name"], func(name string, b map[string]choice) error {
		s.Flows = append(s.Flows, Flow{
			Name: name, RBM: b["rbm"].text, Thermometer: b["thermometer"].text, From: b["from"].text,
			Where: where, Iterations: its, Seed: uint64(b["seed"].num), SaveConfigs: save, Resources: res, at: at,
		})
		return nil
	})
}

// iterationsOf reads the iteration counts of a flow: a list of
// non-negative integers or the CLI's "0,1,10,100", increasing.
func iterationsOf(n node) ([]int64, error) {
	items, isSeq, err := n.sequence()
	if err != nil {
		return nil, err
	}
	if !isSeq {
		s, err := n.str()
		if err != nil {
			return nil, n.errf("want a list of iteration counts, e.g. [0, 1, 10, 100]")
		}
		its, perr := ParseIterations(s)
		if perr != nil {
			return nil, n.errf("%v", perr)
		}
		return its, nil
	}
	if len(items) == 0 {
		return nil, n.errf("empty list: give at least one iteration count")
	}
	var its []int64
	for _, it := range items {
		v, err := it.number()
		if err != nil {
			return nil, err
		}
		if v < 0 || v != math.Trunc(v) || v > MaxIterations {
			return nil, it.errf("%v: want an integer from 0 to %d", v, int64(MaxIterations))
		}
		if len(its) > 0 && int64(v) <= its[len(its)-1] {
			return nil, it.errf("iteration counts must increase (%v after %d)", v, its[len(its)-1])
		}
		its = append(its, int64(v))
	}
	return its, nil
}

// MaxIterations bounds an iteration count of a flow, in a spec and on the
// command line alike.
const MaxIterations = 1 << 40

// ParseIterations parses "0,1,10,100" as rgml flow --iterations does.
func ParseIterations(s string) ([]int64, error) {
	var its []int64
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%q: want non-negative integers separated by commas, e.g. 0,1,10,100", s)
		}
		if n > MaxIterations {
			return nil, fmt.Errorf("%q: %d iterations, more than %d", s, n, int64(MaxIterations))
		}
		if len(its) > 0 && n <= its[len(its)-1] {
			return nil, fmt.Errorf("%q: counts must increase", s)
		}
		its = append(its, n)
	}
	return its, nil
}
