package experiment

import (
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/sdk"
)

// "where T=0.3 selects no configuration" left the user guessing: the
// error lists the values the data has, or the nearest ones when there are
// many.
func TestWhereNothingListsValues(t *testing.T) {
	d := sdk.Dataset{Size: 2, Configs: make([]int8, 4*4), Labels: map[string][]float64{"T": {0, 0.5, 1, 0.5}}}
	_, err := FilterDataset(d, []grid.Axis{{Name: "T", Values: []float64{0.3}}})
	if err == nil || !strings.Contains(err.Error(), "where T=0.3 selects no configuration (its T values: 0, 0.5, 1)") {
		t.Errorf("few values: %v", err)
	}

	var many []float64 // T = 0, 0.1, …, 6: 61 values
	for i := 0; i <= 60; i++ {
		many = append(many, float64(i)/10)
	}
	d = sdk.Dataset{Size: 1, Configs: make([]int8, len(many)), Labels: map[string][]float64{"T": many}}
	_, err = FilterDataset(d, []grid.Axis{{Name: "T", Values: []float64{2.27}}})
	want := "where T=2.27 selects no configuration (the nearest of its 61 T values: …, 1.8, 1.9, 2, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6, 2.7, …)"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("many values: %v\nwant %q", err, want)
	}

	// A listed value that matches nothing is named, with the values
	// nearest it, though another selects data: T=0.75,2.3 on a 0.1 grid
	// trained on T=0.75 alone.
	_, err = FilterDataset(d, []grid.Axis{{Name: "T", Values: []float64{0.7, 2.37}}})
	want = "where T=0.7,2.37: T = 2.37 selects no configuration (the nearest of its 61 T values: …, 1.9, 2, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6, 2.7, 2.8, …)"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("a list with a typo: %v\nwant %q", err, want)
	}
	// A range asks for a span: the points of it the data has.
	r, err := grid.Parse("T=5:7:0.5")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := FilterDataset(d, []grid.Axis{r}); err != nil || got.Len() != 3 {
		t.Errorf("range past the data's end: %d configurations, %v; want 3 (T = 5, 5.5, 6)", got.Len(), err)
	}

	// Each label matches alone, not together: say so, with both lists.
	d = sdk.Dataset{Size: 1, Configs: make([]int8, 2), Labels: map[string][]float64{"T": {1, 2}, "Delta": {0, 1}}}
	_, err = FilterDataset(d, []grid.Axis{{Name: "T", Values: []float64{1}}, {Name: "Delta", Values: []float64{1}}})
	if err == nil || !strings.Contains(err.Error(), "no configuration has these values together") {
		t.Errorf("combination: %v", err)
	}
}

// A label selected twice said "its T values: …" once for each; it is the
// selection that is wrong, as a --param given twice is.
func TestWhereGivenTwice(t *testing.T) {
	_, err := ParseWhere([]string{"T=0.5", "T=1"})
	if err == nil || !strings.Contains(err.Error(), "where T given twice: put all its values in one --where") {
		t.Errorf("got %v", err)
	}
}
