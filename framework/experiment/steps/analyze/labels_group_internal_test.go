package analyze

import (
	"testing"

	"github.com/rgml/rgml/framework/experiment/steps/stepdata"
	"github.com/rgml/rgml/framework/sdk"
)

// The label a dataset is grouped by, and learned unless a spec says, is
// its only label or its one label of several values, whatever its name;
// an analyzer that reads a group and no data/NAME gets that label as
// data/group.
func TestGroupLabel(t *testing.T) {
	for _, c := range []struct {
		labels map[string][]float64
		want   string
	}{
		{map[string][]float64{"beta": {1, 1}}, "beta"},
		{map[string][]float64{"beta": {1, 2}, "h": {0, 0}}, "beta"},
		{map[string][]float64{"beta": {1, 2}, "h": {0, 1}}, ""},
		{map[string][]float64{"beta": {1, 1}, "h": {0, 0}}, ""},
		{nil, ""},
	} {
		if got := stepdata.GroupLabel(c.labels); got != c.want {
			t.Errorf("groupLabel(%v) = %q, want %q", c.labels, got, c.want)
		}
	}
	r := analyzerInputs{name: "a", desc: sdk.AnalyzerDescription{Inputs: []sdk.AnalyzerInput{{Name: "data/configs"}, {Name: "data/group"}, {Name: "data/h"}}}}
	for name, want := range map[string]string{"beta": "group", "h": "h", "x": ""} {
		if got := r.label(name, "beta"); got != want {
			t.Errorf("label %s goes to %q, want %q", name, got, want)
		}
	}
}
