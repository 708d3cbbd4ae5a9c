package stepdata

import "github.com/rgml/rgml/framework/sdk"

// LineageParams are resolved parameter values as a lineage records them:
// a switch (an sdk.Bool parameter, which travels as 0 or 1) as true or
// false, so that the report, listings and Python readers show "yes" or
// "true" rather than a number; the others as numbers.
func LineageParams(specs []sdk.ParamSpec, p sdk.Params) map[string]any {
	kinds := make(map[string]sdk.ParamKind, len(specs))
	for _, s := range specs {
		kinds[s.Name] = s.Kind
	}
	out := make(map[string]any, len(p))
	for k, v := range p {
		if kinds[k] == sdk.Bool {
			out[k] = v != 0
			continue
		}
		out[k] = v
	}
	return out
}
