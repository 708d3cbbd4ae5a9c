package main

import (
	"strings"

	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/sdk"
)

// parseSettings parses --set NAME=VALUE flags into numbers.
func parseSettings(sets []string) (sdk.Params, error) {
	p := sdk.Params{}
	for _, s := range sets {
		name, val, ok := strings.Cut(s, "=")
		if !ok || name == "" {
			return nil, usagef("--set %q: want NAME=VALUE, e.g. --set hidden=64", s)
		}
		a, err := grid.Parse(s)
		if err != nil || len(a.Values) != 1 {
			return nil, usagef("--set %s: %q is not a single number", name, val)
		}
		if _, dup := p[name]; dup {
			return nil, usagef("--set %s given twice", name)
		}
		p[name] = a.Values[0]
	}
	return p, nil
}
