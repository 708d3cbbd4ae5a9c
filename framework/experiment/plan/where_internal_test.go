package plan

import (
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/grid"
)

// A range asks for a span of the label, a list for each of its values:
// T: "0:3:1" on data at T = 0 and 6 selects T = 0, while T: [0, 3]
// names 3, which selects nothing.
func TestCheckWhereRangeAndList(t *testing.T) {
	ds := &Node{Labels: map[string][]float64{"T": {0, 6}}}
	at := func(string) Pos { return Pos{} }
	r, err := grid.Parse("T=0:3:1")
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckWhere([]grid.Axis{r}, ds, at, "d"); err != nil {
		t.Errorf("range: %v", err)
	}
	list := grid.Axis{Name: "T", Values: []float64{0, 3}}
	if err := CheckWhere([]grid.Axis{list}, ds, at, "d"); err == nil || !strings.Contains(err.Error(), "T = 3 selects no configuration of d (its T values: 0, 6)") {
		t.Errorf("list: %v", err)
	}
}
